"""The plays table: one row per play, written when it starts and finished when it ends.

A play that is still open (outcome NULL) after a crash keeps the seconds flushed so far,
until the next start closes it as stopped (`close_unfinished`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from player.models import PlayOutcome, PlaySource
from player.store.database import Database
from player.store.predicates import attempted, counts_as_play, learned, skipped

_Member = TypeVar("_Member", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Play:
    id: int
    track_id: int
    started_at: float
    ended_at: float | None
    listened: float
    duration: float | None
    outcome: PlayOutcome | None
    source: PlaySource
    #: Why the play ended (player.history.ChangeReason value); None while open or unknown.
    reason: str | None = None
    #: False when the listener asked Riffle not to learn from it.
    learn: bool = True
    #: Where an imported play came from ('lastfm', 'strawberry'...); None for Riffle's own.
    origin: str | None = None


def _row_to_play(row: tuple, odd: Callable[[str], None]) -> Play:  # type: ignore[type-arg]
    """A Play from a plays row. Values another program put there that Riffle never writes
    (text for seconds, an unknown outcome or source) are read as the nearest neutral
    value and told to *odd*, so one bad row cannot stop the history from being read."""
    bad: list[str] = []
    started = _seconds(row[2], "started_at", bad)
    play = Play(
        id=row[0], track_id=row[1], started_at=0.0 if started is None else started,
        ended_at=_seconds(row[3], "ended_at", bad),
        listened=_seconds(row[4], "listened", bad) or 0.0,
        duration=_seconds(row[5], "duration", bad),
        outcome=_member(PlayOutcome, row[6], PlayOutcome.STOPPED, "outcome", bad),
        source=_member(PlaySource, row[7], PlaySource.USER, "source", bad) or PlaySource.USER,
        reason=row[8] if isinstance(row[8], str) else None,
        learn=row[9] != 0,
        origin=row[10] if isinstance(row[10], str) else None,
    )
    for what in bad:
        odd(f"play {row[0]} {what}")
    return play


#: Seconds beyond this (the year 10000 as a Unix time) are junk.
_LATEST = 253_402_300_800.0


def _seconds(value: object, column: str, bad: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and math.isfinite(value) and 0 <= value < _LATEST:
        return float(value)
    bad.append(f"{column} {str(value)[:40]!r}")
    return None


def _member(kind: type[_Member], value: object, fallback: _Member, column: str,
            bad: list[str]) -> _Member | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return kind(value)
    except ValueError:
        pass
    bad.append(f"{column} {str(value)[:40]!r}")
    return fallback


_COLUMNS = ("id, track_id, started_at, ended_at, listened, duration, outcome, source, reason, "
            "learn, origin")


def play_stats_sql(only: str = "") -> str:
    """Per-track statistics over the plays table; *only* (SQL on `track_id`, such as
    "track_id = ?") reads the plays of just those tracks through the plays_track index.

    tracks.STATS_SQL joins this very query, so the listing, the `plays:` filter and
    PlayStore.stats count alike: play_count counts what predicates.counts_as_play says (a
    skip is counted apart, in skip_count); a failed attempt (outcome 'error') is neither a
    play nor a skip and does not move "last played", which any other play does.
    """
    narrow = f"WHERE {only} " if only else ""
    return f"""
SELECT track_id,
       sum({counts_as_play()}) AS play_count,
       sum({skipped()}) AS skip_count,
       max(CASE WHEN {attempted()} THEN started_at END) AS last_played
FROM plays {narrow}GROUP BY track_id
"""


PLAY_STATS_SQL = play_stats_sql()

#: Whether a track has a play starting near a time; parameters (track id, earliest, latest).
#: A range on started_at, not abs(), so the plays_track index serves it.
NEAR_PLAY_SQL = ("SELECT 1 FROM plays WHERE track_id = ? AND started_at > ? "
                 "AND started_at < ? LIMIT 1")


@dataclass(frozen=True, slots=True)
class OriginTally:
    """The plays of one track imported from one place: how many of each outcome, and
    when the latest of them started (Unix seconds)."""

    completed: int = 0
    skipped: int = 0
    latest: float | None = None


@dataclass(frozen=True, slots=True)
class PlayStats:
    """How often a track was played and skipped, and when it last played (Unix seconds)."""

    play_count: int = 0
    skip_count: int = 0
    last_played: float | None = None


class PlayStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, track_id: int, *, duration: float | None, source: PlaySource,
              started_at: float | None = None, learn: bool = True) -> int:
        """Open a play row for a track that just started; returns the play id. *learn*
        False: the recommender will not learn from it."""
        cur = self.db.execute(
            "INSERT INTO plays (track_id, started_at, duration, source, learn) "
            "VALUES (?, ?, ?, ?, ?)",
            (track_id, time.time() if started_at is None else started_at, duration, str(source),
             int(learn)),
        )
        return int(cur.lastrowid or 0)

    def set_learn(self, play_id: int, learn: bool) -> None:
        """Whether the recommender may learn from this play (the listener changed their
        mind while it played)."""
        self.db.execute("UPDATE plays SET learn = ? WHERE id = ?", (int(learn), play_id))

    def add_finished(self, track_id: int, *, started_at: float, listened: float,
                     outcome: PlayOutcome, duration: float | None,
                     source: PlaySource, learn: bool = True, origin: str | None = None,
                     ended_at: float | None = None, reason: str | None = None) -> int:
        """Write a whole play at once (one that happened elsewhere); returns its id. It ended
        at *ended_at* (default: *listened* seconds after *started_at*); *learn* False: the
        recommender will not learn from it; *origin* names the player or service it was
        imported from."""
        cur = self.db.execute(
            "INSERT INTO plays (track_id, started_at, ended_at, listened, duration, outcome, "
            "source, learn, origin, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (track_id, started_at, started_at + listened if ended_at is None else ended_at,
             listened, duration, str(outcome), str(source), int(learn), origin, reason),
        )
        return int(cur.lastrowid or 0)

    def has_play_near(self, track_id: int, started_at: float, window: float = 1.0) -> bool:
        """Whether the track has a play that started within *window* seconds of
        *started_at*: the same play, when history is imported again."""
        return self.db.scalar(NEAR_PLAY_SQL, (track_id, started_at - window,
                                              started_at + window)) is not None

    def origin_tallies(self, origin: str) -> dict[int, OriginTally]:
        """track id → the plays imported from *origin*, counted by outcome: what an import
        of play counts (not single plays) compares against, so it adds only the rest."""
        tallies: dict[int, OriginTally] = {}
        rows = self.db.query(
            "SELECT track_id, sum(outcome = 'completed'), sum(outcome = 'skipped'), "
            "max(started_at) FROM plays WHERE origin = ? GROUP BY track_id", (origin,))
        for track_id, completed, skipped_count, latest in rows:
            tallies[track_id] = OriginTally(int(completed or 0), int(skipped_count or 0),
                                            latest)
        return tallies

    def update_listened(self, play_id: int, listened: float) -> None:
        """Flush the seconds listened so far, so a crash loses at most a few seconds."""
        self.db.execute("UPDATE plays SET listened = ? WHERE id = ?", (listened, play_id))

    def finish(self, play_id: int, *, listened: float, outcome: PlayOutcome,
               ended_at: float | None = None, reason: str | None = None) -> None:
        """Close a play: seconds listened, its outcome and why it ended (*reason*)."""
        self.db.execute(
            "UPDATE plays SET listened = ?, outcome = ?, ended_at = ?, reason = ? WHERE id = ?",
            (listened, str(outcome), time.time() if ended_at is None else ended_at, reason,
             play_id),
        )

    def get(self, play_id: int) -> Play | None:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM plays WHERE id = ?", (play_id,))
        return _row_to_play(tuple(rows[0]), self.db.note_odd_value) if rows else None

    def for_track(self, track_id: int) -> list[Play]:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM plays WHERE track_id = ? ORDER BY started_at, id",
            (track_id,),
        )
        return [_row_to_play(tuple(r), self.db.note_odd_value) for r in rows]

    def recent(self, limit: int) -> list[Play]:
        """The last *limit* plays, newest first."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM plays ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
        )
        return [_row_to_play(tuple(r), self.db.note_odd_value) for r in rows]

    def recent_tracks(self, limit: int, since: float | None = None) -> set[int]:
        """Tracks of the last *limit* plays that really started, and of every such play
        started at or after *since* (Unix seconds; None: no time window). A failed attempt
        is not a play: it never makes a track "recently played"; nor does a play the
        listener asked Riffle not to learn from."""
        found: set[int] = set()
        wanted = f"{attempted()} AND {learned()}"
        if limit > 0:
            found.update(r[0] for r in self.db.query(
                f"SELECT track_id FROM plays WHERE {wanted} "
                "ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)))
        if since is not None:
            found.update(r[0] for r in self.db.query(
                f"SELECT DISTINCT track_id FROM plays WHERE started_at >= ? AND {wanted}",
                (since,)))
        return found

    def last_track(self) -> int | None:
        """The track of the latest play that really started and may be learned from."""
        return self.db.scalar(f"SELECT track_id FROM plays WHERE {attempted()} AND "
                              f"{learned()} ORDER BY started_at DESC, id DESC LIMIT 1")

    def all(self) -> list[Play]:
        rows = self.db.query(f"SELECT {_COLUMNS} FROM plays ORDER BY started_at, id")
        return [_row_to_play(tuple(r), self.db.note_odd_value) for r in rows]

    def in_order_written(self) -> list[Play]:
        """Every play in the order the rows were written (what a copy of the library must
        repeat for the auto-shuffle to read its history alike)."""
        rows = self.db.query(f"SELECT {_COLUMNS} FROM plays ORDER BY id")
        return [_row_to_play(tuple(r), self.db.note_odd_value) for r in rows]

    def stats(self, track_id: int) -> PlayStats:
        """Play count, skip count and last played time of one track."""
        rows = self.db.query(play_stats_sql("track_id = ?"), (track_id,))
        if not rows:
            return PlayStats()
        return PlayStats(int(rows[0][1] or 0), int(rows[0][2] or 0), rows[0][3])

    def all_stats(self) -> dict[int, PlayStats]:
        """track id → PlayStats for every track that has a play row."""
        return {r[0]: PlayStats(int(r[1] or 0), int(r[2] or 0), r[3])
                for r in self.db.query(PLAY_STATS_SQL)}

    def close_unfinished(self, reason: str) -> int:
        """Close every open play as stopped, keeping the seconds flushed before it was cut
        off; it ended *listened* seconds after it started. Returns how many were closed."""
        cur = self.db.execute(
            "UPDATE plays SET outcome = ?, ended_at = started_at + listened, reason = ? "
            "WHERE outcome IS NULL", (str(PlayOutcome.STOPPED), reason))
        return int(cur.rowcount or 0)

    def unfinished(self) -> list[Play]:
        """Plays left open (outcome NULL): the one playing now, or those cut by a crash."""
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM plays WHERE outcome IS NULL ORDER BY started_at, id")
        return [_row_to_play(tuple(r), self.db.note_odd_value) for r in rows]
