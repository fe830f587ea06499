"""Mutual proximity: distances that no "hub" track can dominate.

In a space of many dimensions a few tracks lie close to almost everything (hubs) and come
up as a neighbour of half the library, while others are nobody's neighbour. Mutual
proximity (Schnitzer et al., 2012) rescales each distance by how unusual it is *for both
tracks*: d(a, b) becomes the probability that a random track is nearer to a than b is,
or nearer to b than a is. A hub, close to everything, gains nothing from being close.

Each track's distances to the library are summarised by their mean and spread, measured
against REFERENCES fixed tracks picked at random (so a track added later is measured as
the first ones were), and modelled as normal (its survival function approximated by a
logistic curve, within 0.01). Then

    S_a(d) = P(a random track is farther from a than d)
    hub-free(a, b) = (1 − S_a(d) · S_b(d) / (S_a(0) · S_b(0))) / RANDOM_PAIR

which is symmetric, 0 for identical points, grows with d, and is about 1 for two tracks
picked at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Tracks every distance is compared with.
REFERENCES = 256
#: The unscaled value of a pair at both tracks' mean distance (1 − ½ · ½).
RANDOM_PAIR = 0.75
#: The logistic curve 1 / (1 + exp(K·z)) follows the normal survival function.
_K = 1.702
_CHUNK = 8192


def euclidean(query: np.ndarray, points: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """Euclidean distances from each of (m, d) *query* to each of (n, d) *points* whose
    squared norms are *norms*: (m, n) float64 (or (n,) for one query of shape (d,))."""
    q = np.asarray(query, dtype=np.float32)
    products = points @ q.T
    q_norms = np.einsum("...i,...i->...", q, q)
    squared = (norms[:, None] if q.ndim == 2 else norms) - 2.0 * products
    squared = squared.T + q_norms[:, None] if q.ndim == 2 else squared + q_norms
    return np.sqrt(np.maximum(squared, 0.0, dtype=np.float64))


def _survival(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(_K * z))


@dataclass(frozen=True)
class ProximityStats:
    """Per indexed point, the mean and spread of its distances to the reference points."""

    references: np.ndarray  # (REFERENCES, d) float32
    mean: np.ndarray  # (n,) float64
    spread: np.ndarray  # (n,) float64
    zero: np.ndarray  # (n,) S(0): the survival at distance 0

    @classmethod
    def fit(cls, points: np.ndarray, *, references: int = REFERENCES,
            seed: int = 3) -> ProximityStats:
        """Statistics of every point of (n, d) *points* against a fixed random sample."""
        rng = np.random.default_rng(seed)
        count = min(references, len(points))
        chosen = np.sort(rng.choice(len(points), count, replace=False)) if count \
            else np.zeros(0, dtype=np.int64)
        refs = np.ascontiguousarray(points[chosen], dtype=np.float32)
        empty = cls(refs, np.zeros(0), np.zeros(0), np.zeros(0))
        return empty.extended(points)

    def measure(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mean, spread) of the distances from each of *points* to the references."""
        n = len(points)
        mean, spread = np.ones(n), np.ones(n)
        if len(self.references) < 2:
            return mean, spread
        ref_norms = np.einsum("ij,ij->i", self.references, self.references)
        for start in range(0, n, _CHUNK):
            block = euclidean(points[start:start + _CHUNK], self.references, ref_norms)
            mean[start:start + len(block)] = block.mean(axis=1)
            spread[start:start + len(block)] = block.std(axis=1)
        floor = max(float(np.median(spread)) * 1e-3, 1e-9) if n else 1e-9
        return mean, np.maximum(spread, floor)

    def extended(self, points: np.ndarray, rows: np.ndarray | None = None
                 ) -> ProximityStats:
        """These statistics with those of *points* set at *rows* (appended when None; rows
        may also reach past the end, to append)."""
        mean, spread = self.measure(points)
        zero = _survival(-mean / spread)
        if rows is None:
            return ProximityStats(self.references, np.concatenate([self.mean, mean]),
                                  np.concatenate([self.spread, spread]),
                                  np.concatenate([self.zero, zero]))
        size = max(len(self.mean), int(rows.max()) + 1 if len(rows) else 0)
        arrays = []
        for old, new, fill in ((self.mean, mean, 1.0), (self.spread, spread, 1.0),
                               (self.zero, zero, 1.0)):
            grown = np.full(size, fill)
            grown[:len(old)] = old
            grown[rows] = new
            arrays.append(grown)
        return ProximityStats(self.references, *arrays)

    def take(self, rows: np.ndarray | slice | int) -> Side:
        """The statistics of points *rows*, for rescale."""
        return Side(self.mean[rows], self.spread[rows], self.zero[rows])

    def hub_free(self, distances: np.ndarray, a: int | np.ndarray,
                 b: np.ndarray | slice) -> np.ndarray:
        """The hub-free distances of Euclidean *distances* between points *a* (an index, or
        an (m,) array for an (m, n) matrix) and points *b* (n indices or a slice)."""
        side_a = self.take(a)
        if np.ndim(a) == 1:
            side_a = Side(side_a.mean[:, None], side_a.spread[:, None], side_a.zero[:, None])
        return rescale(distances, side_a, self.take(b))


@dataclass(frozen=True)
class Side:
    """The statistics of one side of a distance (arrays that broadcast against it)."""

    mean: np.ndarray
    spread: np.ndarray
    zero: np.ndarray


def rescale(distances: np.ndarray, a: Side, b: Side) -> np.ndarray:
    """Hub-free distances from Euclidean *distances* between points with statistics *a*
    and *b* (see the module docstring)."""
    s_a = _survival((distances - a.mean) / a.spread)
    s_b = _survival((distances - b.mean) / b.spread)
    return (1.0 - (s_a * s_b) / (a.zero * b.zero)) / RANDOM_PAIR
