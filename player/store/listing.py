"""The whole library as plain rows for a listing (the window's table), fast at 100k tracks.

`TrackStore.all()` builds a full `Track` per row (tags, stream facts, history), which costs
over a second at 100,000 tracks. A listing needs a dozen columns: this reads exactly those,
as tuples, in library order (artist, album, disc, track, path).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from player.store.database import Database
from player.store.tracks import STATS_SQL

#: The columns of each row `library_rows` returns, in order.
LISTING_COLUMNS: tuple[str, ...] = (
    "id", "path", "title", "artist", "albumartist", "album", "genre", "year", "duration",
    "rating", "play_count", "skip_count", "last_played", "missing_since", "scan_error",
)

_ORDER = ("artist COLLATE NOCASE, album COLLATE NOCASE, disc_number, track_number, path")


def library_rows(db: Database, ids: Sequence[int] | None = None) -> list[tuple[Any, ...]]:
    """Every track (or those with *ids*) as a tuple of LISTING_COLUMNS, in library order.

    Units as in the tracks table: duration in seconds, last_played and missing_since as
    Unix seconds; rating is 1–5 or None.
    """
    sql = f"SELECT {', '.join(LISTING_COLUMNS)} FROM ({STATS_SQL})"
    if ids is None:
        return [tuple(r) for r in db.query(f"{sql} ORDER BY {_ORDER}")]
    out: list[tuple[Any, ...]] = []
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" for _ in chunk)
        out.extend(tuple(r) for r in db.query(f"{sql} WHERE id IN ({marks})", chunk))
    return out
