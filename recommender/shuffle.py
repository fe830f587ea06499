"""The auto-shuffle: the queue's filler, keeping what it knows current and picking from it.

`AutoShuffle` follows what changes in the library and the listener's judgements by building
a new Snapshot (recommender/snapshot.py) through the core's Work, off the window's thread,
and swapping it in whole. `fill` picks from the snapshot it has (recommender/picking.py:
hard rules, scored sampling, a reason per pick) and reads nothing else.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import ThreadpoolController

from player import settings as s
from player.changes import Changes
from player.queue_types import FillContext, Pick, Why
from player.store import Store
from player.work import InlineWork, Work
from recommender.picking import Fill

if TYPE_CHECKING:
    from recommender.snapshot import Snapshot

logger = logging.getLogger(__name__)

@dataclass
class ShuffleConfig:
    """The knobs (see player/settings.py for the user-facing ones)."""

    recent_plays: int = 50
    recent_hours: float = 12.0
    discover: float = 0.15
    temperature: float = 0.2
    pool: int = 300
    flow_neighbours: int = 50

    @classmethod
    def from_settings(cls, settings: s.Settings) -> ShuffleConfig:
        return cls(recent_plays=settings.get(s.RECENT_PLAYS),
                   recent_hours=settings.get(s.RECENT_HOURS),
                   discover=settings.get(s.DISCOVER))


class AutoShuffle:
    """Implements player.queue_types.Filler over snapshots of the library and the taste.

    `follow(changes)` builds a new snapshot through *work* (off the owner's thread in the
    window) when the changes concern the shuffle, and swaps it in whole; `fill` only reads
    the snapshot it has. Until the first snapshot arrives, `fill` picks nothing.
    """

    def __init__(self, work: Work, config: ShuffleConfig | None = None, *,
                 seed: int | None = None, clock: Callable[[], float] = time.time,
                 cache_path: Path | None = None) -> None:
        self._work = work
        self.config = config or ShuffleConfig()
        self._clock = clock
        self._cache_path = cache_path
        self._rng = np.random.default_rng(seed)
        self._pyrng = random.Random(seed)
        self._threads: ThreadpoolController | None = None
        self._snapshot: Snapshot | None = None
        self._building = False
        self._again = False
        self._waiting: list[Callable[[], None]] = []

    @classmethod
    def over(cls, store: Store, config: ShuffleConfig | None = None, *,
             seed: int | None = None, clock: Callable[[], float] = time.time,
             cache_path: Path | None = None) -> AutoShuffle:
        """An auto-shuffle that reads *store* on the calling thread, its first snapshot
        already built (the command line, tests and benchmarks)."""
        shuffle = cls(InlineWork(store), config, seed=seed, clock=clock,
                      cache_path=cache_path)
        shuffle.follow(Changes.everything())
        return shuffle

    @property
    def snapshot(self) -> Snapshot | None:
        """What the shuffle knows now (None until the first snapshot is built)."""
        return self._snapshot

    @property
    def ready(self) -> bool:
        """True once a snapshot is in and no newer one is being built: picks now reflect
        every change the shuffle was told of."""
        return self._snapshot is not None and not self._building

    def set_discover(self, share: float) -> None:
        """How adventurous the picks are: the share (0–1) that explores music far from
        anything judged. Takes effect from the next fill."""
        self.config.discover = min(1.0, max(0.0, float(share)))

    def follow(self, changes: Changes, then: Callable[[], None] | None = None) -> None:
        """Take *changes* into account: a new snapshot is built when they concern the
        shuffle; *then* is called (on the owner's thread) once picks reflect them."""
        rules_changed = False
        for key, value in changes.settings.items():
            if key == s.DISCOVER.key:
                self.set_discover(value)
            elif key == s.RECENT_PLAYS.key:
                self.config.recent_plays, rules_changed = int(value), True
            elif key == s.RECENT_HOURS.key:
                self.config.recent_hours, rules_changed = float(value), True
        needed = (self._snapshot is None or changes.judgements or changes.library
                  or changes.steering or rules_changed)
        if then is not None:
            self._waiting.append(then)
        if not needed and not self._building:
            self._call_waiting()
            return
        if needed and self._building:
            self._again = True
            return
        if needed:
            self._start()

    # -- building snapshots ----------------------------------------------------------------

    def _start(self) -> None:
        self._building, self._again = True, False
        previous = self._snapshot
        recent_plays, recent_hours = self.config.recent_plays, self.config.recent_hours
        now = self._clock()
        cache_path = self._cache_path

        def build(store: Store) -> Snapshot:
            # scikit-learn and the snapshot maths load here, on the worker, not in the
            # window's thread (a second to import)
            from recommender.snapshot import build_snapshot

            with ThreadpoolController().limit(limits=1):
                return build_snapshot(store, previous, recent_plays=recent_plays,
                                      recent_hours=recent_hours, now=now,
                                      cache_path=cache_path)

        self._work.read(build, self._built, failed=self._build_failed, name="auto-shuffle")

    def _built(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._finish()

    def _build_failed(self, exc: BaseException) -> None:
        logger.warning("the auto-shuffle could not read the library: %s", exc)
        self._finish()

    def _finish(self) -> None:
        self._building = False
        if self._again:
            self._start()
            return
        self._call_waiting()

    def _call_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            try:
                then()
            except Exception:
                logger.exception("acting on a new auto-shuffle snapshot failed")

    # -- the Filler protocol ---------------------------------------------------------------

    def explain(self, track_id: int, context: FillContext) -> Why | None:
        """Why *track_id* would or would not be the next pick after *context*, now (None
        until the first snapshot is built). Keeps nothing: safe on a worker thread."""
        snap = self._snapshot
        if snap is None:
            return None
        from recommender.why import explain

        return explain(snap, self.config, track_id, context, self._clock())

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        """Up to *count* picks to follow `context.queued`, each with its reason.

        Reads only the current snapshot. Runs single-threaded: the arrays are small, and
        native thread pools only fight the analysis workers for the cores.
        """
        snap = self._snapshot
        if count <= 0 or snap is None:
            return []
        if self._threads is None:
            self._threads = ThreadpoolController()  # finding the native pools costs ms: once
        with self._threads.limit(limits=1):
            return Fill(snap, self.config, self._rng, self._pyrng, self._clock()
                        ).run(count, context)
