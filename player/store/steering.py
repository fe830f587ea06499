"""The steering tables: what the listener asked of the auto-shuffle, region by region.

A steer is an action on a set of tracks (the region of the taste map they were shown as):
"more" or "less" of them in the picks, "clear" (neither any more), or "forget" what the
taste model learned from them up to that moment. Steers are only ever added; the newest
steer that names a track decides its more/less, and every forget counts.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from player.errors import RiffleError
from player.store.database import Database

SteerAction = Literal["more", "less", "clear", "forget"]
ACTIONS: tuple[SteerAction, ...] = ("more", "less", "clear", "forget")


@dataclass(frozen=True, slots=True)
class Steer:
    """One steer: *action* on *track_ids*, at *at* (Unix seconds); *label* is what the
    region was called when the listener chose it."""

    id: int
    action: SteerAction
    label: str
    at: float
    track_ids: frozenset[int]


class SteeringStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, action: str, track_ids: Iterable[int], *, label: str = "",
            now: float | None = None) -> int:
        """Record a steer of these tracks; returns its id. Raises RiffleError for an
        unknown action or no track."""
        if action not in ACTIONS:
            raise RiffleError(f"A region can be steered with {', '.join(ACTIONS)}, "
                              f"not {action!r}.")
        ids = sorted(set(track_ids))
        if not ids:
            raise RiffleError("That region has no tracks to steer.")
        with self.db.transaction():
            cursor = self.db.execute(
                "INSERT INTO steering (action, label, steered_at) VALUES (?, ?, ?)",
                (action, label, time.time() if now is None else now))
            steer_id = int(cursor.lastrowid or 0)
            self.db.executemany(
                "INSERT OR IGNORE INTO steering_tracks (steering_id, track_id) VALUES (?, ?)",
                [(steer_id, t) for t in ids])
        return steer_id

    def mark(self) -> int:
        """The id of the newest steer (0 for none): it changes whenever a steer is added."""
        row = self.db.query("SELECT COALESCE(MAX(id), 0) FROM steering")
        return int(row[0][0])

    def all(self) -> list[Steer]:
        """Every steer, oldest first, with its tracks."""
        with self.db.read_transaction():
            heads = self.db.query(
                "SELECT id, action, label, steered_at FROM steering ORDER BY id")
            members = self.db.query(
                "SELECT steering_id, track_id FROM steering_tracks ORDER BY steering_id")
        tracks: dict[int, set[int]] = {}
        for steer_id, track_id in members:
            tracks.setdefault(steer_id, set()).add(track_id)
        return [Steer(r[0], r[1], r[2], r[3], frozenset(tracks.get(r[0], ())))
                for r in heads]
