"""Playlist files in and out: M3U, M3U8 and XSPF, by file name (or content).

A file becomes a `ParsedPlaylist`: its title (when it names one) and its entries, each
with the line it starts on and what it says (`EntryText`: location, artist, title, album,
duration). Writing takes the same shape back. The formats themselves are in
player/m3u.py and player/xspf.py; nothing here touches the library.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from player import m3u, xspf
from player.errors import PlaylistError
from player.formatting import path_text
from player.store.playlists import EntryText

#: The playlist file formats Riffle reads and writes, by name ending.
FORMATS = {".m3u": "m3u", ".m3u8": "m3u8", ".xspf": "xspf"}
#: The largest playlist file read, in bytes (a million entries fit easily).
MAX_BYTES = 256 * 1024 * 1024


class PlaylistFileError(PlaylistError):
    """A playlist file cannot be read or written; the message says why."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One entry of a playlist file: the line it starts on (1 is the first) and what it
    says of the track."""

    line: int
    text: EntryText


@dataclass
class ParsedPlaylist:
    title: str | None = None
    entries: list[FileEntry] = field(default_factory=list)


def format_of(path: str | os.PathLike[str], data: bytes | None = None) -> str:
    """'m3u', 'm3u8' or 'xspf' for a file name (an XSPF document is recognised by its
    content too). Raises PlaylistFileError for anything else."""
    name = os.fspath(path)
    kind = FORMATS.get(os.path.splitext(name)[1].lower())
    if kind is None and data is not None and b"<playlist" in data[:4096]:
        kind = "xspf"
    if kind is None:
        raise PlaylistFileError(
            f"{path_text(name)} is not a playlist Riffle knows: name it .m3u, .m3u8 or .xspf.")
    return kind


def read_playlist(path: str | os.PathLike[str]) -> ParsedPlaylist:
    """Read the playlist file at *path*. Raises PlaylistFileError when it cannot be read or
    is not a playlist of a known format."""
    name = path_text(os.fspath(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError as exc:
        raise PlaylistFileError(f"{name} is a folder, not a playlist file.") from exc
    except OSError as exc:
        raise PlaylistFileError(f"Cannot read {name}: {exc.strerror or exc}.") from exc
    if len(data) > MAX_BYTES:
        raise PlaylistFileError(f"{name} is larger than {MAX_BYTES // 2**20} MB: not a "
                                "playlist Riffle reads.")
    kind = format_of(path, data)
    if kind == "xspf":
        try:
            title, entries = xspf.parse(data)
        except xspf.XspfError as exc:
            raise PlaylistFileError(f"{name} is not a valid XSPF playlist: {exc}.") from exc
    else:
        title, entries = m3u.parse(data, utf8=kind == "m3u8")
    return ParsedPlaylist(title, [FileEntry(line, text) for line, text in entries])


def playlist_bytes(kind: str, title: str | None, entries: Sequence[EntryText]) -> bytes:
    """The file content of a playlist of format *kind* ('m3u', 'm3u8' or 'xspf')."""
    if kind == "xspf":
        return xspf.render(title, entries)
    return m3u.render(title, entries)


def default_name(path: str | os.PathLike[str]) -> str:
    """The name a playlist imported from *path* gets: its file name without the ending."""
    return Path(path_text(os.fspath(path))).stem or "Playlist"
