"""The taste model: what the listener thinks of each track, judged or not.

Every judgement is a preference signal: stars (strongest), completed plays (mildly
positive), early skips (negative, adding up when repeated) and auto picks removed from the
queue (mildly negative). Older signals fade with a half-life. A track's signals add up to
evidence E and its preference is tanh(E), in -1..1.

A track nobody has judged gets a predicted preference from its nearest judged neighbours
in the taste space (k-NN regression, weighted by closeness), shrunk towards 0 by a prior so
that far or few neighbours predict little. Liking and disliking reach differently: what
the listener likes lifts only what sounds much like it (LIKE_REACH), what they dislike
pushes away a wider neighbourhood (DISLIKE_REACH), so a track near a loved one *and* near
a hated one is not a safe pick, and a region the listener has turned down stays down. The
confidence (0..1) says how much judged tracks surround the prediction. A skip pushes its
neighbours *down*: negative preference propagates, it never makes nearby tracks more
likely.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np

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


#: The least closeness weight (exp(-(d / (reach · scale))²): about two reaches away) at
#: which a judged track counts as backing a prediction.
BACKER_WEIGHT = 0.02


@dataclass(frozen=True)
class Prediction:
    """Predicted preference for each asked point, with how much to trust it and who backs
    it: *backer* holds the id of the judged track that pulled the prediction up most (-1
    when none did: a reason never cites a track the listener dislikes as one they like)."""

    preference: np.ndarray
    confidence: np.ndarray
    backer: np.ndarray


#: Judged tracks a prediction listens to.
NEIGHBOURS = 8
#: Closeness to a liked track weighs exp(-(d / (LIKE_REACH · scale))²), to a disliked one
#: the same with DISLIKE_REACH, *scale* being how far judgements reach (judged_reach); each
#: side's sum is shrunk by its prior.
LIKE_REACH = 0.35
LIKE_PRIOR = 0.2
DISLIKE_REACH = 1.0
DISLIKE_PRIOR = 0.4

#: Distances between rows of the taste space: (rows_a, rows_b) → (len(a), len(b)) matrix.
Distances = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Rows whose predictions are computed at a time (bounds the distance matrix's memory).
_CHUNK = 1024
#: Past this many judged tracks, a row's nearest ones are looked for among the SHORTLIST
#: nearest by plain (not hub-free) distance: milliseconds with thousands of judgements.
SHORTLIST = 48


class Shortlist(Protocol):
    """What the taste model needs to shortlist: Euclidean points of rows (whose plain
    distances approximate the real ones), and the real distances from each of m rows to
    its own c candidate rows, given their plain squared distances ((m,), (m, c) and
    (m, c) → (m, c))."""

    def points(self, rows: np.ndarray) -> np.ndarray: ...

    def refine(self, rows_a: np.ndarray, rows_b: np.ndarray, squared: np.ndarray
               ) -> np.ndarray: ...


def judged_reach(distances: Distances, rows: np.ndarray, judged_rows: np.ndarray, *,
                 queries: int = 256, seed: int = 7) -> float:
    """How far judgements reach: the median distance from a track (a sample of *queries*
    of *rows*, those with a point) to its nearest judged track.

    Closeness is measured against it, so it follows how densely the listener has judged:
    a few judgements in a large library each speak for a wide neighbourhood, many
    judgements each for a small one (as a k-NN regression's bandwidth should). Tens of
    milliseconds even with thousands of judgements.
    """
    rows = np.asarray(rows, dtype=np.int64)
    judged_rows = np.asarray(judged_rows, dtype=np.int64)
    if len(rows) < 2 or not len(judged_rows):
        return 1.0
    rng = np.random.default_rng(seed)
    picks = rows if len(rows) <= queries else rng.choice(rows, size=queries, replace=False)
    matrix = np.array(distances(picks, judged_rows), dtype=np.float64)
    matrix[picks[:, None] == judged_rows[None, :]] = np.inf  # a judged track is not its own
    nearest = matrix.min(axis=1)
    nearest = nearest[np.isfinite(nearest)]
    value = float(np.median(nearest)) if len(nearest) else 1.0
    return value if 1e-9 < value < np.inf else 1.0


class TasteModel:
    """k-NN regression from the judged tracks to any row of the taste space.

    *judged_rows*, *judged_ids* and *judged_prefs* describe the judged tracks that have a
    point, *distances* measures between rows, *scale* is how far judgements reach (see
    judged_reach). Each of a row's NEIGHBOURS nearest judged tracks, at
    distance d, weighs w = exp(-(d / (reach · scale))²) twice: with LIKE_REACH for the
    lift, with DISLIKE_REACH for the push. The prediction is

        Σ w_like · max(pref, 0) / (Σ w_like + LIKE_PRIOR)
        + Σ w_dislike · min(pref, 0) / (Σ w_dislike + DISLIKE_PRIOR)

    (every neighbour counts in both sums of weights, so a disliked track close by also
    tempers the lift). The confidence is Σ w_dislike / (Σ w_dislike + DISLIKE_PRIOR): how
    much judged ground surrounds the row.
    """

    def __init__(self, judged_rows: np.ndarray, judged_ids: np.ndarray,
                 judged_prefs: np.ndarray, distances: Distances, scale: float, *,
                 shortlist: Shortlist | None = None) -> None:
        self.judged_rows = np.asarray(judged_rows, dtype=np.int64)
        self.judged_ids = np.asarray(judged_ids, dtype=np.int64)
        self.judged_prefs = np.asarray(judged_prefs, dtype=np.float64)
        self.distances = distances
        self.scale = scale
        self._shortlist = shortlist
        self._judged_points: np.ndarray | None = None
        if shortlist is not None and len(self.judged_rows) > SHORTLIST:
            points = np.asarray(shortlist.points(self.judged_rows), dtype=np.float32)
            self._judged_points = points
            self._judged_norms = np.einsum("ij,ij->i", points, points)

    @property
    def has_judgements(self) -> bool:
        return len(self.judged_rows) > 0

    def _nearest(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lift weights, push weights, judged indices) of each row's nearest judged
        tracks."""
        if self._judged_points is not None and self._shortlist is not None:
            # Many judgements: plain distances to all of them (one matrix product) pick a
            # shortlist, which is then measured exactly.
            q = np.asarray(self._shortlist.points(rows), dtype=np.float32)
            plain = self._judged_norms[None, :] - 2.0 * (q @ self._judged_points.T)
            listed = np.argpartition(plain, SHORTLIST - 1, axis=1)[:, :SHORTLIST]
            squared = np.take_along_axis(plain, listed, axis=1) \
                + np.einsum("ij,ij->i", q, q)[:, None]
            d = np.asarray(self._shortlist.refine(rows, self.judged_rows[listed], squared),
                           dtype=np.float64)
        else:
            listed = None
            d = np.asarray(self.distances(rows, self.judged_rows), dtype=np.float64)
        k = min(NEIGHBOURS, d.shape[1])
        if k < d.shape[1]:
            idx = np.argpartition(d, k - 1, axis=1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(k), (len(rows), k))
        near = np.take_along_axis(d, idx, axis=1)
        if listed is not None:
            idx = np.take_along_axis(listed, idx, axis=1)
        like = np.exp(-((near / (LIKE_REACH * self.scale)) ** 2))
        dislike = np.exp(-((near / (DISLIKE_REACH * self.scale)) ** 2))
        return like, dislike, idx

    def influences(self, row: int) -> list[tuple[int, float, float]]:
        """(judged track id, closeness weight 0..1, its preference) of the judged tracks
        that move the prediction at *row*, strongest pull first. A liked track's closeness
        is measured with LIKE_REACH, a disliked one's with DISLIKE_REACH."""
        if not self.has_judgements:
            return []
        like, dislike, idx = self._nearest(np.array([row]))
        found = []
        for i, wl, wd in zip(idx[0], like[0], dislike[0], strict=True):
            pref = float(self.judged_prefs[i])
            weight = float(wl if pref > 0 else wd)
            if weight >= BACKER_WEIGHT and pref != 0.0:
                found.append((int(self.judged_ids[i]), weight, pref))
        return sorted(found, key=lambda f: -abs(f[1] * f[2]))

    def predict(self, rows: np.ndarray) -> Prediction:
        """Predicted preference (−1..1) and confidence (0..1) at each of *rows*."""
        rows = np.asarray(rows, dtype=np.int64)
        n = len(rows)
        pref, conf = np.zeros(n), np.zeros(n)
        backer = np.full(n, -1, dtype=np.int64)
        if not self.has_judgements:
            return Prediction(pref, conf, backer)
        for start in range(0, n, _CHUNK):
            part = slice(start, min(n, start + _CHUNK))
            like, dislike, idx = self._nearest(rows[part])
            prefs = self.judged_prefs[idx]
            lifted = like * np.maximum(prefs, 0.0)
            pushed = dislike * np.minimum(prefs, 0.0)
            total = dislike.sum(axis=1)
            pref[part] = (lifted.sum(axis=1) / (like.sum(axis=1) + LIKE_PRIOR)
                          + pushed.sum(axis=1) / (total + DISLIKE_PRIOR))
            conf[part] = total / (total + DISLIKE_PRIOR)
            best = np.argmax(lifted, axis=1)
            at = np.arange(len(best))
            # a liked track far beyond the neighbourhood pulls by a hair: it backs nothing
            pulls = (lifted[at, best] > 0) & (like[at, best] >= BACKER_WEIGHT)
            backer[part] = np.where(pulls, self.judged_ids[idx[at, best]], -1)
        return Prediction(pref, conf, backer)
