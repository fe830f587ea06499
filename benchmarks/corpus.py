"""Build the labelled real-music corpus: game soundtracks from Debian packages, re-encoded
into a mix of formats and tagged, with the soundtrack of every file in a manifest.

    benchmarks/corpus.sh [--out DIR] [--debs DIR] [--jobs N] [--only NAME ...]

Each soundtrack (benchmarks/soundtracks.py) comes from one package, fetched with
`apt-get download` (no root needed) into the downloads folder and unpacked with dpkg-deb;
only its music is kept. Every piece of at least MIN_SECONDS that PyAV decodes becomes one
file of the corpus, OUT/FOLDER/NAME.EXT, in a format that takes turns within the
soundtrack (FORMAT_TURNS), so no format goes with one label: an Ogg Vorbis or Opus source
meant to stay in its own format is copied as it is, everything else is decoded and
encoded again with PyAV. Tags (mutagen): the file's own title and artist where it has
them, else its file name and the soundtrack's credit; album = the soundtrack.

OUT/labels.json is the manifest: every file's soundtrack (the label), plus package,
version and licence of each soundtrack, and what was left out and why. Album tags equal
the label, so nothing may be tuned on album or genre. Each package's copyright file is
kept beside its music (OUT/FOLDER/COPYRIGHT), as the licences ask.

A second run reuses what is there: a package already downloaded is not fetched again, a
soundtrack whose files all exist is not unpacked again, a file already written is kept.
Defaults: benchmarks/out/corpus and benchmarks/out/debs; RIFFLE_CORPUS and
RIFFLE_CORPUS_DEBS (or --out, --debs) put them elsewhere.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import av
import mutagen

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from library_factory import TagSet, write_tags  # noqa: E402
from soundtracks import SOUNDTRACKS, Soundtrack  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "out" / "corpus"
DEFAULT_DEBS = ROOT / "benchmarks" / "out" / "debs"
MANIFEST = "labels.json"
MANIFEST_FORMAT = 1
#: Pieces shorter than this are jingles and stings, not tracks.
MIN_SECONDS = 20.0
#: The format of a soundtrack's n-th piece is FORMAT_TURNS[n % len(FORMAT_TURNS)].
FORMAT_TURNS = ("ogg", "mp3", "opus", "m4a", "ogg", "mp3", "flac", "opus")
#: FLAC of a long piece would weigh 30–150 MB; longer pieces become MP3 instead.
FLAC_MAX_SECONDS = 240.0


@dataclass(frozen=True)
class Encoding:
    container: str
    codec: str
    sample_format: str
    bit_rate: int | None
    rate: int | None = None  # None keeps the source's
    options: tuple[tuple[str, str], ...] = ()


ENCODINGS = {
    # LAME's quality 7 ("fast") encodes about twice as fast as its default
    "mp3": Encoding("mp3", "libmp3lame", "s16p", 192_000, options=(("compression_level", "7"),)),
    "m4a": Encoding("ipod", "aac", "fltp", 160_000),
    "opus": Encoding("opus", "libopus", "s16", 96_000, rate=48_000),
    "flac": Encoding("flac", "flac", "s16", None),
}
#: Source codec → the extension a copy of it keeps (no re-encoding).
COPYABLE = {"vorbis": "ogg", "opus": "opus"}


@dataclass(frozen=True)
class Job:
    """One file of the corpus to write from one source piece."""

    source: str
    target: str
    ext: str
    copy: bool
    title: str
    artist: str
    album: str


def corpus_dir(value: str | None = None) -> Path:
    """The corpus folder: *value*, else $RIFFLE_CORPUS, else benchmarks/out/corpus."""
    return Path(value or os.environ.get("RIFFLE_CORPUS") or DEFAULT_OUT).expanduser()


def load_manifest(corpus: Path) -> dict:
    """The corpus's manifest; SystemExit with what to run when there is none."""
    path = corpus / MANIFEST
    if not path.is_file():
        raise SystemExit(f"no corpus at {corpus} ({MANIFEST} missing): build it with "
                         f"benchmarks/corpus.sh --out {corpus}")
    return json.loads(path.read_text(encoding="utf-8"))


def labels(corpus: Path) -> dict[str, str]:
    """Absolute file path → soundtrack, for every file of the corpus."""
    tracks = load_manifest(corpus)["tracks"]
    return {str((corpus / rel).resolve()): t["soundtrack"] for rel, t in tracks.items()}


# -- packages --------------------------------------------------------------------------------


def download(package: str, debs: Path) -> Path:
    """The package's .deb in *debs*, fetched with apt-get download unless already there."""
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"{package}_*.deb"))
    if not found:
        print(f"  apt-get download {package}", flush=True)
        subprocess.run(["apt-get", "download", "-q", package], cwd=debs, check=True,
                       stdout=subprocess.DEVNULL)
        found = sorted(debs.glob(f"{package}_*.deb"))
        if not found:
            raise SystemExit(f"apt-get download {package} left no .deb in {debs}")
    return found[-1]


def deb_version(deb: Path) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(deb), "Version"], check=True,
                          capture_output=True, text=True).stdout.strip()


def unpack(deb: Path, soundtrack: Soundtrack, dest: Path) -> tuple[list[Path], Path | None]:
    """The soundtrack's music files unpacked under *dest*, and the package's copyright file.

    Reads the package's data archive as a stream (dpkg-deb --fsys-tarfile) and keeps only
    what the soundtrack needs, so a 400 MB game-data package costs no 400 MB of disk.
    """
    wanted = soundtrack.archive or soundtrack.pattern
    copyright_name = f"usr/share/doc/{soundtrack.package}/copyright"
    kept: list[Path] = []
    copyright_file = None
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if not member.isfile():
                    continue
                if name == copyright_name or fnmatch.fnmatch(name, wanted):
                    tar.extract(member, dest, filter="data")
                    if name == copyright_name:
                        copyright_file = dest / member.name
                    else:
                        kept.append(dest / member.name)
    if proc.returncode:
        raise SystemExit(f"dpkg-deb could not read {deb}")
    if soundtrack.archive:
        inner = []
        for archive in kept:
            folder = archive.with_name(archive.name + ".d")
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    if not info.is_dir() and fnmatch.fnmatch(info.filename, soundtrack.pattern):
                        inner.append(Path(zf.extract(info, folder)))
        kept = inner
    return sorted(kept), copyright_file


# -- what each piece becomes -----------------------------------------------------------------


def probe(path: Path) -> tuple[float | None, str | None, str | None]:
    """(seconds, codec, None) of a decodable file, or (None, None, why not)."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None, None, "no audio stream"
            stream = container.streams.audio[0]
            seconds = container.duration / 1e6 if container.duration else None
            if seconds is None and stream.duration and stream.time_base:
                seconds = float(stream.duration * stream.time_base)
            return seconds, stream.codec_context.name, None
    except av.FFmpegError as exc:
        return None, None, f"FFmpeg cannot open it ({exc.strerror or exc})"


def own_tags(path: Path) -> tuple[str, str]:
    """The file's own (title, artist), empty where absent."""
    try:
        audio = mutagen.File(path, easy=True)
    except mutagen.MutagenError:
        return "", ""
    if audio is None or audio.tags is None:
        return "", ""

    def first(key: str) -> str:
        values = audio.tags.get(key) or [""]
        return str(values[0]).strip()

    return first("title"), first("artist")


_GENERIC_TITLE = re.compile(r"^(\d+\s*-\s*)?track\s*\d*$", re.IGNORECASE)
_NO_ARTIST = {"", "<unknown>", "unknown", "unknown artist"}


def from_file_name(path: Path) -> str:
    return re.sub(r"[\s_-]+", " ", path.stem.lstrip("@")).strip()


def plan(soundtrack: Soundtrack, pieces: list[tuple[Path, float, str]],
         out: Path) -> list[Job]:
    """One Job per piece: its target name, format and tags (see the module docstring).

    A title shared by more than two files of a soundtrack was copied from one file to the
    others (HyperRogue's pieces are all "Living Caves"), so those take their file name.
    """
    tags = {path: own_tags(path) for path, _, _ in pieces}
    title_count = Counter(title.casefold() for title, _ in tags.values() if title)
    jobs: list[Job] = []
    used: set[str] = set()
    for n, (path, seconds, codec) in enumerate(pieces):
        title, artist = tags[path]
        if not title or _GENERIC_TITLE.match(title) or title_count[title.casefold()] > 2:
            title = from_file_name(path)
        if artist.casefold() in _NO_ARTIST:
            artist = next((who for prefix, who in soundtrack.artists
                           if path.name.startswith(prefix)), soundtrack.credit)
        ext = FORMAT_TURNS[n % len(FORMAT_TURNS)]
        if ext == "flac" and seconds > FLAC_MAX_SECONDS:
            ext = "mp3"
        if ext == "ogg" and codec != "vorbis":
            ext = "opus"  # FFmpeg's own Vorbis encoder is not fit for music
        copy = COPYABLE.get(codec) == ext
        stem = re.sub(r"[^\w.-]+", "_", path.stem.lstrip("@")).strip("_") or "track"
        name = stem
        while name.casefold() in used:
            name = f"{path.parent.name}_{name}"
        used.add(name.casefold())
        jobs.append(Job(str(path), str(out / soundtrack.folder / f"{name}.{ext}"), ext, copy,
                        title, artist, soundtrack.name))
    return jobs


def write(job: Job) -> str:
    """Write one corpus file (through a .part file, so a killed run leaves no half file)."""
    target = Path(job.target)
    partial = target.with_name(target.stem + ".part." + job.ext)
    target.parent.mkdir(parents=True, exist_ok=True)
    if job.copy:
        shutil.copyfile(job.source, partial)
        audio = mutagen.File(partial)
        audio.delete()  # the package's own comments go; only ours stay
    else:
        transcode(Path(job.source), partial, ENCODINGS[job.ext])
    write_tags(partial, TagSet(title=job.title, artists=[job.artist], album=job.album))
    partial.rename(target)
    return job.target


def transcode(source: Path, target: Path, enc: Encoding) -> None:
    """Decode *source* and encode it as *enc*, stereo, at the source's rate unless *enc*
    fixes one. A packet the decoder rejects is dropped, not the whole piece."""
    with av.open(str(source)) as inp, av.open(str(target), "w", format=enc.container) as out:
        src = inp.streams.audio[0]
        rate = enc.rate or src.rate
        stream = out.add_stream(enc.codec, rate=rate, options=dict(enc.options))
        stream.layout = "stereo"
        stream.format = enc.sample_format
        if enc.bit_rate:
            stream.bit_rate = enc.bit_rate
        resampler = av.AudioResampler(format=enc.sample_format, layout="stereo", rate=rate)
        for packet in inp.demux(src):
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                continue
            for frame in frames:
                frame.pts = None
                for ready in resampler.resample(frame):
                    out.mux(stream.encode(ready))
        for ready in resampler.resample(None):
            out.mux(stream.encode(ready))
        out.mux(stream.encode(None))


# -- the whole build -------------------------------------------------------------------------


def complete(entry: dict | None, out: Path) -> bool:
    """Whether the manifest *entry* of a soundtrack lists files that all exist."""
    return bool(entry) and all((out / rel).is_file() for rel in entry["files"])


def build_soundtrack(soundtrack: Soundtrack, out: Path, debs: Path, jobs: int,
                     min_seconds: float) -> tuple[dict, dict[str, dict], list[dict]]:
    """Download, unpack, plan and write one soundtrack; (summary, tracks, skipped)."""
    deb = download(soundtrack.package, debs)
    version = deb_version(deb)
    skipped: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="riffle-corpus-", dir=debs) as tmp:
        files, copyright_file = unpack(deb, soundtrack, Path(tmp))
        pieces = []
        for path in files:
            seconds, codec, why = probe(path)
            rel = str(path.relative_to(tmp))
            if why is not None or seconds is None or codec is None:
                skipped.append({"package": soundtrack.package, "source": rel,
                                "reason": why or "length unknown"})
            elif seconds < min_seconds:
                skipped.append({"package": soundtrack.package, "source": rel,
                                "reason": f"{seconds:.0f} s, shorter than {min_seconds:.0f} s"})
            else:
                pieces.append((path, seconds, codec))
        planned = plan(soundtrack, pieces, out)
        missing = [j for j in planned if not Path(j.target).is_file()]
        print(f"  {soundtrack.name}: {len(planned)} pieces, {len(planned) - len(missing)} already "
              f"there, {len(missing)} to write", flush=True)
        run_jobs(missing, jobs)
        (out / soundtrack.folder).mkdir(parents=True, exist_ok=True)
        if copyright_file is not None:
            shutil.copyfile(copyright_file, out / soundtrack.folder / "COPYRIGHT")
        seconds_of = {str(p): s for p, s, _ in pieces}
        tracks = {str(Path(j.target).relative_to(out)): {
            "soundtrack": soundtrack.name, "title": j.title, "artist": j.artist,
            "format": j.ext, "copied": j.copy, "seconds": round(seconds_of[j.source], 1),
            "source": str(Path(j.source).relative_to(tmp))} for j in planned}
    summary = {"package": soundtrack.package, "version": version,
               "licence": soundtrack.licence, "folder": soundtrack.folder,
               "copyright": f"{soundtrack.folder}/COPYRIGHT", "files": sorted(tracks)}
    return summary, tracks, skipped


def run_jobs(jobs: list[Job], processes: int) -> None:
    started = time.monotonic()
    results: Iterator[str]
    pool = ProcessPoolExecutor(processes) if processes > 1 and len(jobs) > 1 else None
    try:
        results = pool.map(write, jobs) if pool else map(write, jobs)
        for n, target in enumerate(results, start=1):
            print(f"    [{n}/{len(jobs)}, {time.monotonic() - started:.0f} s] "
                  f"{Path(target).name}", flush=True)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def report(manifest: dict, out: Path) -> None:
    tracks = manifest["tracks"]
    per = Counter(t["soundtrack"] for t in tracks.values())
    formats = Counter(t["format"] for t in tracks.values())
    size = sum((out / rel).stat().st_size for rel in tracks)
    hours = sum(t["seconds"] for t in tracks.values()) / 3600
    print(f"\ncorpus at {out}: {len(per)} soundtracks, {len(tracks)} tracks, {hours:.1f} h, "
          f"{size / 1e6:.0f} MB")
    print(f"{'soundtrack':36} {'package':24} {'tracks':>6}  licence")
    for name, info in manifest["soundtracks"].items():
        print(f"{name:36} {info['package']:24} {per[name]:>6}  {info['licence']}")
    print("formats: " + ", ".join(f"{ext} {n}" for ext, n in formats.most_common()))
    copies = sum(t["copied"] for t in tracks.values())
    print(f"{copies} copied in their own format (Vorbis, Opus), {len(tracks) - copies} "
          f"encoded again; {len(manifest['skipped'])} pieces left out (see {MANIFEST})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="corpus folder (default $RIFFLE_CORPUS or "
                        "benchmarks/out/corpus)")
    parser.add_argument("--debs", help="downloads folder (default $RIFFLE_CORPUS_DEBS or "
                        "benchmarks/out/debs)")
    parser.add_argument("--jobs", type=int, default=1, help="encoding processes (default 1)")
    parser.add_argument("--only", nargs="+", metavar="FOLDER",
                        help="build only these soundtracks (by folder name)")
    parser.add_argument("--min-seconds", type=float, default=MIN_SECONDS)
    args = parser.parse_args(argv)
    out = corpus_dir(args.out).resolve()
    debs = Path(args.debs or os.environ.get("RIFFLE_CORPUS_DEBS") or DEFAULT_DEBS)
    debs = debs.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    path = out / MANIFEST
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if old.get("format") != MANIFEST_FORMAT or old.get("min_seconds") != args.min_seconds:
        old = {}
    chosen = {s.name for s in SOUNDTRACKS if not args.only or s.folder in args.only}
    manifest: dict = {"format": MANIFEST_FORMAT, "min_seconds": args.min_seconds,
                      "soundtracks": {}, "tracks": {}, "skipped": []}
    for soundtrack in SOUNDTRACKS:
        entry = old.get("soundtracks", {}).get(soundtrack.name)
        if soundtrack.name not in chosen and not complete(entry, out):
            continue
        if complete(entry, out):
            if soundtrack.name in chosen:
                print(f"  {soundtrack.name}: complete, reused", flush=True)
            manifest["soundtracks"][soundtrack.name] = entry
            manifest["tracks"].update({rel: old["tracks"][rel] for rel in entry["files"]})
            manifest["skipped"] += [s for s in old.get("skipped", [])
                                    if s["package"] == soundtrack.package]
            continue
        summary, tracks, skipped = build_soundtrack(soundtrack, out, debs, args.jobs,
                                                    args.min_seconds)
        manifest["soundtracks"][soundtrack.name] = summary
        manifest["tracks"].update(tracks)
        manifest["skipped"] += skipped
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
        partial.replace(path)  # written after each soundtrack: a killed run keeps the rest
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
    partial.replace(path)
    report(manifest, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
