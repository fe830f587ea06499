"""A track's cover art as image bytes: the picture embedded in the file, else the image
beside it (cover.jpg, folder.jpg, front.png, …), else None.

Every container mutagen knows stores pictures its own way; one small reader per container
below, tried in order. A file that cannot be read simply has no cover: this never raises.
"""

from __future__ import annotations

import base64
import logging
import os
import struct
from collections.abc import Callable
from typing import Any

import mutagen
from mutagen.flac import Picture

logger = logging.getLogger(__name__)

#: File names (without extension, lower case) looked for beside a track, best first.
COVER_STEMS = ("cover", "folder", "front", "album", "albumart", "albumartsmall")
COVER_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")
#: ID3/FLAC picture type of the front cover.
FRONT_COVER = 3
#: Refuse absurd embedded or folder images (bytes).
MAX_COVER_BYTES = 32 * 1024 * 1024


def find_cover(path: str) -> bytes | None:
    """The cover image bytes for the track at *path*, or None when it has none."""
    return embedded_cover(path) or folder_cover(path)


def embedded_cover(path: str) -> bytes | None:
    """The picture stored in the file's tags (the front cover when several), or None."""
    try:
        audio = mutagen.File(path)
    except Exception as exc:  # mutagen raises many types for broken files
        logger.debug("no embedded cover in %s: %s", path, exc)
        return None
    if audio is None or audio.tags is None:
        return _flac_pictures(audio)
    for reader in _READERS:
        try:
            data = reader(audio)
        except Exception as exc:  # a malformed picture frame is just no picture
            logger.debug("unreadable picture in %s: %s", path, exc)
            continue
        if data and len(data) <= MAX_COVER_BYTES:
            return data
    return None


def folder_cover(path: str) -> bytes | None:
    """An image named like a cover in the track's folder, or None."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    candidates: dict[str, str] = {}
    for name in names:
        stem, ext = os.path.splitext(name)
        if ext.lower() in COVER_EXTENSIONS and stem.lower() in COVER_STEMS:
            candidates.setdefault(stem.lower(), name)
    for stem in COVER_STEMS:
        if stem in candidates:
            full = os.path.join(folder, candidates[stem])
            try:
                if os.path.getsize(full) > MAX_COVER_BYTES:
                    continue
                with open(full, "rb") as handle:
                    return handle.read()
            except OSError:
                continue
    return None


# -- one reader per container -----------------------------------------------------------------


def _best(pictures: list[tuple[int, bytes]]) -> bytes | None:
    """The front cover if present, else the first picture."""
    if not pictures:
        return None
    for kind, data in pictures:
        if kind == FRONT_COVER:
            return data
    return pictures[0][1]


def _id3(audio: Any) -> bytes | None:
    getall = getattr(audio.tags, "getall", None)
    if getall is None:
        return None
    return _best([(int(frame.type), frame.data) for frame in getall("APIC")])


def _flac_pictures(audio: Any) -> bytes | None:
    pictures = getattr(audio, "pictures", None)
    if not pictures:
        return None
    return _best([(p.type, p.data) for p in pictures])


def _vorbis(audio: Any) -> bytes | None:
    tags = audio.tags
    if not hasattr(tags, "get"):
        return None
    found = []
    for raw in tags.get("metadata_block_picture", []) or []:
        picture = Picture(base64.b64decode(raw))
        found.append((picture.type, picture.data))
    if not found:
        legacy = tags.get("coverart", []) or []
        found = [(FRONT_COVER, base64.b64decode(raw)) for raw in legacy]
    return _best(found)


def _mp4(audio: Any) -> bytes | None:
    covers = audio.tags.get("covr") if hasattr(audio.tags, "get") else None
    return bytes(covers[0]) if covers else None


def _asf(audio: Any) -> bytes | None:
    values = audio.tags.get("WM/Picture") if hasattr(audio.tags, "get") else None
    found = []
    for value in values or []:
        raw = value.value if hasattr(value, "value") else value
        if isinstance(raw, bytes) and len(raw) > 5:
            kind = raw[0]
            (size,) = struct.unpack_from("<I", raw, 1)
            pos = 5
            for _ in range(2):  # MIME type, then description: UTF-16-LE, NUL-terminated
                while pos + 1 < len(raw) and raw[pos:pos + 2] != b"\x00\x00":
                    pos += 2
                pos += 2
            found.append((kind, raw[pos:pos + size]))
    return _best(found)


def _ape(audio: Any) -> bytes | None:
    tags = audio.tags
    if not hasattr(tags, "get"):
        return None
    value = tags.get("Cover Art (Front)") or tags.get("Cover Art (front)")
    raw = getattr(value, "value", None)
    if isinstance(raw, bytes) and b"\x00" in raw:
        return raw.split(b"\x00", 1)[1]
    return None


_READERS: tuple[Callable[[Any], bytes | None], ...] = (
    _id3, _flac_pictures, _vorbis, _mp4, _asf, _ape,
)
