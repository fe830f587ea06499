"""The sound index: every analysed track as a point, for "which tracks sound like this one".

Raw descriptors live on unrelated scales (Hz, dB, BPM, correlations) and the groups have
very different sizes (41 timbre values, 4 rhythm values), so distances are taken in a
scaled space:

1. each descriptor is standardised over the library (mean 0, standard deviation 1) and
   clipped to ±CLIP so one odd track cannot stretch a whole axis;
2. each group is then weighted so that its *total* variance equals its weight, whatever
   its size: a group of n descriptors is multiplied by sqrt(weight / n);
3. everything is divided by sqrt(2 · sum of weights), so the distance between two tracks
   picked at random is about 1, and 0 means "indistinguishable".

The default weights (GROUP_WEIGHTS) follow what is known from real music: MFCC statistics
(timbre and its texture) separate styles best, chroma barely helps.

Neighbours come from scikit-learn's brute-force NearestNeighbors: exact, and fast enough
(milliseconds) for libraries up to a million tracks at this dimensionality.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import NearestNeighbors

from player.store import Store
from recommender.layout import FEATURE_VERSION, LAYOUT, Group

#: Standardised values are clipped to this many standard deviations.
CLIP = 5.0

#: Share of the distance each group contributes, on average, between two tracks.
GROUP_WEIGHTS: Mapping[str, float] = {
    "timbre": 2.0,
    "spectral": 1.0,
    "rhythm": 1.0,
    "dynamics": 1.0,
    "tonality": 0.5,
}

#: A group "agrees" for a pair when its share of difference is below this (1 = as
#: different as two tracks picked at random).
AGREEMENT = 0.5

#: The layout of each extractor version whose vectors may still be served.
LAYOUTS: Mapping[int, tuple[Group, ...]] = {FEATURE_VERSION: LAYOUT}


def layout_for(version: int | None, dimensions: int) -> tuple[Group, ...]:
    """The groups of a vector of *version*, or one group "sound" if its layout is unknown."""
    layout = LAYOUTS.get(version) if version is not None else None
    if layout is not None and layout[-1].stop == dimensions:
        return layout
    return (Group("sound", 0, dimensions, tuple(f"v{i}" for i in range(dimensions))),)


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A track near another: *distance* relative to a random pair (≈1); *groups* are the
    feature groups that agree most, best first (possibly none)."""

    track_id: int
    distance: float
    groups: tuple[str, ...]


@dataclass(frozen=True)
class GroupScaler:
    """Standardises descriptors and weights each group (see the module docstring)."""

    mean: np.ndarray
    std: np.ndarray
    weight: np.ndarray  # per descriptor: sqrt(group weight / group size) / normaliser

    @classmethod
    def fit(cls, matrix: np.ndarray, layout: Sequence[Group],
            weights: Mapping[str, float] = GROUP_WEIGHTS) -> GroupScaler:
        data = np.asarray(matrix, dtype=np.float64)
        mean = data.mean(axis=0) if len(data) else np.zeros(data.shape[1])
        std = data.std(axis=0) if len(data) else np.ones(data.shape[1])
        std = np.where(std > 1e-9, std, 1.0)  # a constant descriptor tells nothing apart
        total = sum(weights.get(g.name, 1.0) for g in layout)
        weight = np.zeros(data.shape[1])
        for group in layout:
            w = weights.get(group.name, 1.0)
            weight[group.slice] = math.sqrt(w / group.size) / math.sqrt(2.0 * total)
        return cls(mean, std, weight)

    def standardise(self, matrix: np.ndarray) -> np.ndarray:
        z = (np.asarray(matrix, dtype=np.float64) - self.mean) / self.std
        return np.clip(z, -CLIP, CLIP)

    def transform(self, matrix: np.ndarray) -> np.ndarray:
        return (self.standardise(matrix) * self.weight).astype(np.float32)


class SoundIndex:
    """Nearest neighbours by sound over the vectors of many tracks."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, *,
                 layout: Sequence[Group] = LAYOUT,
                 weights: Mapping[str, float] = GROUP_WEIGHTS) -> None:
        if matrix.ndim != 2 or len(ids) != len(matrix):
            raise ValueError("one vector per id is needed")
        if len(ids) and layout[-1].stop != matrix.shape[1]:
            raise ValueError(f"vectors have {matrix.shape[1]} values, the layout "
                             f"{layout[-1].stop}")
        scaler = GroupScaler.fit(matrix, layout, weights)
        self._set(ids, tuple(layout), scaler, scaler.standardise(matrix).astype(np.float32))

    @classmethod
    def restore(cls, ids: np.ndarray, layout: Sequence[Group], scaler: GroupScaler,
                standardised: np.ndarray) -> SoundIndex:
        """An index from what an earlier one computed (`scaler`, `standardised`), without
        fitting again: loading a saved index costs milliseconds instead of a second."""
        index = cls.__new__(cls)
        index._set(ids, tuple(layout), scaler, np.asarray(standardised, dtype=np.float32))
        return index

    def with_vectors(self, ids: np.ndarray, matrix: np.ndarray) -> SoundIndex:
        """A new index that also holds these vectors (replacing those of ids already
        indexed), scaled as this one: a track analysed since the index was built is found at
        once. The scaling itself is refitted only when the whole index is built again. This
        index is left as it was (a snapshot may still be reading it)."""
        if not len(ids):
            return self
        z = self.scaler.standardise(matrix).astype(np.float32)
        standardised = self._z.copy()
        fresh: list[int] = []
        for i, track_id in enumerate(np.asarray(ids, dtype=np.int64).tolist()):
            row = self._row.get(track_id)
            if row is None:
                fresh.append(i)
            else:
                standardised[row] = z[i]
        all_ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)[fresh]])
        return SoundIndex.restore(all_ids, self.layout, self.scaler,
                                  np.vstack([standardised, z[fresh]]))

    @property
    def standardised(self) -> np.ndarray:
        """The clipped, standardised descriptors (before group weighting), one row a track."""
        return self._z

    def _set(self, ids: np.ndarray, layout: tuple[Group, ...], scaler: GroupScaler,
             z: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.layout = layout
        self._row = dict(zip(self.ids.tolist(), range(len(self.ids)), strict=True))
        self.scaler = scaler
        self._z = z
        self.points = (self._z * self.scaler.weight).astype(np.float32)
        self._nn = NearestNeighbors(algorithm="brute", metric="euclidean")
        if len(self.ids):
            self._nn.fit(self.points)

    @classmethod
    def from_store(cls, store: Store, *, version: int = FEATURE_VERSION,
                   weights: Mapping[str, float] = GROUP_WEIGHTS) -> SoundIndex:
        """The index over the vectors the store serves for *version* (present files only)."""
        served = store.features.load_matrix(version)
        dims = served.matrix.shape[1] if len(served) else LAYOUT[-1].stop
        return cls(served.ids, served.matrix, layout=layout_for(served.version, dims),
                   weights=weights)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, track_id: object) -> bool:
        return track_id in self._row

    def neighbours(self, track_id: int, k: int = 10) -> list[Neighbour]:
        """The *k* tracks nearest to *track_id*, nearest first; [] if it is not indexed."""
        return self.neighbours_many([track_id], k).get(track_id, [])

    def neighbours_many(self, track_ids: Sequence[int], k: int = 10
                        ) -> dict[int, list[Neighbour]]:
        """Neighbours of each indexed id in *track_ids*, in one query."""
        wanted = [t for t in dict.fromkeys(track_ids) if t in self._row]
        if not wanted or len(self.ids) < 2 or k < 1:
            return {t: [] for t in wanted}
        rows = np.array([self._row[t] for t in wanted])
        count = min(k + 1, len(self.ids))
        distances, found = self._nn.kneighbors(self.points[rows], n_neighbors=count)
        out: dict[int, list[Neighbour]] = {}
        for track_id, row, dist_row, found_row in zip(wanted, rows, distances, found,
                                                      strict=True):
            near = []
            for distance, other in zip(dist_row, found_row, strict=True):
                if other == row:
                    continue
                other_id = int(self.ids[other])
                near.append(Neighbour(other_id, float(distance),
                                      self._agreeing_rows(int(row), int(other))))
            out[track_id] = near[:k]
        return out

    def group_differences(self, a: int, b: int) -> dict[str, float]:
        """Per group, how different two indexed tracks are: the mean squared difference of
        their standardised descriptors over 2, so 0 = the same and ≈1 = a random pair."""
        return self._differences(self._row[a], self._row[b])

    def agreeing_groups(self, a: int, b: int) -> tuple[str, ...]:
        """The groups in which tracks *a* and *b* agree most (below AGREEMENT), best first."""
        return self._agreeing_rows(self._row[a], self._row[b])

    def _differences(self, ra: int, rb: int) -> dict[str, float]:
        diff = self._z[ra] - self._z[rb]
        return {g.name: float(np.mean(diff[g.slice] ** 2) / 2.0) for g in self.layout}

    def _agreeing_rows(self, ra: int, rb: int, limit: int = 2) -> tuple[str, ...]:
        ranked = sorted(self._differences(ra, rb).items(), key=lambda item: item[1])
        return tuple(name for name, d in ranked[:limit] if d < AGREEMENT)
