"""The listener's steering, as the picks read it: per track, more or less, and since when
what was learned from it is forgotten.

Steers (player/store/steering.py) name tracks, so they outlive a redraw of the regions. The
newest more/less/clear steer naming a track decides its *bias*; every "forget" moves the
track's *forgotten_at* mark, and judgements made up to then no longer teach the taste model,
nor do plays made up to then count against its novelty: the region starts afresh. The
plays stay in the history (play counts, export, reasons), and the recency rules still see
them. The one-star rule is not learned, so it holds even for a forgotten track.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from player.store.steering import Steer
from recommender.catalog import Catalog
from recommender.taste import Signal

#: Bias of each more/less action, in the units of a pick's score (a liked track scores
#: up to 3): "more" makes a region's tracks about e^(1.2/0.3) ≈ 55 times as likely at
#: the default temperature, "less" as much less likely.
BIAS = {"more": 1.2, "less": -1.2, "clear": 0.0}


@dataclass(frozen=True)
class Steering:
    """Per catalog row: *bias* (score added to a pick), *label* (the steer that set it,
    -1 for none, an index into *labels*) and *forgotten_at* (-inf: never forgotten)."""

    mark: int  # the newest steer read
    bias: np.ndarray
    label: np.ndarray
    labels: tuple[str, ...]
    forgotten_at: np.ndarray
    forgotten: dict[int, float]  # track id → forgotten at, for signals

    @classmethod
    def none(cls, catalog: Catalog) -> Steering:
        n = len(catalog)
        return cls(0, np.zeros(n), np.full(n, -1, dtype=np.int64), (),
                   np.full(n, -math.inf), {})

    @classmethod
    def of(cls, steers: Sequence[Steer], catalog: Catalog, mark: int) -> Steering:
        """The steering that *steers* (oldest first) add up to over *catalog*."""
        steering = cls.none(catalog)
        bias, label, forgotten_at = steering.bias, steering.label, steering.forgotten_at
        labels: list[str] = []
        forgotten: dict[int, float] = {}
        for steer in steers:
            rows = catalog.rows(steer.track_ids)
            if steer.action == "forget":
                for track_id in steer.track_ids:
                    forgotten[track_id] = max(forgotten.get(track_id, -math.inf), steer.at)
                if len(rows):
                    forgotten_at[rows] = np.maximum(forgotten_at[rows], steer.at)
                continue
            if len(rows):
                bias[rows] = BIAS[steer.action]
                label[rows] = len(labels) if steer.action != "clear" else -1
            labels.append(steer.label)
        return cls(mark, bias, label, tuple(labels), forgotten_at, forgotten)

    def keeps(self, signal: Signal) -> bool:
        """False for a judgement the listener asked Riffle to forget."""
        return signal.at > self.forgotten.get(signal.track_id, -math.inf)

    def label_of(self, row: int) -> str | None:
        """The name of the region the listener asked more or less of, for *row*."""
        at = int(self.label[row])
        return self.labels[at] if at >= 0 else None
