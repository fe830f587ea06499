"""The library as plain rows for a listing (the window's table), fast at 100k tracks.

`TrackStore.all()` builds a full `Track` per row (tags, stream facts, history), which costs
over a second at 100,000 tracks. A listing needs a score of columns: this reads exactly
those, as tuples, in library order (artist, album, disc, track, path). Files whose tags
could not be read are left out: they are problems to fix (TrackStore.problems), not music
to list. Missing files stay, so their history can be seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from player.store.database import Database
from player.store.plays import PlayStats, PlayStore
from player.store.predicates import LIBRARY_ORDER, chunks, marks, readable
from player.store.ratings import RatingStore
from player.store.tracks import fs_path

#: The columns of each row `library_rows` returns, in order.
LISTING_COLUMNS: tuple[str, ...] = (
    "id", "path", "title", "artist", "albumartist", "album", "genre", "year", "duration",
    "track_number", "disc_number", "codec", "bitrate", "added_at",
    "rating", "play_count", "skip_count", "last_played", "missing_since",
    "play_error", "damage",
)

_TRACK_COLUMNS = ("id", "path", "title", "artist", "albumartist", "album", "genre", "year",
                  "duration", "track_number", "disc_number", "codec", "bitrate", "added_at",
                  "missing_since", "play_error", "damage")
_STATS_AT = _TRACK_COLUMNS.index("missing_since")
_NEVER = PlayStats()


def library_rows(db: Database, ids: Sequence[int] | None = None) -> list[tuple[Any, ...]]:
    """Every readable track (or those of *ids*) as a tuple of LISTING_COLUMNS, in library
    order.

    Units as in the tracks table: duration in seconds, bitrate in bits per second,
    added_at, last_played and missing_since as Unix seconds; rating is 1–5 or None. Paths
    are file system paths (str), whatever their encoding.
    """
    if ids is None:
        return list(iter_library_rows(db))
    wanted = list(dict.fromkeys(ids))
    sql = f"SELECT {', '.join(_TRACK_COLUMNS)} FROM tracks WHERE {readable()}"
    tracks = []
    for chunk in chunks(wanted):
        tracks.extend(db.query(f"{sql} AND id IN ({marks(len(chunk))})", chunk))
    rating_store, play_store = RatingStore(db), PlayStore(db)
    ratings = {r[0]: rating_store.get(r[0]) for r in tracks}
    plays = {r[0]: play_store.stats(r[0]) for r in tracks}
    return [_row(r, ratings, plays) for r in tracks]


def iter_library_rows(db: Database) -> Iterator[tuple[Any, ...]]:
    """Every readable track as a tuple of LISTING_COLUMNS, in library order, read as it goes (so
    100k rows never sit in memory twice).

    Ratings and play counts come from the same repositories as everywhere else
    (RatingStore.current, PlayStore.all_stats), read in one pass each and joined here:
    joining them in SQL made SQLite re-scan the ratings per track on some plans (over a
    minute at 100k tracks).
    """
    ratings = {tid: stars for tid, (stars, _at) in RatingStore(db).current().items()}
    plays = PlayStore(db).all_stats()
    cursor = db.execute(f"SELECT {', '.join(_TRACK_COLUMNS)} FROM tracks WHERE {readable()} "
                        f"ORDER BY {LIBRARY_ORDER}")
    for row in cursor:
        yield _row(row, ratings, plays)


def _row(row: Any, ratings: Mapping[int, int | None], plays: Mapping[int, PlayStats]
         ) -> tuple[Any, ...]:
    tid = row[0]
    stats = plays.get(tid, _NEVER)
    return (tid, fs_path(row[1]), *row[2:_STATS_AT], ratings.get(tid), stats.play_count,
            stats.skip_count, stats.last_played, *row[_STATS_AT:])
