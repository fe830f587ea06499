"""The playlists and playlist_entries tables: saved playlists and what they hold, in order.

A playlist is either a list of entries or, when it has a query, a smart playlist (its
tracks are whatever the query finds when it is read; it stores no entries). Each entry
keeps what its playlist file said of it beside the track it was matched to, so an entry
that matched nothing (track_id None) is kept and can be written out again as it came.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from player.store.database import Database
from player.store.tracks import db_path, fs_path


@dataclass(frozen=True, slots=True)
class Playlist:
    """A saved playlist. *query* is set for a smart playlist. *entries* counts its entries
    and *unmatched* those that name no track of the library."""

    id: int
    name: str
    query: str | None
    created_at: float  # Unix seconds
    updated_at: float
    entries: int = 0
    unmatched: int = 0

    @property
    def smart(self) -> bool:
        return self.query is not None


@dataclass(frozen=True, slots=True)
class EntryText:
    """What a playlist file said of one entry: where the file was (as written there), and
    the artist, title, album and duration (seconds) it gave, each None when not given."""

    location: str | None = None
    artist: str | None = None
    title: str | None = None
    album: str | None = None
    duration: float | None = None


@dataclass(frozen=True, slots=True)
class PlaylistEntry:
    """One stored entry: its row id, the track it plays (None: matched nothing) and what
    its playlist file said of it."""

    id: int
    track_id: int | None
    text: EntryText


_SUMMARY = ("SELECT p.id, p.name, p.query, p.created_at, p.updated_at, count(e.id), "
            "coalesce(sum(e.track_id IS NULL), 0) FROM playlists p "
            "LEFT JOIN playlist_entries e ON e.playlist_id = p.id")


def _playlist(row: Sequence[Any]) -> Playlist:
    return Playlist(int(row[0]), str(row[1]), row[2] if isinstance(row[2], str) else None,
                    float(row[3]), float(row[4]), int(row[5]), int(row[6]))


class PlaylistStore:
    """Reads and writes saved playlists. Callers group writes in db.transaction()."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- reading ----------------------------------------------------------------------------

    def all(self) -> list[Playlist]:
        """Every playlist, by name (ignoring case)."""
        rows = self.db.query(f"{_SUMMARY} GROUP BY p.id ORDER BY p.name COLLATE NOCASE, p.id")
        return [_playlist(r) for r in rows]

    def get(self, playlist_id: int) -> Playlist | None:
        rows = self.db.query(f"{_SUMMARY} WHERE p.id = ? GROUP BY p.id", (playlist_id,))
        return _playlist(rows[0]) if rows else None

    def entries(self, playlist_id: int) -> list[PlaylistEntry]:
        """The playlist's entries in order."""
        rows = self.db.query(
            "SELECT id, track_id, location, artist, title, album, duration "
            "FROM playlist_entries WHERE playlist_id = ? ORDER BY position, id", (playlist_id,))
        return [PlaylistEntry(r[0], r[1], EntryText(
            fs_path(r[2]) if r[2] is not None else None, r[3], r[4], r[5], r[6]))
            for r in rows]

    # -- writing ----------------------------------------------------------------------------

    def create(self, name: str, *, query: str | None = None, now: float | None = None) -> int:
        """A new, empty playlist (a smart one with *query*); returns its id."""
        now = time.time() if now is None else now
        cur = self.db.execute(
            "INSERT INTO playlists (name, query, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (name, query, now, now))
        return int(cur.lastrowid or 0)

    def rename(self, playlist_id: int, name: str, *, now: float | None = None) -> None:
        self._update(playlist_id, "name", name, now)

    def set_query(self, playlist_id: int, query: str, *, now: float | None = None) -> None:
        self._update(playlist_id, "query", query, now)

    def _update(self, playlist_id: int, column: str, value: str,
                now: float | None) -> None:
        assert column in ("name", "query")
        self.db.execute(f"UPDATE playlists SET {column} = ?, updated_at = ? WHERE id = ?",
                        (value, time.time() if now is None else now, playlist_id))

    def delete(self, playlist_id: int) -> None:
        """Delete the playlist and its entries (the tracks stay in the library)."""
        self.db.execute("DELETE FROM playlists WHERE id = ?", (playlist_id,))

    def append(self, playlist_id: int, entries: Iterable[tuple[int | None, EntryText]], *,
               now: float | None = None) -> int:
        """Add (track id or None, what the file said) entries at the end; returns how many."""
        start = self.db.scalar("SELECT coalesce(max(position) + 1, 0) FROM playlist_entries "
                               "WHERE playlist_id = ?", (playlist_id,))
        rows = [(playlist_id, start + offset, track_id,
                 db_path(text.location) if text.location is not None else None,
                 text.artist, text.title, text.album, text.duration)
                for offset, (track_id, text) in enumerate(entries)]
        self.db.executemany(
            "INSERT INTO playlist_entries (playlist_id, position, track_id, location, artist, "
            "title, album, duration) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._touch(playlist_id, now)
        return len(rows)

    def clear(self, playlist_id: int, *, now: float | None = None) -> None:
        """Remove every entry (before writing the playlist's entries anew)."""
        self.db.execute("DELETE FROM playlist_entries WHERE playlist_id = ?", (playlist_id,))
        self._touch(playlist_id, now)

    def remove(self, playlist_id: int, entry_ids: Iterable[int], *,
               now: float | None = None) -> None:
        """Take entries out of the playlist (the others keep their order)."""
        self.db.executemany("DELETE FROM playlist_entries WHERE id = ? AND playlist_id = ?",
                            ((entry_id, playlist_id) for entry_id in entry_ids))
        self._touch(playlist_id, now)

    def reorder(self, playlist_id: int, entry_ids: Sequence[int], *,
                now: float | None = None) -> None:
        """Put the playlist's entries in the order of *entry_ids* (its entries not named
        there follow, in their old order)."""
        known = [e.id for e in self.entries(playlist_id)]
        ours = set(known)
        wanted = [i for i in dict.fromkeys(entry_ids) if i in ours]
        rest = set(wanted)
        order = wanted + [i for i in known if i not in rest]
        self.db.executemany("UPDATE playlist_entries SET position = ? WHERE id = ?",
                            ((position, entry_id) for position, entry_id in enumerate(order)))
        self._touch(playlist_id, now)

    def _touch(self, playlist_id: int, now: float | None) -> None:
        self.db.execute("UPDATE playlists SET updated_at = ? WHERE id = ?",
                        (time.time() if now is None else now, playlist_id))
