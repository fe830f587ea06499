"""The taste model: what the listener thinks of each track, judged or not.

Every judgement is a preference signal: stars (strongest), completed plays (mildly
positive), early skips (negative, adding up when repeated) and auto picks removed from the
queue (mildly negative). Older signals fade with a half-life. A track's signals add up to
evidence E and its preference is tanh(E), in -1..1.

A track nobody has judged gets a predicted preference from its nearest judged neighbours
in feature space (k-NN regression, weighted by closeness), shrunk towards 0 by a prior so
that far or few neighbours predict little. The confidence (0..1) says how much the
neighbours back the prediction. A skip pushes its neighbours *down*: negative preference
propagates, it never makes nearby tracks more likely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from sklearn.neighbors import NearestNeighbors

DAY = 86_400.0


class SignalKind(StrEnum):
    RATING = "rating"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Signal:
    """One judgement of one track. *value* is stars 1–5 for a rating, unused otherwise.
    *at* is when it happened, in Unix seconds."""

    track_id: int
    kind: SignalKind
    at: float
    value: int = 0


#: Evidence a rating of 1..5 stars gives. Three stars is a shrug, not a dislike.
STAR_EVIDENCE = {1: -3.0, 2: -1.5, 3: 0.2, 4: 1.5, 5: 3.0}
#: Evidence per event of the implicit kinds.
EVENT_EVIDENCE = {SignalKind.COMPLETED: 0.35, SignalKind.SKIPPED: -0.6, SignalKind.REMOVED: -0.4}
#: Half-life of each kind in days: an explicit rating is remembered longest.
HALF_LIFE_DAYS = {
    SignalKind.RATING: 730.0,
    SignalKind.COMPLETED: 120.0,
    SignalKind.SKIPPED: 90.0,
    SignalKind.REMOVED: 60.0,
}


def preferences(signals: Sequence[Signal], now: float) -> dict[int, float]:
    """track id → preference in -1..1: tanh of the track's summed, faded evidence.

    A rating gives STAR_EVIDENCE for its stars, every other kind EVENT_EVIDENCE; each
    fades by half every HALF_LIFE_DAYS of its kind.
    """
    if not signals:
        return {}
    ids = np.fromiter((s.track_id for s in signals), np.int64, len(signals))
    base = np.fromiter((STAR_EVIDENCE.get(s.value, 0.0) if s.kind is SignalKind.RATING
                        else EVENT_EVIDENCE[s.kind] for s in signals), np.float64, len(signals))
    age_days = np.fromiter((max(0.0, now - s.at) for s in signals), np.float64,
                           len(signals)) / DAY
    half = np.fromiter((HALF_LIFE_DAYS[s.kind] for s in signals), np.float64, len(signals))
    evidence = base * 0.5 ** (age_days / half)
    unique, inverse = np.unique(ids, return_inverse=True)
    total = np.bincount(inverse, weights=evidence)
    keep = np.abs(total) > 1e-6
    return dict(zip(unique[keep].tolist(), np.tanh(total[keep]).tolist(), strict=True))


#: The least closeness weight (exp(-(d / scale)²); about two neighbourhood radii) at which a
#: judged track counts as backing a prediction.
BACKER_WEIGHT = 0.02


@dataclass(frozen=True)
class Prediction:
    """Predicted preference for each asked point, with how much to trust it and who backs
    it: *backer* holds the id of the judged track that pulled the prediction up most (-1
    when none did: a reason never cites a track the listener dislikes as one they like)."""

    preference: np.ndarray
    confidence: np.ndarray
    backer: np.ndarray


def neighbourhood_scale(points: np.ndarray, *, k: int = 10, queries: int = 256,
                        reference: int = 20_000, seed: int = 7) -> float:
    """The library's neighbourhood radius: median distance from a track to its k-th
    nearest track. Closeness to a judged track is measured against it, so a judgement
    reaches its own neighbourhood and not the whole library.

    Sampled (*queries* tracks against at most *reference* tracks, with k scaled to the
    sample) so it costs tens of milliseconds even at a million tracks.
    """
    n = len(points)
    if n < 2:
        return 1.0
    rng = np.random.default_rng(seed)
    ref = points if n <= reference else points[rng.choice(n, size=reference, replace=False)]
    kk = max(1, min(len(ref) - 1, round(k * len(ref) / n)))
    picks = ref[rng.choice(len(ref), size=min(queries, len(ref)), replace=False)]
    nn = NearestNeighbors(n_neighbors=kk + 1, algorithm="brute").fit(ref)
    dist, _ = nn.kneighbors(picks)
    value = float(np.median(dist[:, kk]))
    return value if value > 1e-9 else 1.0


class TasteModel:
    """k-NN regression from the judged tracks to any point of the taste space.

    *judged_ids*, *judged_points* and *judged_prefs* describe the judged tracks that have a
    point. A neighbour at distance d weighs exp(-(d / scale)²), *scale* being the library's
    neighbourhood radius (see neighbourhood_scale); the *prior* shrinks predictions that
    few or distant neighbours back towards 0, and sets the confidence.
    """

    def __init__(self, judged_ids: np.ndarray, judged_points: np.ndarray,
                 judged_prefs: np.ndarray, scale: float, *, k: int = 8,
                 prior: float = 0.4) -> None:
        self.judged_ids = np.asarray(judged_ids, dtype=np.int64)
        self.judged_prefs = np.asarray(judged_prefs, dtype=np.float64)
        self.prior = prior
        self.scale = scale
        self._nn: NearestNeighbors | None = None
        if len(self.judged_ids):
            self._nn = NearestNeighbors(n_neighbors=min(k, len(self.judged_ids)),
                                        algorithm="brute").fit(judged_points)

    @property
    def has_judgements(self) -> bool:
        return self._nn is not None

    def influences(self, point: np.ndarray) -> list[tuple[int, float, float]]:
        """(judged track id, closeness weight 0..1, its preference) of the judged tracks
        that move the prediction at *point*, strongest pull first."""
        if self._nn is None:
            return []
        dist, idx = self._nn.kneighbors(point.reshape(1, -1))
        weight = np.exp(-((dist[0] / self.scale) ** 2))
        found = [(int(self.judged_ids[i]), float(w), float(self.judged_prefs[i]))
                 for i, w in zip(idx[0], weight, strict=True) if w >= BACKER_WEIGHT]
        return sorted(found, key=lambda f: -abs(f[1] * f[2]))

    def predict(self, points: np.ndarray) -> Prediction:
        """Predicted preference (−1..1) and confidence (0..1) at each of *points*."""
        n = len(points)
        if self._nn is None or n == 0:
            return Prediction(np.zeros(n), np.zeros(n), np.full(n, -1, dtype=np.int64))
        dist, idx = self._nn.kneighbors(points)
        weight = np.exp(-((dist / self.scale) ** 2))
        contrib = weight * self.judged_prefs[idx]
        total = weight.sum(axis=1)
        pref = contrib.sum(axis=1) / (total + self.prior)
        conf = total / (total + self.prior)
        best = np.argmax(contrib, axis=1)
        rows = np.arange(n)
        # a judged track far beyond the neighbourhood pulls by a hair: it backs nothing
        pulls = (contrib[rows, best] > 0) & (weight[rows, best] >= BACKER_WEIGHT)
        backer = np.where(pulls, self.judged_ids[idx[rows, best]], -1)
        return Prediction(pref, conf, backer)
