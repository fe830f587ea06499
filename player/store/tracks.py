"""The tracks table: writing what the scanner read, and reading tracks back with their stats."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from player.errors import TrackNotFoundError
from player.models import Track
from player.query import parse, register_sql_functions
from player.store.database import Database
from player.store.plays import play_stats_sql
from player.store.predicates import (
    LIBRARY_ORDER,
    chunks,
    current_ratings,
    listed,
    marks,
    playability_state,
    present,
    readable,
)
from player.store.predicates import playable as playable_sql

# Columns written from a Track read off disk (everything but history and bookkeeping).
_TAG_COLUMNS = (
    "mtime_ns", "size", "title", "artist", "artists", "album", "albumartist", "albumartists",
    "genre", "genres", "year", "track_number", "track_total", "disc_number", "disc_total",
    "duration", "codec", "bitrate", "sample_rate", "channels", "rg_track_gain",
    "rg_track_peak", "rg_album_gain", "rg_album_peak", "tag_rating",
)

# Why a track failed to play stays only while its file is the same one: a file that
# changed on disk (replaced, re-encoded, re-tagged) deserves another try.
# (In an upsert, "excluded" is the row as read now and "tracks" the row as it was.)
_KEEP_PLAY_ERROR = ("CASE WHEN tracks.mtime_ns = excluded.mtime_ns "
                    "AND tracks.size = excluded.size THEN tracks.play_error END")

_UPSERT_SQL = (
    f"INSERT INTO tracks (path, {', '.join(_TAG_COLUMNS)}, added_at, updated_at) "
    f"VALUES (?, {', '.join('?' for _ in _TAG_COLUMNS)}, ?, ?) ON CONFLICT(path) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _TAG_COLUMNS)}, "
    f"updated_at = excluded.updated_at, missing_since = NULL, scan_error = NULL, "
    f"damage = NULL, play_error = {_KEEP_PLAY_ERROR} RETURNING id"
)
_MOVE_SQL = (
    f"UPDATE tracks SET path = ?, {', '.join(f'{c} = ?' for c in _TAG_COLUMNS)}, "
    "updated_at = ?, missing_since = NULL, scan_error = NULL, damage = NULL, "
    "play_error = CASE WHEN mtime_ns = ? AND size = ? THEN play_error END WHERE id = ?"
)


def stats_sql(only: str = "") -> str:
    """STATS_SQL; with *only* (SQL on `track_id`, e.g. "track_id = ?") the ratings and plays
    of just those tracks are read, so looking up one track is an index probe instead of a
    pass over every play (a quarter of a second at 200k plays). The parameters of *only* are
    then given twice, before the caller's own."""
    narrow = f"WHERE {only}" if only else ""
    return f"""
WITH latest_rating AS ({current_ratings(narrow)}),
play_stats AS ({play_stats_sql(only)})
SELECT t.*, NULLIF(lr.stars, 0) AS rating,
       coalesce(ps.play_count, 0) AS play_count,
       coalesce(ps.skip_count, 0) AS skip_count,
       ps.last_played AS last_played
FROM tracks t
LEFT JOIN latest_rating lr ON lr.track_id = t.id
LEFT JOIN play_stats ps ON ps.track_id = t.id
"""


#: Per-track listening stats and current rating, joined onto tracks for listings.
STATS_SQL = stats_sql()


def db_path(path: str) -> str | bytes:
    """The value stored in tracks.path for a file path.

    A name that is not valid UTF-8 (Python holds its raw bytes as surrogate escapes) cannot
    be SQLite text; it is stored as the file name's exact bytes (a BLOB) so the file can
    still be found, compared and opened. fs_path() turns either form back into a path.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def fs_path(value: str | bytes) -> str:
    """A path as Python's os functions take it, from a tracks.path value."""
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _storable(text: str) -> str:
    """*text* with anything that is not valid UTF-8 shown as U+FFFD (names shown to people)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "replace")
    return text


@dataclass(frozen=True, slots=True)
class FileState:
    """What the store remembers of a file, enough to tell whether it changed on disk."""

    id: int
    mtime_ns: int
    size: int
    missing_since: float | None
    scan_error: str | None


@dataclass(frozen=True, slots=True)
class StoredTags:
    """What a stored track is recognised by when its file turns up under another name."""

    id: int
    path: str
    title: str | None
    artist: str | None
    album: str | None
    albumartist: str | None
    track_number: int | None
    disc_number: int | None
    duration: float | None  # seconds
    size: int  # bytes


@dataclass(frozen=True, slots=True)
class TrackIdentity:
    """What a track is named by when something outside the library points at it: its file,
    its tags (artists one by one) and length. *present*: its file is where it was found."""

    id: int
    path: str
    title: str | None
    artists: tuple[str, ...]
    album: str | None
    albumartists: tuple[str, ...]
    duration: float | None  # seconds
    present: bool


def _tag_values(track: Track) -> tuple[Any, ...]:
    # The title column always holds what a person sees: the tag's title, or the file name
    # when the file has none (as record_error does), so listings and queries agree.
    return (
        track.mtime_ns, track.size, _storable(track.display_title), track.artist,
        json.dumps(list(track.artists)), track.album, track.albumartist,
        json.dumps(list(track.albumartists)), track.genre,
        json.dumps(list(track.genres)), track.year, track.track_number, track.track_total,
        track.disc_number, track.disc_total, track.duration, track.codec, track.bitrate,
        track.sample_rate, track.channels, track.rg_track_gain, track.rg_track_peak,
        track.rg_album_gain, track.rg_album_peak, track.tag_rating,
    )


def _text_list(row: sqlite3.Row, column: str, shown: str,
               odd: Callable[[str], None] | None) -> tuple[str, ...]:
    """A JSON list of strings column (artists, genres...). A value another program broke
    is read as the display column *shown* instead, which holds the same names joined."""
    raw = row[column]
    try:
        values = json.loads(raw) if raw else []
    except (ValueError, TypeError):
        values = None
    if isinstance(values, list) and all(isinstance(v, str) for v in values):
        return tuple(values)
    if odd is not None:
        odd(f"track {row['id']} {column} {str(raw)[:40]!r}")
    return (row[shown],) if isinstance(row[shown], str) and row[shown] else ()


def row_to_track(row: sqlite3.Row, odd: Callable[[str], None] | None = None) -> Track:
    """Build a Track from a tracks row (optionally with the STATS_SQL columns); *odd* hears
    of each value another program broke (Database.note_odd_value)."""
    keys = row.keys()
    track = Track(
        path=fs_path(row["path"]),
        title=row["title"],
        artists=_text_list(row, "artists", "artist", odd),
        album=row["album"],
        albumartists=_text_list(row, "albumartists", "albumartist", odd),
        genres=_text_list(row, "genres", "genre", odd),
        year=row["year"],
        track_number=row["track_number"],
        track_total=row["track_total"],
        disc_number=row["disc_number"],
        disc_total=row["disc_total"],
        duration=row["duration"],
        codec=row["codec"],
        bitrate=row["bitrate"],
        sample_rate=row["sample_rate"],
        channels=row["channels"],
        rg_track_gain=row["rg_track_gain"],
        rg_track_peak=row["rg_track_peak"],
        rg_album_gain=row["rg_album_gain"],
        rg_album_peak=row["rg_album_peak"],
        tag_rating=row["tag_rating"],
        mtime_ns=row["mtime_ns"],
        size=row["size"],
        id=row["id"],
        added_at=row["added_at"],
        missing_since=row["missing_since"],
        scan_error=row["scan_error"],
        play_error=row["play_error"],
    )
    if "rating" in keys:
        track.rating = row["rating"]
        track.play_count = row["play_count"]
        track.skip_count = row["skip_count"]
        track.last_played = row["last_played"]
    _plain_values(track, odd)
    return track


# Track fields read from number and text columns, checked by _plain_values.
_NUMBER_FIELDS = (
    "year", "track_number", "track_total", "disc_number", "disc_total", "duration",
    "bitrate", "sample_rate", "channels", "rg_track_gain", "rg_track_peak", "rg_album_gain",
    "rg_album_peak", "tag_rating", "added_at", "missing_since", "rating", "last_played",
)
_TEXT_FIELDS = ("title", "album", "codec", "scan_error", "play_error")


def _plain_values(track: Track, odd: Callable[[str], None] | None) -> None:
    """Numbers that are no finite numbers become None, text that is no text becomes text:
    what another program wrote into a column must not reach the faces as it is."""
    for name in _NUMBER_FIELDS:
        value = getattr(track, name)
        if value is None or (type(value) is int) or (type(value) is float
                                                      and math.isfinite(value)):
            continue
        setattr(track, name, None)
        if odd is not None:
            odd(f"track {track.id} {name} {str(value)[:40]!r}")
    for name in _TEXT_FIELDS:
        value = getattr(track, name)
        if value is None or type(value) is str:
            continue
        shown = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        setattr(track, name, shown)
        if odd is not None:
            odd(f"track {track.id} {name} {shown[:40]!r}")


class TrackStore:
    """Reads and writes the tracks table. Callers batch writes inside db.transaction()."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- writing ----------------------------------------------------------------------------

    def upsert(self, track: Track, *, now: float | None = None) -> int:
        """Insert a track read from disk, or update the row with its path; returns its id.

        A file read successfully clears a previous scan error and its missing mark, and a
        play error too when the file changed (mtime or size) since it failed to play.
        """
        now = time.time() if now is None else now
        row = self.db.execute(
            _UPSERT_SQL, (db_path(track.path), *_tag_values(track), now, now)
        ).fetchone()
        return int(row[0])

    def move(self, track_id: int, track: Track, *, now: float | None = None) -> None:
        """Give an existing track (and so its plays, ratings and features) a new path and
        the tags read there: the file was moved or renamed."""
        now = time.time() if now is None else now
        self.db.execute(_MOVE_SQL, (db_path(track.path), *_tag_values(track), now,
                                    track.mtime_ns, track.size, track_id))

    def clear_missing(self, ids: Iterable[int]) -> None:
        """Files that are back where they were: no longer missing."""
        self.db.executemany("UPDATE tracks SET missing_since = NULL WHERE id = ?",
                            ((i,) for i in ids))

    def record_error(
        self, path: str, mtime_ns: int, size: int, reason: str, *, now: float | None = None
    ) -> int:
        """Remember that *path* could not be read and why, keeping any tags read before."""
        now = time.time() if now is None else now
        title = _storable(os.path.splitext(os.path.basename(path))[0])
        row = self.db.execute(
            "INSERT INTO tracks (path, mtime_ns, size, title, added_at, updated_at, scan_error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
            "mtime_ns = excluded.mtime_ns, size = excluded.size, updated_at = excluded.updated_at,"
            " scan_error = excluded.scan_error, missing_since = NULL, damage = NULL, "
            f"play_error = {_KEEP_PLAY_ERROR} RETURNING id",
            (db_path(path), mtime_ns, size, title, now, now, _storable(reason)),
        ).fetchone()
        return int(row[0])

    def mark_missing(self, ids: Iterable[int], *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.db.executemany(
            "UPDATE tracks SET missing_since = ? WHERE id = ? AND missing_since IS NULL",
            ((now, i) for i in ids),
        )

    def set_play_error(self, track_id: int, reason: str | None) -> None:
        """Record (or clear, with None) why a track could not be played."""
        self.db.execute("UPDATE tracks SET play_error = ? WHERE id = ?", (reason, track_id))

    def set_damage(self, track_id: int, reason: str, *, duration: float | None) -> None:
        """Record what is wrong with a file that still plays in part (*reason*, e.g.
        "truncated: audio ends at 1:38 of 6:18") and its real *duration* in seconds.

        The file's last read (updated_at) is left alone, so its analysis stays current;
        reading the file again clears the damage."""
        self.db.execute("UPDATE tracks SET damage = ?, duration = coalesce(?, duration) "
                        "WHERE id = ?", (_storable(reason), duration, track_id))

    def set_file_state(self, track_id: int, mtime_ns: int, size: int) -> None:
        """Remember a file's new modification time (ns) and size after Riffle itself wrote
        to it, so the next scan does not take Riffle's own write for a change."""
        self.db.execute("UPDATE tracks SET mtime_ns = ?, size = ? WHERE id = ?",
                        (mtime_ns, size, track_id))

    def set_tag_rating(self, track_id: int, stars: int | None) -> None:
        """The stars the file's tags now hold (None: none)."""
        self.db.execute("UPDATE tracks SET tag_rating = ? WHERE id = ?", (stars, track_id))

    def add_missing(self, track: Track, *, now: float | None = None) -> int:
        """A track known only by name (its file has not been found here yet), kept as
        missing with what is known of its tags; returns its id. When a scan finds a file
        with the same tags and length, the file takes over this row and its history."""
        now = time.time() if now is None else now
        track_id = self.upsert(track, now=now)
        self.mark_missing([track_id], now=now)
        return track_id

    def delete(self, track_id: int) -> None:
        self.db.execute("DELETE FROM tracks WHERE id = ?", (track_id,))

    # -- reading ----------------------------------------------------------------------------

    def file_states(self, under: str | None = None) -> dict[str, FileState]:
        """Path → FileState for every known file (below folder *under* when given)."""
        sql = "SELECT id, path, mtime_ns, size, missing_since, scan_error FROM tracks"
        params: tuple[Any, ...] = ()
        if under is not None:
            # Compared as bytes, so paths stored as text and as BLOB both match.
            prefix = os.fsencode(under.rstrip(os.sep) + os.sep)
            sql += " WHERE substr(CAST(path AS BLOB), 1, ?) = ?"
            params = (len(prefix), prefix)
        cur = self.db.execute(sql, params)
        return {
            fs_path(r["path"]): FileState(r["id"], r["mtime_ns"], r["size"], r["missing_since"],
                                 r["scan_error"])
            for r in cur
        }

    def identities(self) -> list[TrackIdentity]:
        """Every readable track's file, tags and length, by id: what a playlist entry or a
        play from another player is matched against."""
        rows = self.db.query(
            "SELECT id, path, title, artists, album, albumartists, duration, missing_since, "
            "artist, albumartist FROM tracks WHERE scan_error IS NULL ORDER BY id")
        odd = self.db.note_odd_value
        return [TrackIdentity(r["id"], fs_path(r["path"]),
                              r["title"] if isinstance(r["title"], str) else None,
                              _text_list(r, "artists", "artist", odd),
                              r["album"] if isinstance(r["album"], str) else None,
                              _text_list(r, "albumartists", "albumartist", odd),
                              r["duration"] if isinstance(r["duration"], int | float) else None,
                              r["missing_since"] is None)
                for r in rows]

    def move_candidates(self) -> list[StoredTags]:
        """Every readable track with the fields a move is recognised by (no JSON, no
        stats: cheap enough to read for the whole library)."""
        rows = self.db.query(
            "SELECT id, path, title, artist, album, albumartist, track_number, disc_number,"
            " duration, size FROM tracks WHERE scan_error IS NULL ORDER BY id")
        return [StoredTags(r[0], fs_path(r[1]), *tuple(r)[2:]) for r in rows]

    def get(self, track_id: int) -> Track:
        rows = self.db.query(stats_sql("track_id = ?") + " WHERE t.id = ?", (track_id,) * 3)
        if not rows:
            raise TrackNotFoundError(f"No track with id {track_id} in the library.")
        return row_to_track(rows[0], self.db.note_odd_value)

    def by_path(self, path: str) -> Track | None:
        by_path = "track_id = (SELECT id FROM tracks WHERE path = ?)"
        rows = self.db.query(stats_sql(by_path) + " WHERE t.path = ?", (db_path(path),) * 3)
        return row_to_track(rows[0], self.db.note_odd_value) if rows else None

    def get_many(self, ids: Sequence[int]) -> dict[int, Track]:
        """id → Track for the ids that exist (chunked so any number of ids works)."""
        out: dict[int, Track] = {}
        for chunk in chunks(ids):
            where = f"IN ({marks(len(chunk))})"
            sql = stats_sql(f"track_id {where}") + f" WHERE t.id {where}"
            for row in self.db.query(sql, chunk * 3):
                track = row_to_track(row, self.db.note_odd_value)
                out[track.id] = track  # type: ignore[index]
        return out

    def resolve(self, spec: str) -> Track:
        """A TRACK argument: a track id, or a file path (relative to the current folder).

        Raises TrackNotFoundError naming what was asked for.
        """
        text = spec.strip()
        if text.isdigit():
            rows = self.db.query(stats_sql("track_id = ?") + " WHERE t.id = ?",
                                 (int(text),) * 3)
            if rows:
                return row_to_track(rows[0], self.db.note_odd_value)
        for candidate in (text, os.path.abspath(os.path.expanduser(text))):
            track = self.by_path(candidate)
            if track is not None:
                return track
        real = os.path.realpath(os.path.expanduser(text))
        track = self.by_path(real)
        if track is not None:
            return track
        raise TrackNotFoundError(f"No track matches {spec!r}: give a track id or a file path.")

    def all(self, where: str = "", params: Sequence[Any] = (), order: str = "") -> list[Track]:
        """Tracks with stats, filtered by an SQL *where* over the STATS_SQL columns."""
        sql = f"SELECT * FROM ({STATS_SQL})"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order or LIBRARY_ORDER}"
        return [row_to_track(r, self.db.note_odd_value) for r in self.db.query(sql, params)]

    def find(self, text: str, *, playable: bool = False) -> list[Track]:
        """Tracks matching the query *text* (player/query.py; "" matches all), in library
        order. Unreadable files are left out; with *playable* missing ones, and files
        known to fail at play time, are too.

        Raises QueryError for a malformed query.
        """
        where, params = parse(text).to_sql()
        register_sql_functions(self.db.conn)
        wanted = playable_sql() if playable else readable()
        return self.all(f"{wanted} AND ({where})" if where else wanted, params)

    def catalog_rows(self) -> list[tuple[Any, ...]]:
        """What the auto-shuffle knows of every track, by id: (id, title, artist, album,
        album artist or artist, genre, year, added_at, playability state — see
        predicates.playability_state). Empty names are ''."""
        return [tuple(r) for r in self.db.query(
            "SELECT id, coalesce(title, ''), coalesce(artist, ''), coalesce(album, ''), "
            "coalesce(albumartist, artist, ''), coalesce(genre, ''), year, added_at, "
            f"{playability_state()} FROM tracks ORDER BY id")]

    def names(self) -> dict[int, tuple[str, str, str]]:
        """Track id → (title as shown, artist, genre) for every track: the title is the
        file name where the tags have none; a missing artist or genre is ''."""
        out = {}
        for track_id, title, path, artist, genre in self.db.query(
                "SELECT id, title, path, coalesce(artist, ''), coalesce(genre, '') "
                "FROM tracks"):
            shown = title or os.path.splitext(os.path.basename(fs_path(path)))[0]
            out[track_id] = (shown, artist, genre)
        return out

    def titles(self) -> dict[int, str]:
        """Track id → title (the file name where the tags have none), for every track."""
        return {r[0]: r[1] or "" for r in self.db.query("SELECT id, title FROM tracks")}

    def unplayable(self) -> dict[int, int]:
        """Track id → why it may not be played now (predicates.MISSING, UNREADABLE or
        FAILS_TO_PLAY), for every such track."""
        return {r[0]: r[1] for r in self.db.query(
            f"SELECT id, {playability_state()} FROM tracks WHERE NOT ({playable_sql()})")}

    def errors(self) -> list[tuple[str, str]]:
        """(path, reason) of every present file that could not be read, by path."""
        rows = self.db.query(
            "SELECT path, scan_error FROM tracks WHERE scan_error IS NOT NULL "
            f"AND {present()} ORDER BY path"
        )
        return [(fs_path(r[0]), r[1]) for r in rows]

    def play_errors(self) -> list[tuple[str, str]]:
        """(path, reason) of every present, readable file that failed to play, by path."""
        rows = self.db.query(
            "SELECT path, play_error FROM tracks WHERE play_error IS NOT NULL "
            f"AND {listed()} ORDER BY path"
        )
        return [(fs_path(r[0]), r[1]) for r in rows]

    def problems(self) -> list[tuple[str, str, str]]:
        """(path, kind, reason) of every present file Riffle cannot use as it should, by
        path: kind "scan" (its tags could not be read), "play" (it failed to play) or
        "damaged" (it plays only in part). What `riffle errors` and the window list."""
        return sorted([(path, "scan", reason) for path, reason in self.errors()]
                      + [(path, "play", reason) for path, reason in self.play_errors()]
                      + [(path, "damaged", reason) for path, reason in self.damaged()])

    def damaged(self) -> list[tuple[str, str]]:
        """(path, what is wrong) of every present, readable file found damaged (it still
        plays in part, such as a truncated file), by path."""
        rows = self.db.query(
            "SELECT path, damage FROM tracks WHERE damage IS NOT NULL "
            "AND scan_error IS NULL AND missing_since IS NULL ORDER BY path"
        )
        return [(fs_path(r[0]), r[1]) for r in rows]

    def count(self) -> int:
        return int(self.db.scalar("SELECT count(*) FROM tracks"))

    def paths_by_id(self) -> dict[int, str]:
        """track id → file path of every track (for writing plays out with their files)."""
        return {r[0]: fs_path(r[1]) for r in self.db.query("SELECT id, path FROM tracks")}
