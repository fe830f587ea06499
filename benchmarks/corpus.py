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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from corpus_files import Job, plan, probe, write  # noqa: E402
from soundtracks import SOUNDTRACKS, Soundtrack  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "out" / "corpus"
DEFAULT_DEBS = ROOT / "benchmarks" / "out" / "debs"
MANIFEST = "labels.json"
MANIFEST_FORMAT = 1
#: Pieces shorter than this are jingles and stings, not tracks.
MIN_SECONDS = 20.0


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
        done = subprocess.run(["apt-get", "download", "-q", package], cwd=debs,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode:
            raise SystemExit(f"apt-get download {package} failed (is the package list "
                             f"current? apt-get update): {done.stderr.strip()}")
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
