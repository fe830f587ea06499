"""The taste map's layout: every analysed track placed in two dimensions so that tracks
that sound alike lie close.

The method was chosen by measuring (docs/PERFORMANCE.md, benchmarks/map.py): t-SNE as
openTSNE computes it (FFT-accelerated gradients, one core), with uniform affinities over
each track's NEIGHBOURS nearest tracks, started from the principal components, keeps more
of every track's 10 nearest neighbours than perplexity-based t-SNE or UMAP on the real
corpus, and lays out 100,000 tracks within two minutes on one core (UMAP also costs a
numba warm-up of seconds in every process; scikit-learn's exact or Barnes–Hut t-SNE is
far slower at that size).

Up to 20,000 tracks, the layout is then polished (recommender/map_refine.py): single
tracks move to where more of their nearest tracks are also nearest on the map, which t-SNE's
smooth objective leaves on the table (0.44 → 0.50 of the 10 nearest kept on the corpus).

A layout follows the library without starting again: tracks analysed since are placed
among their nearest placed tracks (in the similarity space), tracks gone are dropped, and
only when the share placed that way passes REFIT_SHARE, or when the similarity space itself
changed meaning (a new extractor or distance), is the whole layout computed again. The
layout is saved beside the auto-shuffle's cache (only a cache: anything odd is ignored).
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.atomic import replacing
from recommender import map_refine
from recommender.library_part import LibraryPart

logger = logging.getLogger(__name__)

#: How many nearest tracks each track's affinities reach.
NEIGHBOURS = 10
#: Iterations of t-SNE: with exaggeration EARLY_EXAGGERATION first, then without.
EARLY_ITERATIONS = 250
ITERATIONS = 300
EARLY_EXAGGERATION = 4.0
#: Coarser FFT interpolation than openTSNE's default (2 units of the layout per interval
#: instead of 1): a third faster at 100,000 tracks, and no neighbour lost on the corpus.
INTS_IN_INTERVAL = 2
#: Below this many tracks the principal components are the layout (t-SNE needs more).
TSNE_MIN = 24
#: A new track sits at the weighted middle of this many nearest placed tracks.
PLACE_NEIGHBOURS = 5
#: Past this share of tracks placed beside their neighbours, the layout is computed again.
REFIT_SHARE = 0.15
#: Tracks whose points are saved with the layout, to tell whether the space changed.
SIGNATURE = 64
#: The saved layout serves while distances between its signature tracks correlate at
#: least this well with today's (a refitted scaling moves points a little; a new kind of
#: similarity moves them a lot).
SAME_SPACE = 0.95
CACHE_VERSION = 1

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class LayoutCancelled(Exception):
    """The layout was asked to stop before it was done."""


@dataclass(frozen=True)
class MapLayout:
    """Positions of tracks on the map; *xy* row i is track *ids[i]*. *fitted*: how many of
    them the last full layout placed (the others joined beside their neighbours)."""

    ids: np.ndarray  # int64
    xy: np.ndarray  # float32 (n, 2), centred, standard deviation about 1
    fitted: int
    signature_ids: np.ndarray
    signature_points: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def stale(self) -> bool:
        """True when so many tracks joined since the full layout that it should be redone."""
        return len(self.ids) - self.fitted > REFIT_SHARE * max(self.fitted, 1)


def analysed_rows(library: LibraryPart) -> np.ndarray:
    """Catalog rows of the tracks that have a point (analysed)."""
    return np.flatnonzero(library.space.index_row >= 0)


def compute_layout(library: LibraryPart, *, seed: int = 0, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> MapLayout:
    """A full layout of every analysed track. Raises LayoutCancelled when *cancelled*
    says so (checked every few iterations)."""
    rows = analysed_rows(library)
    ids = library.catalog.ids[rows]
    points = library.space.points(rows) if len(rows) else np.zeros((0, 2), np.float32)
    polish = map_refine.REFINE_LIMIT >= len(ids) > map_refine.K * 3

    def share(start: float, end: float) -> Progress | None:
        if progress is None:
            return None
        return lambda done: progress(start + (end - start) * done)

    xy = embed(points, seed=seed, progress=share(0.0, 0.7 if polish else 1.0),
               cancelled=cancelled)
    if polish:
        xy = _normalised(map_refine.refine(points, xy, seed=seed, progress=share(0.7, 1.0),
                                           cancelled=cancelled))
        if cancelled is not None and cancelled():
            raise LayoutCancelled
    return _with_signature(ids, xy, len(ids), points, seed)


def embed(points: np.ndarray, *, seed: int = 0, progress: Progress | None = None,
          cancelled: Cancelled | None = None) -> np.ndarray:
    """2-D positions for *points* (one row per track), centred and scaled."""
    n = len(points)
    if n == 0:
        return np.zeros((0, 2), np.float32)
    data = np.asarray(points, dtype=np.float64)
    if n < TSNE_MIN:
        return _normalised(_principal(data))
    from openTSNE import TSNEEmbedding, affinity, initialization  # seconds to import

    total = EARLY_ITERATIONS + ITERATIONS
    done = [0]

    def report(iteration: int, error: float, embedding: object) -> bool:
        done[0] += 25
        if progress is not None:
            progress(min(1.0, done[0] / total))
        return bool(cancelled is not None and cancelled())

    k = min(NEIGHBOURS, max(2, (n - 1) // 3))
    affinities = affinity.Uniform(data, k_neighbors=k, n_jobs=1, random_state=seed,
                                  verbose=False)
    if cancelled is not None and cancelled():
        raise LayoutCancelled
    start = initialization.pca(data, random_state=seed)
    embedding = TSNEEmbedding(start, affinities, n_jobs=1, random_state=seed, verbose=False,
                              ints_in_interval=INTS_IN_INTERVAL)
    embedding = embedding.optimize(EARLY_ITERATIONS, exaggeration=EARLY_EXAGGERATION,
                                   callbacks=report, callbacks_every_iters=25)
    if cancelled is not None and cancelled():
        raise LayoutCancelled
    embedding = embedding.optimize(ITERATIONS, callbacks=report, callbacks_every_iters=25)
    if cancelled is not None and cancelled():
        raise LayoutCancelled
    return _normalised(np.asarray(embedding))


def follow_layout(layout: MapLayout | None, library: LibraryPart) -> MapLayout | None:
    """*layout* brought up to date with *library* without a full layout: tracks gone are
    dropped and new ones placed beside their nearest placed tracks. None when the layout
    cannot serve (none, another kind of similarity, or too many new tracks)."""
    if layout is None or not same_space(layout, library):
        return None
    rows = analysed_rows(library)
    ids = library.catalog.ids[rows]
    keep = np.isin(layout.ids, ids)
    placed_ids, placed_xy = layout.ids[keep], layout.xy[keep]
    new = ~np.isin(ids, placed_ids)
    fitted = min(layout.fitted, len(placed_ids))
    if not new.any():
        if keep.all():
            return layout
        return MapLayout(placed_ids, placed_xy, fitted, layout.signature_ids,
                         layout.signature_points)
    if len(placed_ids) < TSNE_MIN \
            or len(placed_ids) - fitted + int(new.sum()) > REFIT_SHARE * max(fitted, 1):
        return None
    row_of = library.catalog.row_of
    placed_points = library.space.points(np.array([row_of[int(t)] for t in placed_ids]))
    new_xy = place_beside(placed_points, placed_xy, library.space.points(rows[new]))
    return MapLayout(np.concatenate([placed_ids, ids[new]]),
                     np.vstack([placed_xy, new_xy]).astype(np.float32), fitted,
                     layout.signature_ids, layout.signature_points)


def place_beside(placed_points: np.ndarray, placed_xy: np.ndarray,
                 new_points: np.ndarray, *, chunk: int = 256) -> np.ndarray:
    """Map positions for *new_points*: the middle of their PLACE_NEIGHBOURS nearest placed
    points' positions, weighted by closeness, nudged a little so no two tracks sit on one
    spot."""
    placed = np.asarray(placed_points, dtype=np.float32)
    norms = np.einsum("ij,ij->i", placed, placed)
    k = min(PLACE_NEIGHBOURS, len(placed))
    out = np.empty((len(new_points), 2), np.float32)
    rng = np.random.default_rng(len(placed))
    spread = float(np.std(placed_xy)) * 0.01 if len(placed_xy) else 0.0
    for start in range(0, len(new_points), chunk):
        query = np.asarray(new_points[start:start + chunk], dtype=np.float32)
        d2 = norms[None, :] - 2.0 * (query @ placed.T)
        near = np.argpartition(d2, k - 1, axis=1)[:, :k]
        dist = np.sqrt(np.maximum(np.take_along_axis(d2, near, axis=1)
                                  + np.einsum("ij,ij->i", query, query)[:, None], 0.0))
        weight = 1.0 / (dist + 1e-6)
        weight /= weight.sum(axis=1, keepdims=True)
        out[start:start + chunk] = np.einsum("ik,ikd->id", weight, placed_xy[near])
    return out + rng.normal(scale=spread, size=out.shape).astype(np.float32)


def same_space(layout: MapLayout, library: LibraryPart) -> bool:
    """Whether *library*'s similarity space still means what it meant for *layout*: the
    distances between its signature tracks correlate at least SAME_SPACE with today's."""
    row_of = library.catalog.row_of
    rows = [row_of.get(int(t), -1) for t in layout.signature_ids]
    present = [i for i, r in enumerate(rows) if r >= 0
               and library.space.has_point(np.array([r]))[0]]
    if len(present) < 8 or layout.signature_points.ndim != 2:
        return len(layout.signature_ids) == 0 and len(layout.ids) == 0
    now = library.space.points(np.array([rows[i] for i in present]))
    then = layout.signature_points[present]
    if now.shape[1] != then.shape[1]:
        return False
    a, b = _pairwise(then), _pairwise(now)
    upper = np.triu_indices(len(present), 1)
    if np.std(a[upper]) < 1e-9 or np.std(b[upper]) < 1e-9:
        return bool(np.allclose(a, b))
    return float(np.corrcoef(a[upper], b[upper])[0, 1]) >= SAME_SPACE


def neighbour_preservation(points: np.ndarray, xy: np.ndarray, *, k: int = 10,
                           sample: int | None = 2_000, seed: int = 0) -> float:
    """The share of each track's *k* nearest tracks in the similarity space that are also
    among its *k* nearest on the map, averaged over *sample* tracks (all when None)."""
    n = len(points)
    if n <= k:
        return 1.0
    queries = np.arange(n)
    if sample is not None and n > sample:
        queries = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    full = np.asarray(points, dtype=np.float32)
    norms = np.einsum("ij,ij->i", full, full)
    flat = np.asarray(xy, dtype=np.float64)
    shared = 0
    for start in range(0, len(queries), 256):
        q = queries[start:start + 256]
        d_full = norms[None, :] - 2.0 * (full[q] @ full.T)
        d_map = np.sum((flat[None, :, :] - flat[q][:, None, :]) ** 2, axis=2)
        d_full[np.arange(len(q)), q] = np.inf
        d_map[np.arange(len(q)), q] = np.inf
        near_full = np.argpartition(d_full, k - 1, axis=1)[:, :k]
        near_map = np.argpartition(d_map, k - 1, axis=1)[:, :k]
        shared += sum(len(np.intersect1d(a, b)) for a, b in zip(near_full, near_map,
                                                                strict=True))
    return shared / (len(queries) * k)


# -- saving -------------------------------------------------------------------------------


def load_layout(path: Path) -> MapLayout | None:
    """The layout saved at *path*, or None (missing, old, damaged or foreign)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            if meta.get("version") != CACHE_VERSION:
                return None
            layout = MapLayout(data["ids"].astype(np.int64), data["xy"].astype(np.float32),
                               int(meta["fitted"]), data["signature_ids"].astype(np.int64),
                               data["signature_points"].astype(np.float32))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
        logger.info("ignoring the saved taste map %s: %s", path, exc)
        return None
    if layout.xy.shape != (len(layout.ids), 2):
        return None
    return layout


def save_layout(path: Path, layout: MapLayout) -> None:
    """Write the layout in one step (player/atomic.py): a reader sees the old file or the
    new one, never half of one."""
    meta = {"version": CACHE_VERSION, "fitted": layout.fitted}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as temporary, temporary.open("wb") as out:
            np.savez(out, meta=np.array(json.dumps(meta)), ids=layout.ids, xy=layout.xy,
                     signature_ids=layout.signature_ids,
                     signature_points=layout.signature_points)
    except OSError as exc:
        logger.warning("cannot save the taste map %s: %s", path, exc)


# -- inside -------------------------------------------------------------------------------


def _with_signature(ids: np.ndarray, xy: np.ndarray, fitted: int, points: np.ndarray,
                    seed: int) -> MapLayout:
    take = np.arange(len(ids))
    if len(ids) > SIGNATURE:
        take = np.sort(np.random.default_rng(seed).choice(len(ids), SIGNATURE, replace=False))
    return MapLayout(np.asarray(ids, dtype=np.int64), xy.astype(np.float32), fitted,
                     np.asarray(ids, dtype=np.int64)[take],
                     np.asarray(points, dtype=np.float32)[take])


def _principal(data: np.ndarray) -> np.ndarray:
    centred = data - data.mean(axis=0)
    if len(data) < 2:
        return np.zeros((len(data), 2))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    out = np.zeros((len(data), 2))
    comps = centred @ vt[:2].T
    out[:, :comps.shape[1]] = comps
    return out


def _normalised(xy: np.ndarray) -> np.ndarray:
    centred = xy - xy.mean(axis=0)
    scale = float(np.std(centred)) or 1.0
    return (centred / scale).astype(np.float32)


def _pairwise(points: np.ndarray) -> np.ndarray:
    p = np.asarray(points, dtype=np.float64)
    sq = np.einsum("ij,ij->i", p, p)
    return np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2.0 * (p @ p.T), 0.0))
