"""The pieces of SQL that several queries share, each spelled once.

A rule such as "playable" or "counts as a play" written in several places drifts: one copy
once counted failed attempts as recent plays. Every query in player/store/ that needs one of
these rules builds it from here. Column names are those of the tables; *alias* prefixes
them for queries that join ("t" gives "t.missing_since IS NULL").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from player.history import SKIP_SECONDS

T = TypeVar("T")

#: How many values one `IN (...)` list holds at most (SQLite's limit is far higher on new
#: builds, but 999 on old ones; 500 keeps every query well inside it).
CHUNK = 500

#: The order the library is listed in everywhere: artist, album, disc, track, file.
LIBRARY_ORDER = "artist COLLATE NOCASE, album COLLATE NOCASE, disc_number, track_number, path"


def _col(alias: str, column: str) -> str:
    return f"{alias}.{column}" if alias else column


def present(alias: str = "") -> str:
    """The file is where the library last found it (not missing)."""
    return f"{_col(alias, 'missing_since')} IS NULL"


def readable(alias: str = "") -> str:
    """The scanner could read the file's tags."""
    return f"{_col(alias, 'scan_error')} IS NULL"


def listed(alias: str = "") -> str:
    """A track the library shows: present and readable."""
    return f"{present(alias)} AND {readable(alias)}"


def playable(alias: str = "") -> str:
    """A track that may be played: present, readable, and not known to fail at play time."""
    return f"{listed(alias)} AND {_col(alias, 'play_error')} IS NULL"


#: What playability_state() says of a track.
PLAYABLE, MISSING, UNREADABLE, FAILS_TO_PLAY = 0, 1, 2, 3


def playability_state(alias: str = "") -> str:
    """PLAYABLE, or why a track may not be played: its file is MISSING, UNREADABLE (its
    tags could not be read), or it FAILS_TO_PLAY."""
    return (f"CASE WHEN {_col(alias, 'missing_since')} IS NOT NULL THEN {MISSING} "
            f"WHEN {_col(alias, 'scan_error')} IS NOT NULL THEN {UNREADABLE} "
            f"WHEN {_col(alias, 'play_error')} IS NOT NULL THEN {FAILS_TO_PLAY} "
            f"ELSE {PLAYABLE} END")


def attempted(alias: str = "") -> str:
    """A play that really started (still open, or ended any way but an error): it counts
    for "last played" and recency. A failed attempt says nothing about the listener."""
    outcome = _col(alias, "outcome")
    return f"({outcome} IS NULL OR {outcome} != 'error')"


def counts_as_play(alias: str = "") -> str:
    """A play that counts in a track's "plays" (the listing, `riffle stats`, the `plays:`
    filter): played to the end, or heard long enough not to be a skip, min(30 s, half the
    track) as player.history.skip_threshold says; a play still under way counts once it is
    that long. A skip, an error or a few seconds before going back or stopping do not."""
    outcome, listened = _col(alias, "outcome"), _col(alias, "listened")
    duration = _col(alias, "duration")
    threshold = (f"min({SKIP_SECONDS}, CASE WHEN {duration} > 0 THEN {duration} / 2.0 "
                 f"ELSE {SKIP_SECONDS} END)")
    return (f"({outcome} = 'completed' OR (coalesce({outcome}, '') NOT IN ('skipped', 'error')"
            f" AND {listened} >= {threshold}))")


def learned(alias: str = "") -> str:
    """A play the recommender may learn from (the listener did not ask it not to)."""
    return f"{_col(alias, 'learn')} = 1"


def skipped(alias: str = "") -> str:
    """A play the listener cut short (see player.history.judge)."""
    return f"{_col(alias, 'outcome')} = 'skipped'"


def current_ratings(where: str = "") -> str:
    """(track_id, stars, rated_at) of each track's latest rating change, 0 stars included
    (0 means cleared); *where* narrows the tracks, e.g. "WHERE track_id = ?"."""
    return ("SELECT r.track_id, r.stars, r.rated_at FROM ratings r JOIN "
            f"(SELECT track_id, max(id) AS id FROM ratings {where} GROUP BY track_id) m "
            "ON m.id = r.id")


def marks(count: int) -> str:
    """The placeholders of an `IN (...)` list of *count* values."""
    return ",".join("?" * count)


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[list[T]]:
    """*values* in lists of at most *size*, for `IN (...)` lists of any length."""
    for start in range(0, len(values), size):
        yield list(values[start:start + size])
