"""Tagged music libraries for tests: real encoded files plus mutagen tags, in any format.

    encode(path)                       # a short real audio file (PyAV), format from the name
    write_tags(path, TagSet(...))      # the native tags of that format, written with mutagen
    make_track(path, TagSet(...))      # both at once
    write_monkeys_audio(path) / write_musepack(path)   # formats PyAV cannot encode

Monkey's Audio and Musepack files are built here from the formats' published header
layouts: a valid stream header followed by silent filler. Tag readers accept them (they
read headers and APEv2 tags); a decoder would not, which tests of tags never need.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import mutagen
from audio_factory import sine, write_audio
from mutagen import id3
from mutagen.apev2 import APEv2
from mutagen.asf import ASF
from mutagen.mp4 import MP4, MP4FreeForm

#: Every extension make_track can produce.
ALL_EXTENSIONS = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".alac.m4a", ".wma", ".wav",
                  ".aiff", ".wv", ".ape", ".mpc")


@dataclass
class TagSet:
    """Tags in Riffle's terms; write_tags spells them the way each format does.

    *extra* adds native keys as they are (ID3 frames objects for ID3 formats, key → list of
    strings elsewhere), for ratings and odd content.
    """

    title: str | None = None
    artists: Sequence[str] = ()
    album: str | None = None
    albumartists: Sequence[str] = ()
    genres: Sequence[str] = ()
    date: str | None = None
    track: str | None = None
    disc: str | None = None
    rg_track_gain: str | None = None
    rg_track_peak: str | None = None
    rg_album_gain: str | None = None
    rg_album_peak: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def encode(path: Path, seconds: float = 0.5, freq: float = 440.0) -> Path:
    """A short real audio file at *path*; the format follows from the file name."""
    name = path.name.lower()
    if name.endswith(".ape"):
        return write_monkeys_audio(path, seconds)
    if name.endswith(".mpc"):
        return write_musepack(path, seconds)
    return write_audio(path, sine(freq, seconds, rate=8000), rate=8000)


def make_track(path: Path, tags: TagSet | None = None, *, seconds: float = 0.5,
               freq: float = 440.0, id3_version: int = 4) -> Path:
    encode(path, seconds, freq)
    if tags is not None:
        write_tags(path, tags, id3_version=id3_version)
    return path


# -- tag writers, one per container ----------------------------------------------------------


def _rg(tags: TagSet) -> dict[str, str]:
    pairs = {
        "REPLAYGAIN_TRACK_GAIN": tags.rg_track_gain, "REPLAYGAIN_TRACK_PEAK": tags.rg_track_peak,
        "REPLAYGAIN_ALBUM_GAIN": tags.rg_album_gain, "REPLAYGAIN_ALBUM_PEAK": tags.rg_album_peak,
    }
    return {k: v for k, v in pairs.items() if v is not None}


def _id3(path: Path, tags: TagSet, version: int) -> None:
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    t = audio.tags
    text_frames = [(id3.TIT2, [tags.title] if tags.title else []), (id3.TPE1, tags.artists),
                   (id3.TALB, [tags.album] if tags.album else []),
                   (id3.TPE2, tags.albumartists), (id3.TCON, tags.genres),
                   (id3.TRCK, [tags.track] if tags.track else []),
                   (id3.TPOS, [tags.disc] if tags.disc else [])]
    for frame, values in text_frames:
        if values:
            t.add(frame(encoding=3, text=list(values)))
    if tags.date:
        t.add(id3.TDRC(encoding=3, text=[tags.date]))
    for desc, value in _rg(tags).items():
        t.add(id3.TXXX(encoding=3, desc=desc, text=[value]))
    for frame in tags.extra.values():
        t.add(frame)
    audio.save(v2_version=version) if version in (3, 4) else audio.save()


def _vorbis(path: Path, tags: TagSet) -> None:
    audio = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    for key, values in _plain(tags).items():
        audio[key] = values
    audio.save()


def _plain(tags: TagSet, names: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Field → values with Vorbis-style names, renamed by *names* for other containers."""
    fields: dict[str, list[str]] = {
        "TITLE": [tags.title] if tags.title else [], "ARTIST": list(tags.artists),
        "ALBUM": [tags.album] if tags.album else [], "ALBUMARTIST": list(tags.albumartists),
        "GENRE": list(tags.genres), "DATE": [tags.date] if tags.date else [],
        "TRACKNUMBER": [tags.track] if tags.track else [],
        "DISCNUMBER": [tags.disc] if tags.disc else [],
        **{k: [v] for k, v in _rg(tags).items()},
    }
    names = names or {}
    out = {names.get(k, k): v for k, v in fields.items() if v}
    out.update({k: list(v) for k, v in tags.extra.items()})  # type: ignore[call-overload]
    return out


_APE_NAMES = {"TITLE": "Title", "ARTIST": "Artist", "ALBUM": "Album",
              "ALBUMARTIST": "Album Artist", "GENRE": "Genre", "DATE": "Year",
              "TRACKNUMBER": "Track", "DISCNUMBER": "Disc"}


def _ape(path: Path, tags: TagSet) -> None:
    ape = APEv2()
    for key, values in _plain(tags, _APE_NAMES).items():
        ape[key] = values
    ape.save(str(path))


_ASF_NAMES = {"TITLE": "Title", "ARTIST": "Author", "ALBUM": "WM/AlbumTitle",
              "ALBUMARTIST": "WM/AlbumArtist", "GENRE": "WM/Genre", "DATE": "WM/Year",
              "TRACKNUMBER": "WM/TrackNumber", "DISCNUMBER": "WM/PartOfSet"}


def _asf(path: Path, tags: TagSet) -> None:
    audio = ASF(path)
    for key, values in _plain(tags, _ASF_NAMES).items():
        audio[key] = values
    audio.save()


def _mp4(path: Path, tags: TagSet) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    simple = {"©nam": [tags.title] if tags.title else [], "©ART": list(tags.artists),
              "©alb": [tags.album] if tags.album else [], "aART": list(tags.albumartists),
              "©gen": list(tags.genres), "©day": [tags.date] if tags.date else []}
    for key, values in simple.items():
        if values:
            audio[key] = values
    for key, text in (("trkn", tags.track), ("disk", tags.disc)):
        if text:
            number, _, total = text.partition("/")
            audio[key] = [(int(number), int(total or 0))]
    for key, value in _rg(tags).items():
        audio["----:com.apple.iTunes:" + key.lower()] = [MP4FreeForm(value.encode())]
    for key, values in tags.extra.items():
        audio[key] = [MP4FreeForm(v.encode()) if key.startswith("----") else v
                      for v in values]  # type: ignore[attr-defined]
    audio.save()


def write_tags(path: Path, tags: TagSet, *, id3_version: int = 4) -> None:
    """Write *tags* into *path* in its format's native tag container."""
    name = path.name.lower()
    if name.endswith((".mp3", ".wav", ".aiff")):
        _id3(path, tags, id3_version)
    elif name.endswith((".flac", ".ogg", ".opus")):
        _vorbis(path, tags)
    elif name.endswith(".m4a"):
        _mp4(path, tags)
    elif name.endswith(".wma"):
        _asf(path, tags)
    elif name.endswith((".wv", ".ape", ".mpc")):
        _ape(path, tags)
    else:
        raise ValueError(f"no tag writer for {path.name}")


def write_id3v1(path: Path, title: str, artist: str, album: str, year: str, track: int,
                genre: int) -> None:
    """Append a 128-byte ID3v1.1 block (the layout every MP3 player knows) to *path*."""
    def fixed(text: str, size: int) -> bytes:
        return text.encode("latin-1")[:size].ljust(size, b"\0")

    block = (b"TAG" + fixed(title, 30) + fixed(artist, 30) + fixed(album, 30)
             + fixed(year, 4) + fixed("", 28) + b"\0" + bytes([track, genre]))
    with open(path, "ab") as f:
        f.write(block)


# -- formats PyAV cannot write ---------------------------------------------------------------


def write_monkeys_audio(path: Path, seconds: float = 0.5, rate: int = 44100,
                        channels: int = 2, bits: int = 16) -> Path:
    """A Monkey's Audio (.ape, version 3.99) file: descriptor, header, seek table, filler."""
    blocks = round(seconds * rate)
    blocks_per_frame = 73728 * 4
    total_frames = max(1, -(-blocks // blocks_per_frame))
    final_blocks = blocks - (total_frames - 1) * blocks_per_frame
    seek_table = struct.pack(f"<{total_frames}I", *range(total_frames))
    frame_data = bytes(64)
    descriptor = b"MAC " + struct.pack(
        "<HHIIIIIII16s", 3990, 0, 52, 24, len(seek_table), 0, len(frame_data), 0, 0, bytes(16)
    )
    header = struct.pack("<HHIIIHHI", 2000, 0, blocks_per_frame, final_blocks, total_frames,
                         bits, channels, rate)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(descriptor + header + seek_table + frame_data)
    return path


def _sv8_int(number: int) -> bytes:
    """Musepack SV8 variable-size integer: 7 bits a byte, high bit set on all but the last."""
    out = [number & 0x7F]
    number >>= 7
    while number:
        out.append(0x80 | (number & 0x7F))
        number >>= 7
    return bytes(reversed(out))


def _sv8_packet(key: bytes, payload: bytes) -> bytes:
    # The size counts the key, the size field itself and the payload.
    size = len(key) + len(payload) + 1
    while len(_sv8_int(size)) + len(key) + len(payload) != size:
        size += 1
    return key + _sv8_int(size) + payload


def write_musepack(path: Path, seconds: float = 0.5, rate: int = 44100, channels: int = 2,
                   title_gain: int = 0) -> Path:
    """A Musepack SV8 (.mpc) file: stream header, ReplayGain and stream end packets.

    *title_gain* is the raw 16-bit ReplayGain field of the RG packet (0 = not set).
    """
    rates = {44100: 0, 48000: 1, 37800: 2, 32000: 3}
    samples = round(seconds * rate)
    # sample rate index (3 bits) | max band - 1 (5 bits); channels - 1 (4) | M/S (1) | frames (3)
    layout = bytes([(rates[rate] << 5) | 31, ((channels - 1) << 4) | 0x08 | 1])
    body = bytes([8]) + _sv8_int(samples) + _sv8_int(0) + layout
    stream_header = struct.pack(">I", zlib.crc32(body)) + body
    replaygain = bytes([1]) + struct.pack(">hHhH", title_gain, 0, 0, 0)
    data = (b"MPCK" + _sv8_packet(b"SH", stream_header) + _sv8_packet(b"RG", replaygain)
            + _sv8_packet(b"SE", b""))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- a whole library with the awkward cases --------------------------------------------------

#: A file name that is not UTF-8 (Latin-1 "café"), as Python sees it: surrogate escapes.
NON_UTF8_NAME = os.fsdecode(b"caf\xe9 latin-1 name.ogg")
#: A file name of 250 bytes in UTF-8 (the usual limit is 255).
LONG_NAME = "ü" * 118 + " long name.wav"

#: (relative path, tags) of the readable files of standard_library(); every format appears.
STANDARD_TRACKS: list[tuple[str, TagSet | None]] = [
    ("Sigur Rós/Ágætis byrjun/01 Svefn-g-englar.flac",
     TagSet(title="Svefn-g-englar", artists=["Sigur Rós"], album="Ágætis byrjun",
            genres=["Post-rock"], date="1999-06-12", track="1/10")),
    ("Sigur Rós/Ágætis byrjun/02 Starálfur.mp3",
     TagSet(title="Starálfur", artists=["Sigur Rós"], album="Ágætis byrjun",
            genres=["Post-rock"], date="1999", track="2/10",
            extra={"popm": id3.POPM(email="Windows Media Player 9 Series", rating=196)})),
    ("New Order/Power Corruption and Lies/03 Blue Monday.ogg",
     TagSet(title="Blue Monday", artists=["New Order"], album="Power, Corruption & Lies",
            genres=["Synth-pop", "Dance"], date="1983", track="3")),
    ("New Order/Singles/Age of Consent.opus",
     TagSet(title="Age of Consent", artists=["New Order"], album="Singles", date="1983")),
    ("Various/Hits 2004/01 - Song A.m4a",
     TagSet(title="Song A", artists=["Artist A", "Artist B"], album="Hits 2004",
            albumartists=["Various Artists"], date="2004-05-01", track="1/3", disc="1/2")),
    ("Various/Hits 2004/02 - Song B.alac.m4a",
     TagSet(title="Song B", artists=["Artist B"], album="Hits 2004",
            albumartists=["Various Artists"], date="2004", track="2/3", disc="1/2")),
    ("Windows/Media Song.wma",
     TagSet(title="Media Song", artists=["WMA Artist"], album="WMA Album", date="2001")),
    ("Lossless/pcm song.wav",
     TagSet(title="PCM Song", artists=["Wave Artist"], album="Lossless", date="1990")),
    ("Lossless/apple song.aiff",
     TagSet(title="Apple Song", artists=["AIFF Artist"], album="Lossless", date="1991")),
    ("Lossless/pack song.wv",
     TagSet(title="Pack Song", artists=["WavPack Artist"], album="Lossless", date="1992")),
    ("Lossless/monkey song.ape",
     TagSet(title="Monkey Song", artists=["APE Artist"], album="Lossless", date="1993")),
    ("Lossless/muse song.mpc",
     TagSet(title="Muse Song", artists=["MPC Artist"], album="Lossless", date="1994")),
    ("Untagged/just a file name.flac", None),
    (f"Odd Names/{NON_UTF8_NAME}", TagSet(title="Café", artists=["Latin One"])),
    (f"Odd Names/{LONG_NAME}", TagSet(title="Long", artists=["Long Artist"])),
    ("Odd Names/garbage after.mp3", TagSet(title="Garbage After", artists=["Tail"])),
]

#: Relative path → the reason the scan records, for the files of standard_library() that
#: cannot be read. (locked.mp3 is added by the tests that are not root.)
BAD_FILES: dict[str, str] = {
    "Bad/zero bytes.mp3": "empty file (0 bytes)",
    "Bad/notes.ogg": "not an audio file Riffle can read (its content matches no known format)",
    "Bad/truncated.flac": "damaged, or not a valid .flac file (file said 34 bytes, read 12 "
                          "bytes)",
}

#: Files the walk must not even look at: hidden, or not audio.
SKIPPED_FILES = (".hidden/secret.mp3", "Sigur Rós/.cover.mp3", "Sigur Rós/cover.jpg",
                 "Sigur Rós/notes.txt")


def standard_library(root: Path) -> Path:
    """Build the awkward test library under *root* (see STANDARD_TRACKS and BAD_FILES).

    Besides the files: a symlink loop ("Loop/again" → "Loop", "Loop/self" → itself) and a
    symlinked folder ("Linked" → a folder outside *root* with one track in it).
    """
    for index, (relpath, tags) in enumerate(STANDARD_TRACKS):
        make_track(root / relpath, tags, freq=220.0 + 40 * index)
    with open(root / "Odd Names/garbage after.mp3", "ab") as f:
        f.write(bytes(range(256)) * 8)
    bad = root / "Bad"
    bad.mkdir(parents=True)
    (bad / "zero bytes.mp3").write_bytes(b"")
    (bad / "notes.ogg").write_text("shopping list: milk, eggs\n" * 20)
    whole = make_track(bad / "whole.flac", TagSet(title="whole"))
    (bad / "truncated.flac").write_bytes(whole.read_bytes()[:20])
    whole.unlink()
    for relpath in SKIPPED_FILES:
        target = root / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if relpath.endswith(".mp3"):
            make_track(target, TagSet(title="should never be read"))
        else:
            target.write_bytes(b"not music")
    loop = root / "Loop"
    loop.mkdir()
    (loop / "again").symlink_to(".", target_is_directory=True)
    (loop / "self").symlink_to("self")
    outside = root.parent / f"{root.name}-outside"
    make_track(outside / "linked song.flac", TagSet(title="Linked Song", artists=["Link"]))
    (root / "Linked").symlink_to(outside, target_is_directory=True)
    return root


#: Relative paths (under the root) of every readable track of standard_library().
STANDARD_READABLE = [relpath for relpath, _ in STANDARD_TRACKS] + ["Linked/linked song.flac"]
