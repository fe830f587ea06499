"""Playlist files into the library and back out: matching entries, keeping the unmatched.

Import reads a file (player/playlist_files.py), finds each entry's track
(player/matching.py: path, path relative to the playlist, path tail, then tags) and saves
the playlist with every entry, matched or not; the report lists each unmatched entry with
its line. Export writes a saved playlist as M3U, M3U8 or XSPF: a matched entry as its
track is now (path, artist, title, album, length), an unmatched one exactly as it came in,
so a playlist read and written again keeps what Riffle could not find. A smart playlist
is written as the tracks its query finds now.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from player.atomic import replacing
from player.changes import Changes
from player.edits import entry_of, playlist_name
from player.errors import PlaylistError
from player.formatting import path_text
from player.matching import LibraryIndex, MatchKind
from player.models import Track
from player.paths import check_export_target
from player.playlist_files import (
    FileEntry,
    PlaylistFileError,
    default_name,
    format_of,
    playlist_bytes,
    read_playlist,
)
from player.store import Store
from player.store.playlists import EntryText, Playlist

logger = logging.getLogger(__name__)


@dataclass
class PlaylistImport:
    """What importing a playlist file did: the playlist it became and how each entry was
    matched; *unmatched* are the entries (with their lines) kept as missing."""

    playlist_id: int
    name: str
    entries: int = 0
    matched: Counter[MatchKind] = field(default_factory=Counter)
    unmatched: list[FileEntry] = field(default_factory=list)


def import_playlist(store: Store, path: str | os.PathLike[str], *, name: str | None = None,
                    replace: bool = False, index: LibraryIndex | None = None
                    ) -> tuple[PlaylistImport, Changes]:
    """Save the playlist file at *path* in the library, named *name* (default: the title
    the file gives, else its file name). With *replace*, a playlist of that name is
    replaced; without, it is an error. Raises PlaylistError (PlaylistFileError for a file
    that cannot be read) before anything is written."""
    parsed = read_playlist(path)
    base = os.path.dirname(os.path.abspath(path))
    index = index if index is not None else LibraryIndex.of(store)
    rows: list[tuple[int | None, EntryText]] = []
    report = PlaylistImport(0, "", entries=len(parsed.entries))
    for entry in parsed.entries:
        text = entry.text
        match = index.match(location=text.location, base=base, artist=text.artist,
                            title=text.title, album=text.album, duration=text.duration)
        rows.append((match.track_id if match else None, text))
        if match is None:
            report.unmatched.append(entry)
        else:
            report.matched[match.kind] += 1
    wanted = name or parsed.title or default_name(path)
    with store.db.transaction():
        existing = _named(store, wanted)
        if existing is not None and not replace:
            raise PlaylistError(f"There is a playlist named {existing.name!r} already: give "
                                "another name, or replace it.")
        if existing is not None:
            if existing.smart:
                raise PlaylistError(f"{existing.name!r} is a smart playlist; a file cannot "
                                    "replace it. Give another name.")
            playlist_id, report.name = existing.id, existing.name
            store.playlists.clear(playlist_id)
        else:
            report.name = playlist_name(store, wanted)
            playlist_id = store.playlists.create(report.name)
        store.playlists.append(playlist_id, rows)
    report.playlist_id = playlist_id
    logger.info("imported playlist %r: %d entries, %d unmatched", report.name,
                report.entries, len(report.unmatched))
    return report, Changes(playlists=frozenset({playlist_id}))


def _named(store: Store, name: str) -> Playlist | None:
    wanted = " ".join(name.split()).casefold()
    return next((p for p in store.playlists.all() if p.name.casefold() == wanted), None)


def playlist_tracks(store: Store, playlist: Playlist) -> list[Track]:
    """The tracks a playlist plays now, in order: a smart playlist's query evaluated now
    (readable tracks, library order), else its matched entries."""
    if playlist.query is not None:
        return store.tracks.find(playlist.query)
    entries = store.playlists.entries(playlist.id)
    tracks = store.tracks.get_many([e.track_id for e in entries if e.track_id is not None])
    return [tracks[e.track_id] for e in entries if e.track_id in tracks]


def export_entries(store: Store, playlist: Playlist,
                   relative_to: str | None = None) -> list[EntryText]:
    """What a playlist file says of *playlist*: each matched entry as its track is now
    (its path relative to the folder *relative_to* when given), each unmatched one as it
    came."""
    if playlist.query is not None:
        texts = [entry_of(track) for track in store.tracks.find(playlist.query)]
    else:
        entries = store.playlists.entries(playlist.id)
        tracks = store.tracks.get_many([e.track_id for e in entries
                                        if e.track_id is not None])
        texts = [entry_of(tracks[e.track_id]) if e.track_id in tracks else e.text
                 for e in entries]
    if relative_to is None:
        return texts
    return [EntryText(_relative(t.location, relative_to), t.artist, t.title, t.album,
                      t.duration) if t.location and os.path.isabs(t.location) else t
            for t in texts]


def _relative(path: str, folder: str) -> str:
    try:
        return os.path.relpath(path, folder)
    except ValueError:  # another drive (Windows): only an absolute path names it
        return path


def export_playlist(store: Store, playlist: Playlist, target: str | os.PathLike[str], *,
                    relative: bool = False, force: bool = False) -> int:
    """Write *playlist* to the file *target* (its format from the name: .m3u, .m3u8 or
    .xspf); returns how many entries were written. With *relative*, paths are written
    relative to the file's folder. The file is replaced in one step, an existing one only
    with *force*, the library database never. Raises PlaylistFileError."""
    target = Path(target)
    shown = path_text(os.fspath(target))
    kind = format_of(target)
    check_export_target(store.path, target, force=force, error=PlaylistFileError)
    folder = os.path.dirname(os.path.abspath(target))
    entries = export_entries(store, playlist, folder if relative else None)
    try:
        with replacing(target) as temporary:
            temporary.write_bytes(playlist_bytes(kind, playlist.name, entries))
    except OSError as exc:
        raise PlaylistFileError(f"Cannot write {shown}: {exc.strerror or exc}.") from exc
    return len(entries)
