"""Everything the listener told Riffle about tracks, read incrementally for the taste model.

A judgement is a rating change, a finished play (completed or skipped) or an auto pick the
listener removed from the queue. `JudgementStore.since(marks)` returns what was added after
*marks* (row ids), so the recommender reads only what is new between two snapshots. A play
still open when it is read is remembered in the marks and read again until it finishes:
only then is its outcome known.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from player.store.database import Database
from player.store.predicates import chunks, marks


@dataclass(frozen=True, slots=True)
class JudgementMarks:
    """How far judgements have been read: the last row id of each table, and the plays that
    were still open then (to read again)."""

    ratings: int = 0
    plays: int = 0
    removals: int = 0
    open_plays: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class RatingChange:
    """A track's stars changed to *stars* (0: the rating was cleared) at *at* (Unix s)."""

    track_id: int
    stars: int
    at: float


@dataclass(frozen=True, slots=True)
class FinishedPlay:
    """A play that ended: *outcome* is 'completed', 'skipped', 'stopped' or 'error'."""

    track_id: int
    at: float
    outcome: str


@dataclass(frozen=True, slots=True)
class Judgements:
    """What was judged after some marks, oldest first, and the marks to read on from."""

    ratings: list[RatingChange] = field(default_factory=list)
    plays: list[FinishedPlay] = field(default_factory=list)
    removals: list[tuple[int, float]] = field(default_factory=list)  # (track id, removed at)
    marks: JudgementMarks = field(default_factory=JudgementMarks)

    def __bool__(self) -> bool:
        return bool(self.ratings or self.plays or self.removals)


class JudgementStore:
    """Reads the ratings, plays and removals tables as one stream of judgements."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def since(self, after: JudgementMarks | None = None) -> Judgements:
        """Judgements added after *after*, in one read transaction so the three tables
        agree with each other."""
        after = after or JudgementMarks()
        with self.db.read_transaction():
            rating_rows = self.db.query(
                "SELECT id, track_id, stars, rated_at FROM ratings WHERE id > ? ORDER BY id",
                (after.ratings,))
            play_rows = self.db.query(
                "SELECT id, track_id, started_at, outcome, learn FROM plays WHERE id > ? "
                "ORDER BY id", (after.plays,))
            reopened = sorted(after.open_plays)
            for chunk in chunks(reopened):
                play_rows += self.db.query(
                    "SELECT id, track_id, started_at, outcome, learn FROM plays "
                    f"WHERE id IN ({marks(len(chunk))}) ORDER BY id", chunk)
            removal_rows = self.db.query(
                "SELECT id, track_id, removed_at FROM removals WHERE id > ? ORDER BY id",
                (after.removals,))
        ratings = [RatingChange(r[1], r[2], r[3]) for r in rating_rows]
        plays: list[FinishedPlay] = []
        still_open: set[int] = set()
        for pid, track_id, at, outcome, learn in sorted(play_rows, key=lambda r: r[0]):
            if outcome is None:
                still_open.add(pid)
            elif learn:  # a play the listener asked Riffle not to learn from says nothing
                plays.append(FinishedPlay(track_id, at, outcome))
        top_play = max([after.plays, *(r[0] for r in play_rows)])
        return Judgements(
            ratings=ratings, plays=plays,
            removals=[(r[1], r[2]) for r in removal_rows],
            marks=JudgementMarks(
                ratings=rating_rows[-1][0] if rating_rows else after.ratings,
                plays=top_play,
                removals=removal_rows[-1][0] if removal_rows else after.removals,
                open_plays=frozenset(still_open)),
        )
