"""Other players' collection databases, read (never written) for their play counts.

Strawberry (strawberry.db) and Clementine (clementine.db) keep one row per file in a
`songs` table: its location (Strawberry's `url`, Clementine's `filename`, both file://
URLs), title, artist, album, length (nanoseconds), `playcount`, `skipcount`,
`lastplayed` (Unix seconds, -1 or NULL for never), `rating` (0.0–1.0, -1 or NULL for
none) and `ctime` (when the file was made, Unix seconds). The file is opened read-only
(and, when even that would need to write beside it, as immutable), so the other player
can keep running and nothing is written beside the file.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from player.errors import RiffleError
from player.formatting import path_text

logger = logging.getLogger(__name__)

#: The column naming the file, for each player whose database is read.
LOCATION_COLUMN = {"strawberry": "url", "clementine": "filename"}
_WANTED = ("title", "artist", "album", "length", "playcount", "skipcount", "lastplayed",
           "rating", "ctime")


class ForeignDatabaseError(RiffleError):
    """The file is not the collection database asked for, or cannot be read."""


@dataclass(frozen=True, slots=True)
class ForeignSong:
    """One song of another player's collection, as that player counted it."""

    row: int
    location: str  # a file:// URL, as the player stored it
    title: str | None
    artist: str | None
    album: str | None
    duration: float | None  # seconds
    play_count: int
    skip_count: int
    last_played: float | None  # Unix seconds
    rating: float | None  # 0.0–1.0
    added: float | None  # Unix seconds


def _connect(path: Path, immutable: bool) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True)
    conn.execute("PRAGMA query_only = ON")
    return conn


def _ways_to_open(path: Path) -> tuple[bool, bool]:
    """Whether to open the database as immutable, first and then. A database the other
    player closed cleanly has no write-ahead log or journal beside it: opened immutable,
    nothing is locked and no file is made beside it. One with a log (the player is running,
    or crashed) is opened read-only, so what the log holds is read too; immutable is the
    fall-back when even that cannot be done (a read-only folder)."""
    busy = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    return (False, True) if busy else (True, False)


def read_collection(path: str | Path, player: str) -> list[ForeignSong]:
    """The songs of *player*'s ('strawberry' or 'clementine') database at *path* that were
    played, skipped or rated. Raises ForeignDatabaseError with what to do."""
    path = Path(path)
    shown = path_text(str(path))
    if not path.is_file():
        raise ForeignDatabaseError(f"{shown} is not a file.")
    location = LOCATION_COLUMN[player]
    last_error: sqlite3.Error | None = None
    for immutable in _ways_to_open(path):
        try:
            conn = _connect(path, immutable)
            try:
                columns = {r[1] for r in conn.execute("PRAGMA table_info(songs)")}
                if not columns:
                    raise ForeignDatabaseError(
                        f"{shown} has no songs table: it is not a {player.title()} "
                        "collection database.")
                if location not in columns:
                    other = next(k for k, v in LOCATION_COLUMN.items() if v != location)
                    hint = (f" (it looks like {other.title()}'s: --from {other})"
                            if LOCATION_COLUMN[other] in columns else "")
                    raise ForeignDatabaseError(
                        f"{shown} is not a {player.title()} collection database{hint}.")
                return _songs(conn, location, columns)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            last_error = exc
            logger.debug("reading %s%s failed: %s", path, " (immutable)" if immutable else "",
                         exc)
    raise ForeignDatabaseError(f"{shown} cannot be read as an SQLite database "
                               f"({last_error}).")


def _songs(conn: sqlite3.Connection, location: str, columns: set[str]) -> list[ForeignSong]:
    picked = ", ".join(name if name in columns else "NULL" for name in _WANTED)
    wanted = " OR ".join(f"{name} > 0" for name in ("playcount", "skipcount", "rating")
                         if name in columns) or "0"
    rows = conn.execute(f"SELECT rowid, {location}, {picked} FROM songs WHERE {wanted} "
                        "ORDER BY rowid").fetchall()
    songs = []
    for rowid, where, title, artist, album, length, plays, skips, last, rating, ctime in rows:
        if not isinstance(where, str) or not where:
            continue
        songs.append(ForeignSong(
            row=int(rowid), location=where, title=_text(title), artist=_text(artist),
            album=_text(album), duration=_positive(length, 1e9),
            play_count=int(_positive(plays) or 0), skip_count=int(_positive(skips) or 0),
            last_played=_positive(last), rating=_fraction(rating), added=_positive(ctime)))
    return songs


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _positive(value: object, unit: float = 1.0) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value) / unit
    return number if math.isfinite(number) and number > 0 else None


def _fraction(value: object) -> float | None:
    """A rating 0.0–1.0; anything else (another scale, junk) is no rating."""
    number = _positive(value)
    return number if number is not None and number <= 1.0 else None
