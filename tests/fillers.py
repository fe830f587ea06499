"""Fillers for the queue's tests: the auto part without the recommender behind it."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from player.changes import Changes
from player.queue import FillContext, Pick


class PoolFiller:
    """Picks at random from *pool* (track ids; 100–139 by default), never an id already
    ahead or playing. Follows changes at once; remembers every context it was asked with."""

    def __init__(self, seed: int = 0, pool: Sequence[int] = range(100, 140)) -> None:
        self.rng = random.Random(seed)
        self.pool = list(pool)
        self.calls: list[FillContext] = []
        self.followed: list[Changes] = []
        self.discover = 0.0
        self.ready = True

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        self.calls.append(context)
        taken = {*context.queued, context.current}
        free = [t for t in self.pool if t not in taken]
        self.rng.shuffle(free)
        return [Pick(t, f"pick {t}") for t in free[:count]]

    def follow(self, changes: Changes, then: Callable[[], None] | None = None) -> None:
        self.followed.append(changes)
        if then is not None:
            then()

    def set_discover(self, share: float) -> None:
        self.discover = share
