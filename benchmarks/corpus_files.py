"""What each piece of a soundtrack becomes in the corpus: its format, title and artist
(`plan`), and the file itself (`write`: a copy re-tagged, or a new encoding with PyAV).

Formats take turns within a soundtrack (FORMAT_TURNS) so that no format goes with one
label. A source already in Ogg Vorbis or Opus that is meant to stay so is copied as it is;
anything else is decoded and encoded again. FFmpeg's own Vorbis encoder is not fit for
music, so a non-Vorbis source never becomes Ogg Vorbis (its turn goes to Opus).
"""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import av
import mutagen

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from library_factory import TagSet, write_tags  # noqa: E402
from soundtracks import Soundtrack  # noqa: E402

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
