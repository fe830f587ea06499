"""A track's cover art as image bytes: the picture embedded in the file, else the image
beside it (cover.jpg, folder.jpg, front.png, …), else None.

The embedded picture comes from player/tags.py (read_cover), the one module that reads
tags; this module adds the images kept in the track's folder. Never raises.
"""

from __future__ import annotations

import os

from player.tags import MAX_PICTURE_BYTES, read_cover

#: File names (without extension, lower case) looked for beside a track, best first.
COVER_STEMS = ("cover", "folder", "front", "album", "albumart", "albumartsmall")
COVER_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp")
#: Refuse absurd folder images (bytes), as absurd embedded ones are refused.
MAX_COVER_BYTES = MAX_PICTURE_BYTES


def find_cover(path: str) -> bytes | None:
    """The cover image bytes for the track at *path*, or None when it has none."""
    return read_cover(path) or folder_cover(path)


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
