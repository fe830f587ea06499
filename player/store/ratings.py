"""The ratings table: every change of a track's stars, newest last. 0 stars clears."""

from __future__ import annotations

import time
from dataclasses import dataclass

from player.errors import RiffleError
from player.store.database import Database
from player.store.predicates import current_ratings


@dataclass(frozen=True, slots=True)
class RatingChange:
    track_id: int
    stars: int
    rated_at: float
    source: str


class RatingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def set(self, track_id: int, stars: int, *, source: str = "user",
            now: float | None = None) -> None:
        """Rate a track 1–5 stars, or clear its rating with 0; the change joins the history."""
        if not 0 <= stars <= 5:
            raise RiffleError(f"A rating is 0 to 5 stars (0 clears it), not {stars}.")
        self.db.execute(
            "INSERT INTO ratings (track_id, stars, rated_at, source) VALUES (?, ?, ?, ?)",
            (track_id, stars, time.time() if now is None else now, source),
        )

    def get(self, track_id: int) -> int | None:
        """Current stars 1–5, or None when unrated or cleared."""
        stars = self.db.scalar(
            "SELECT stars FROM ratings WHERE track_id = ? ORDER BY id DESC LIMIT 1", (track_id,)
        )
        return stars or None

    def has_history(self, track_id: int) -> bool:
        return self.db.scalar("SELECT 1 FROM ratings WHERE track_id = ? LIMIT 1",
                              (track_id,)) is not None

    def current(self) -> dict[int, tuple[int, float]]:
        """track id → (stars, rated_at) for every track whose current rating is 1–5."""
        rows = self.db.query(f"SELECT * FROM ({current_ratings()}) WHERE stars > 0")
        return {r[0]: (r[1], r[2]) for r in rows}

    def latest(self, track_id: int) -> RatingChange | None:
        """The track's latest rating change (0 stars: cleared), or None if never rated."""
        rows = self.db.query(
            "SELECT track_id, stars, rated_at, source FROM ratings WHERE track_id = ? "
            "ORDER BY id DESC LIMIT 1", (track_id,))
        return RatingChange(*rows[0]) if rows else None

    def has_change(self, track_id: int, stars: int, rated_at: float) -> bool:
        """Whether the track's history holds this very change (imported before)."""
        return self.db.scalar(
            "SELECT 1 FROM ratings WHERE track_id = ? AND stars = ? AND rated_at = ? LIMIT 1",
            (track_id, stars, rated_at)) is not None

    def all_changes(self) -> list[RatingChange]:
        """Every rating change of every track, in the order they were made."""
        rows = self.db.query("SELECT track_id, stars, rated_at, source FROM ratings ORDER BY id")
        return [RatingChange(*r) for r in rows]

    def history(self, track_id: int) -> list[RatingChange]:
        rows = self.db.query(
            "SELECT track_id, stars, rated_at, source FROM ratings WHERE track_id = ? "
            "ORDER BY id", (track_id,)
        )
        return [RatingChange(*r) for r in rows]
