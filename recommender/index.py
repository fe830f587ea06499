"""The sound index: every analysed track as a point, for "which tracks sound like this one".

Points live in the sound space (recommender/sound_space.py: descriptors, the Gaussian
timbre model and, once the deep pass has covered the library, musicnn's embedding, each
part weighted alike), and distances are made hub-free by mutual proximity
(recommender/proximity.py), so a random pair is about 1 apart and no track is everybody's
neighbour.

Neighbours are found exactly, by brute force: one matrix-vector product over the points
and the rescaling, a few milliseconds at 100,000 tracks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from player.store import Store
from recommender.layout import (
    FEATURE_VERSION,
    LAYOUT,
    LAYOUTS,
    MUSICNN,
    MUSICNN_VERSION,
    Group,
)
from recommender.proximity import ProximityStats, euclidean
from recommender.sound_space import PART_WEIGHTS, SpaceFit, fit_and_place

#: A group "agrees" for a pair when its share of difference is below this (1 = as
#: different as two tracks picked at random).
AGREEMENT = 0.5

#: Embeddings by track id: (ids, (n, d) matrix), as the store serves them.
Vectors = tuple[np.ndarray, np.ndarray]


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


def _rows_in(ids: np.ndarray, vectors: Vectors | None) -> np.ndarray:
    """For each of *ids*, its row in *vectors* (-1 where it has none)."""
    out = np.full(len(ids), -1, dtype=np.int64)
    if vectors is None or not len(vectors[0]):
        return out
    where = {int(t): i for i, t in enumerate(np.asarray(vectors[0]).tolist())}
    for row, track_id in enumerate(np.asarray(ids).tolist()):
        out[row] = where.get(track_id, -1)
    return out


class SoundIndex:
    """Nearest neighbours by sound over the vectors of many tracks.

    *matrix* holds the fast pass's vectors (laid out as *layout*), *deep* the deep pass's
    embeddings of any of them; *parts* and *hub_free* choose a narrower distance (for
    measuring what each part brings)."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, *,
                 layout: Sequence[Group] = LAYOUT, deep: Vectors | None = None,
                 parts: frozenset[str] | None = None,
                 weights: Mapping[str, float] = PART_WEIGHTS, hub_free: bool = True) -> None:
        if matrix.ndim != 2 or len(ids) != len(matrix):
            raise ValueError("one vector per id is needed")
        if len(ids) and layout[-1].stop != matrix.shape[1]:
            raise ValueError(f"vectors have {matrix.shape[1]} values, the layout "
                             f"{layout[-1].stop}")
        ids = np.asarray(ids, dtype=np.int64)
        deep_rows = _rows_in(ids, deep)
        fit, coordinates = fit_and_place(
            matrix, layout, deep[1] if deep is not None else None, deep_rows, parts=parts,
            weights=weights)
        points = coordinates * fit.weight.astype(np.float32)
        stats = ProximityStats.fit(points) if hub_free and len(ids) else None
        self._set(ids, fit, points, stats)

    @classmethod
    def restore(cls, ids: np.ndarray, fit: SpaceFit, points: np.ndarray,
                stats: ProximityStats | None) -> SoundIndex:
        """An index from what an earlier one computed, without fitting again: loading a
        saved index costs milliseconds instead of seconds."""
        index = cls.__new__(cls)
        index._set(np.asarray(ids, dtype=np.int64), fit, np.asarray(points, np.float32), stats)
        return index

    def _set(self, ids: np.ndarray, fit: SpaceFit, points: np.ndarray,
             stats: ProximityStats | None) -> None:
        self.ids = ids
        self.fit = fit
        self.points = points
        self.norms = np.einsum("ij,ij->i", points, points)
        self.stats = stats
        self._row = dict(zip(self.ids.tolist(), range(len(self.ids)), strict=True))
        self._inverse_weight = np.where(fit.weight > 0, 1.0 / np.where(
            fit.weight > 0, fit.weight, 1.0), 0.0).astype(np.float32)

    @classmethod
    def from_store(cls, store: Store, *, version: int = FEATURE_VERSION,
                   parts: frozenset[str] | None = None, hub_free: bool = True
                   ) -> SoundIndex:
        """The index over the vectors the store serves for *version* (present files only),
        with the deep pass's embeddings of them."""
        served = store.features.load_matrix(version)
        deep = store.features.load_matrix(MUSICNN_VERSION, kind=MUSICNN)
        if len(served):
            matrix, layout = served.matrix, layout_for(served.version, served.matrix.shape[1])
        else:
            matrix, layout = np.zeros((0, LAYOUT[-1].stop), np.float32), LAYOUT
        return cls(served.ids, matrix, layout=layout,
                   deep=(deep.ids, deep.matrix) if len(deep) else None, parts=parts,
                   hub_free=hub_free)

    @property
    def layout(self) -> tuple[Group, ...]:
        """The groups of a point's coordinates."""
        return self.fit.layout

    @property
    def sound_layout(self) -> tuple[Group, ...]:
        """The groups of the fast pass's vectors this index reads."""
        return self.fit.sound_layout

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, track_id: object) -> bool:
        return track_id in self._row

    def row_of(self, track_id: int) -> int | None:
        return self._row.get(track_id)

    # -- growing ------------------------------------------------------------------------------

    def with_vectors(self, sound: Vectors | None = None, deep: Vectors | None = None
                     ) -> SoundIndex:
        """A new index that also holds these vectors (replacing those of tracks already
        indexed), placed by this index's fit: a track analysed since the index was built
        is found at once. Deep embeddings of tracks not indexed are ignored. The fit itself
        is refitted only when the whole index is built again; this index is left as it was
        (a snapshot may still be reading it)."""
        ids, points = self.ids, self.points
        changed: list[np.ndarray] = []
        if sound is not None and len(sound[0]):
            new_ids = np.asarray(sound[0], dtype=np.int64)
            rows = np.array([self._row.get(t, -1) for t in new_ids.tolist()], dtype=np.int64)
            fresh = rows < 0
            rows[fresh] = len(ids) + np.arange(int(fresh.sum()))
            coords = self.fit.coordinates(sound[1])
            points = np.vstack([points, np.zeros((int(fresh.sum()), points.shape[1]),
                                                 np.float32)])
            keep = self._musicnn_columns()
            sound_part = coords * self.fit.weight.astype(np.float32)
            if keep is not None:  # an existing track keeps its deep embedding
                sound_part[:, keep] = points[rows][:, keep]
            points[rows] = sound_part
            ids = np.concatenate([ids, new_ids[fresh]])
            changed.append(rows)
        columns = self._musicnn_columns()
        if deep is not None and len(deep[0]) and columns is not None:
            row_of = dict(zip(ids.tolist(), range(len(ids)), strict=True))
            pairs = [(row_of[t], i) for i, t in enumerate(np.asarray(deep[0]).tolist())
                     if t in row_of]
            if pairs:
                rows, sources = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
                width = self.fit.sound_layout[-1].stop
                coords = self.fit.coordinates(np.zeros((len(rows), width)),
                                              np.asarray(deep[1])[sources])
                points = points.copy() if points is self.points else points
                points[rows[:, None], columns] = (coords * self.fit.weight)[:, columns]
                changed.append(rows)
        if not changed:
            return self
        stats = self.stats
        if stats is not None:
            rows = np.unique(np.concatenate(changed))
            stats = stats.extended(points[rows], rows)
        return SoundIndex.restore(ids, self.fit, points, stats)

    def _musicnn_columns(self) -> np.ndarray | None:
        group = next((g for g in self.fit.layout if g.name == MUSICNN), None)
        return np.arange(group.start, group.stop) if group is not None else None

    # -- distances ----------------------------------------------------------------------------

    def distances_from_row(self, row: int, rows: np.ndarray | slice = slice(None)
                           ) -> np.ndarray:
        """Distances from index row *row* to index *rows* (default all), hub-free when the
        index is."""
        d = euclidean(self.points[row], self.points[rows], self.norms[rows])
        return self.stats.hub_free(d, row, rows) if self.stats is not None else d

    def distance_matrix(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """(len(rows_a), len(rows_b)) distances between index rows, as distances_from_row."""
        d = euclidean(self.points[rows_a], self.points[rows_b], self.norms[rows_b])
        return self.stats.hub_free(d, rows_a, rows_b) if self.stats is not None else d

    def neighbours(self, track_id: int, k: int = 10) -> list[Neighbour]:
        """The *k* tracks nearest to *track_id*, nearest first; [] if it is not indexed."""
        return self.neighbours_many([track_id], k).get(track_id, [])

    def neighbours_many(self, track_ids: Sequence[int], k: int = 10
                        ) -> dict[int, list[Neighbour]]:
        """Neighbours of each indexed id in *track_ids*."""
        wanted = [t for t in dict.fromkeys(track_ids) if t in self._row]
        if not wanted or len(self.ids) < 2 or k < 1:
            return {t: [] for t in wanted}
        out: dict[int, list[Neighbour]] = {}
        for track_id in wanted:
            row = self._row[track_id]
            distances = self.distances_from_row(row)
            distances[row] = np.inf
            count = min(k, len(distances) - 1)
            nearest = np.argpartition(distances, count - 1)[:count]
            nearest = nearest[np.argsort(distances[nearest], kind="stable")]
            out[track_id] = [Neighbour(int(self.ids[o]), float(distances[o]),
                                       self._agreeing_rows(row, int(o))) for o in nearest]
        return out

    # -- what two tracks share -------------------------------------------------------------------

    def group_differences(self, a: int, b: int) -> dict[str, float]:
        """Per group, how different two indexed tracks are: the mean squared difference of
        their standardised coordinates over 2, so 0 = the same and ≈1 = a random pair."""
        return self._differences(self._row[a], self._row[b])

    def agreeing_groups(self, a: int, b: int) -> tuple[str, ...]:
        """The groups in which tracks *a* and *b* agree most (below AGREEMENT), best first."""
        return self._agreeing_rows(self._row[a], self._row[b])

    def _differences(self, ra: int, rb: int) -> dict[str, float]:
        diff = (self.points[ra] - self.points[rb]) * self._inverse_weight
        return {g.name: float(np.mean(diff[g.slice] ** 2) / 2.0) for g in self.layout}

    def _agreeing_rows(self, ra: int, rb: int, limit: int = 2) -> tuple[str, ...]:
        ranked = sorted(self._differences(ra, rb).items(), key=lambda item: item[1])
        return tuple(name for name, d in ranked[:limit] if d < AGREEMENT)

    # -- saving ------------------------------------------------------------------------------

    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict[str, object]]:
        """(named arrays, JSON-able facts) that restore_arrays turns back into this index."""
        arrays = {"ids": self.ids, "points": self.points,
                  **{f"fit_{k}": v for k, v in self.fit.to_arrays().items()}}
        if self.stats is not None:
            arrays |= {"hub_references": self.stats.references, "hub_mean": self.stats.mean,
                       "hub_spread": self.stats.spread, "hub_zero": self.stats.zero}
        facts = {"groups": [g.name for g in self.layout],
                 "sound_groups": [[g.name, g.size] for g in self.sound_layout]}
        return arrays, facts

    @classmethod
    def restore_arrays(cls, arrays: Mapping[str, np.ndarray], facts: Mapping[str, object]
                       ) -> SoundIndex:
        """The index to_arrays saved (KeyError, ValueError or TypeError if it is not
        whole)."""
        groups, sound_groups = facts["groups"], facts["sound_groups"]
        if not isinstance(groups, list) or not isinstance(sound_groups, list):
            raise TypeError("the saved index's facts are not what they should be")
        shape = [(str(name), int(size)) for name, size in sound_groups]
        sound_layout = next((layout for layout in LAYOUTS.values()
                             if [(g.name, g.size) for g in layout] == shape),
                            layout_for(None, sum(size for _, size in shape)))
        fit = SpaceFit.from_arrays({k[4:]: v for k, v in arrays.items()
                                    if k.startswith("fit_")},
                                   [str(g) for g in groups], sound_layout)
        stats = None
        if "hub_mean" in arrays:
            stats = ProximityStats(arrays["hub_references"], arrays["hub_mean"],
                                   arrays["hub_spread"], arrays["hub_zero"])
        points = arrays["points"]
        if points.ndim != 2 or points.shape[1] != fit.dimensions \
                or len(points) != len(arrays["ids"]):
            raise ValueError("the saved points do not match the saved fit")
        return cls.restore(arrays["ids"], fit, points, stats)
