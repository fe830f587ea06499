"""The play log written through the one writer, so the owner's thread never waits on it.

`PlayLogWriter` is the PlayTracker's sink in the player (player/history.py PlaySink): each
row change is queued to `Work.write` in order, so the window's thread never blocks on the
database lock, and a write that finds the database busy is tried again (player/work.py)
rather than lost. The tracker gets a play id of its own at once; the writer maps it to the
row id when the row is written (writes run one after another, so the row exists by then).
"""

from __future__ import annotations

import itertools
import logging
import threading

from player.models import PlayOutcome, PlaySource
from player.store import Store
from player.work import Work

logger = logging.getLogger(__name__)


class PlayLogWriter:
    """A PlaySink that writes through *work*. Not thread-safe: one owner thread calls it."""

    def __init__(self, work: Work) -> None:
        self._work = work
        self._ids = itertools.count(1)
        #: our play id → row id; written and read only on the writer.
        self._rows: dict[int, int] = {}
        #: our play id → the newest seconds heard, so a late flush writes the latest value.
        self._listened: dict[int, float] = {}
        self._lock = threading.Lock()

    def start(self, track_id: int, *, duration: float | None, source: PlaySource,
              started_at: float | None = None, learn: bool = True) -> int:
        play_id = next(self._ids)

        def write(store: Store) -> None:
            self._rows[play_id] = store.plays.start(track_id, duration=duration,
                                                    source=source, started_at=started_at,
                                                    learn=learn)

        self._work.write(write, name="log a play")
        return play_id

    def set_learn(self, play_id: int, learn: bool) -> None:
        def write(store: Store) -> None:
            row = self._rows.get(play_id)
            if row is not None:
                store.plays.set_learn(row, learn)

        self._work.write(write, name="mark a play")

    def update_listened(self, play_id: int, listened: float) -> None:
        with self._lock:
            waiting = play_id in self._listened
            self._listened[play_id] = listened
        if waiting:
            return  # a flush is queued already: it writes this newer value

        def write(store: Store) -> None:
            with self._lock:
                value = self._listened.pop(play_id, listened)
            row = self._rows.get(play_id)
            if row is not None:
                store.plays.update_listened(row, value)

        self._work.write(write, name="log seconds heard")

    def finish(self, play_id: int, *, listened: float, outcome: PlayOutcome,
               ended_at: float | None = None, reason: str | None = None) -> None:
        def write(store: Store) -> None:
            row = self._rows.pop(play_id, None)
            if row is None:
                logger.warning("a play ended whose start was never written")
                return
            store.plays.finish(row, listened=listened, outcome=outcome, ended_at=ended_at,
                               reason=reason)

        self._work.write(write, name="log the end of a play")

    def close_unfinished(self, reason: str) -> int | None:
        """Plays left open by a crash are closed by the writer; how many is logged there."""
        def write(store: Store) -> None:
            closed = store.plays.close_unfinished(reason)
            if closed:
                logger.info("closed %d play(s) cut off by an earlier crash", closed)

        self._work.write(write, name="close interrupted plays")
        return None
