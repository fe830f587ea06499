"""The removals table: auto-shuffle picks the listener took out of the queue.

A removal is a mild "not now" about that track, which the taste model weighs in.
"""

from __future__ import annotations

import time

from player.store.database import Database


class RemovalStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, track_id: int, *, now: float | None = None) -> None:
        self.db.execute("INSERT INTO removals (track_id, removed_at) VALUES (?, ?)",
                        (track_id, time.time() if now is None else now))

    def add_many(self, track_ids: list[int]) -> None:
        """Record the removal of several auto picks, now, in one transaction."""
        with self.db.transaction():
            for track_id in track_ids:
                self.add(track_id)

    def has(self, track_id: int, removed_at: float) -> bool:
        """Whether this removal is recorded already (imported before)."""
        return self.db.scalar("SELECT 1 FROM removals WHERE track_id = ? AND removed_at = ? "
                              "LIMIT 1", (track_id, removed_at)) is not None

    def all(self) -> list[tuple[int, float]]:
        """(track id, removed at) for every removal, oldest first."""
        return [(r[0], r[1]) for r in
                self.db.query("SELECT track_id, removed_at FROM removals ORDER BY id")]
