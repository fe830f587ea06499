"""The queue_entries table: the play queue as it stood, so it survives a restart.

The whole queue is written at once (it is short: a bounded history, the current track, what
the user queued and a handful of auto picks); only the position of the current track is
updated on its own, every few seconds while it plays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from player.store.database import Database

#: The parts of a saved queue, in the order they are written.
PARTS = ("history", "cycle", "current", "user", "auto")


@dataclass(frozen=True, slots=True)
class SavedEntry:
    """One row of the saved queue. *position_ms* only means something for 'current'."""

    part: str
    track_id: int
    source: str = "user"
    reason: str | None = None
    position_ms: int = 0


class QueueStateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, entries: Sequence[SavedEntry]) -> None:
        """Replace the saved queue with *entries* (kept in their order within each part)."""
        with self.db.transaction():
            self.db.execute("DELETE FROM queue_entries")
            self.db.executemany(
                "INSERT INTO queue_entries (part, track_id, source, reason, position_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                ((e.part, e.track_id, e.source, e.reason, int(e.position_ms)) for e in entries),
            )

    def save_position(self, position_ms: int) -> None:
        """Remember how far into the current track playback is, in milliseconds."""
        self.db.execute("UPDATE queue_entries SET position_ms = ? WHERE part = 'current'",
                        (int(position_ms),))

    def load(self) -> list[SavedEntry]:
        """The saved queue, part by part in PARTS order; tracks deleted since are gone."""
        rows = self.db.query(
            "SELECT part, track_id, source, reason, position_ms FROM queue_entries ORDER BY id"
        )
        entries = [SavedEntry(r[0], r[1], r[2], r[3], r[4]) for r in rows]
        return sorted(entries, key=lambda e: PARTS.index(e.part))

    def clear(self) -> None:
        self.db.execute("DELETE FROM queue_entries")
