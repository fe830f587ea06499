"""The queue_entries table: the play queue as it stood, so it survives a restart.

Rows are read back part by part, in id order within a part. player/queue_saving.py keeps
the rows in step with the queue by deleting and inserting only what changed (`apply`); the
position of the current track is updated on its own every few seconds while it plays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

    def apply(self, deletes: Sequence[int], inserts: Sequence[tuple[int, SavedEntry]], *,
              expected: int | None = None,
              whole: Callable[[], Sequence[tuple[int, SavedEntry]]] | None = None) -> None:
        """Delete the rows with ids *deletes*, then insert (row id, entry) *inserts*, in
        one transaction.

        With *expected* (how many rows the writer believes the table holds) and *whole*
        (every row of the queue as it should be): if the table holds another number of
        rows (tracks deleted with their rows, another program wrote), it is written afresh
        from *whole* instead, so it never drifts from the queue.
        """
        with self.db.transaction():
            if expected is not None and whole is not None and self.count() != expected:
                self.db.execute("DELETE FROM queue_entries")
                deletes, inserts = (), whole()
            self.db.executemany("DELETE FROM queue_entries WHERE id = ?",
                                ((row,) for row in deletes))
            # An entry of a track deleted meanwhile is dropped, as its row would have been.
            self.db.executemany(
                "INSERT OR REPLACE INTO queue_entries "
                "(id, part, track_id, source, reason, position_ms) SELECT ?, ?, ?, ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM tracks WHERE id = ?)",
                ((row, e.part, e.track_id, e.source, e.reason, int(e.position_ms), e.track_id)
                 for row, e in inserts),
            )

    def count(self) -> int:
        return int(self.db.query("SELECT count(*) FROM queue_entries")[0][0])

    def id_bounds(self) -> tuple[int, int]:
        """The lowest and highest row id in use ((1, 0) when there is none)."""
        low, high = self.db.query("SELECT min(id), max(id) FROM queue_entries")[0]
        return (1, 0) if low is None else (int(low), int(high))

    def save_position(self, position_ms: int) -> None:
        """Remember how far into the current track playback is, in milliseconds."""
        self.db.execute("UPDATE queue_entries SET position_ms = ? WHERE part = 'current'",
                        (int(position_ms),))

    def load(self) -> list[SavedEntry]:
        """The saved queue, part by part in PARTS order; tracks deleted since are gone."""
        return [saved for _row, saved in self.load_rows()]

    def load_rows(self) -> list[tuple[int, SavedEntry]]:
        """(row id, entry) of the saved queue, part by part in PARTS order, each part in
        row id order."""
        rows = self.db.query(
            "SELECT id, part, track_id, source, reason, position_ms FROM queue_entries "
            "ORDER BY id"
        )
        entries = [(r[0], SavedEntry(r[1], r[2], r[3], r[4], r[5])) for r in rows]
        return sorted(entries, key=lambda pair: PARTS.index(pair[1].part))

    def clear(self) -> None:
        self.db.execute("DELETE FROM queue_entries")
