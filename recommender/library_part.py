"""The library half of the auto-shuffle's snapshot: catalog, sound index, and how to search.

Building it reads every track and every vector (about a second at 100,000 tracks), so it is
built once, on a worker thread, and then followed cheaply: new vectors join the index and
playability is re-read as they change; only added or re-read tracks, or a new extractor,
make it load again (from the start-up cache when the library is as it was saved). Every
LibraryPart is immutable: a newer one shares what did not change.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from player.store import LibraryFingerprint, Store
from recommender import cache
from recommender.catalog import Catalog
from recommender.index import SoundIndex, layout_for
from recommender.layout import FEATURE_VERSION, LAYOUT
from recommender.space import TasteSpace
from recommender.taste import neighbourhood_scale

logger = logging.getLogger(__name__)

#: Above this many analysed tracks, flow neighbours are looked for in a fixed random
#: subset of this size: a few milliseconds per pick even at a million tracks.
NEAREST_SEARCH = 200_000
#: Library points that set the taste model's distance scale.
SCALE_SAMPLE = 5_000


@dataclass(frozen=True)
class NearestSearch:
    """Sound points prepared for "which tracks sound nearest to this one": one
    matrix-vector product over them with their squared norms kept."""

    searched: np.ndarray  # index rows searched (all, or a fixed random subset)
    points: np.ndarray  # their points
    norms: np.ndarray  # their squared norms

    @classmethod
    def over(cls, points: np.ndarray) -> NearestSearch:
        searched = np.arange(len(points))
        if len(points) > NEAREST_SEARCH:  # flow needs close tracks, not the closest
            rng = np.random.default_rng(11)
            searched = np.sort(rng.choice(len(points), NEAREST_SEARCH, replace=False))
        chosen = points[searched]
        return cls(searched, chosen, np.einsum("ij,ij->i", chosen, chosen))

    def nearest(self, query: np.ndarray, exclude: int, k: int) -> np.ndarray:
        """Index rows of the *k* points nearest to *query*, leaving out index row
        *exclude* (the query's own)."""
        d2 = self.norms - 2.0 * (self.points @ query)
        d2[self.searched == exclude] = np.inf
        k = min(k, len(d2) - 1)
        if k < 1:
            return np.empty(0, dtype=np.int64)
        return self.searched[np.argpartition(d2, k - 1)[:k]]


@dataclass(frozen=True)
class LibraryPart:
    """Catalog, index and taste space of one state of the library."""

    fingerprint: LibraryFingerprint
    catalog: Catalog
    index: SoundIndex
    space: TasteSpace
    search: NearestSearch
    scale: float  # the neighbourhood radius in the taste space
    vectors_mark: float  # vectors analysed at or after this time are not indexed yet

    def nearest_rows(self, row: int, k: int) -> np.ndarray:
        """Catalog rows of the k tracks that sound nearest to catalog *row* (none if it is
        not analysed)."""
        point_row = int(self.space.index_row[row])
        if point_row < 0 or len(self.index.points) < 2:
            return np.empty(0, dtype=np.int64)
        found = self.space.catalog_rows(
            self.search.nearest(self.index.points[point_row], point_row, k))
        return found[found >= 0]

    def agreeing_groups(self, a: int, b: int) -> tuple[str, ...]:
        """Feature groups in which tracks *a* and *b* agree most (empty if unanalysed)."""
        if a in self.index and b in self.index:
            return self.index.agreeing_groups(a, b)
        return ()


def load_library(store: Store, cache_path: Path | None = None) -> LibraryPart:
    """The library as the store holds it now: from the cache when it matches, else read
    (and then saved for the next start)."""
    started = time.perf_counter()
    fingerprint = store.library_fingerprint()
    vectors_mark = store.features.latest_analysis()  # before reading: nothing slips by
    loaded = cache.load(cache_path, store, fingerprint) if cache_path is not None else None
    if loaded is not None:
        catalog, index = loaded
    else:
        catalog = Catalog.load(store)
        served = store.features.load_matrix(FEATURE_VERSION)
        dims = served.matrix.shape[1] if len(served) else LAYOUT[-1].stop
        index = SoundIndex(served.ids, served.matrix, layout=layout_for(served.version, dims))
        if cache_path is not None:
            cache.save(cache_path, catalog, index, served.version, fingerprint)
    space = TasteSpace(catalog, index)
    part = LibraryPart(fingerprint, catalog, index, space, NearestSearch.over(index.points),
                       _scale(space), vectors_mark)
    logger.info("auto-shuffle read %d tracks (%d analysed) in %.0f ms", len(catalog),
                len(index), (time.perf_counter() - started) * 1e3)
    return part


def follow_library(store: Store, part: LibraryPart,
                   cache_path: Path | None = None) -> LibraryPart:
    """*part* brought up to date with the store: itself when nothing changed; new vectors
    and playability followed cheaply; loaded again when tracks were added or re-read or
    another extractor's vectors serve."""
    fingerprint = store.library_fingerprint()
    old = part.fingerprint
    if fingerprint == old:
        return part
    new_extractor = fingerprint.vectors[3] != old.vectors[3]
    if fingerprint.tracks != old.tracks or new_extractor:
        return load_library(store, cache_path)
    catalog, index, mark = part.catalog, part.index, part.vectors_mark
    if fingerprint.vectors != old.vectors:
        if index.layout != tuple(LAYOUT):  # old vectors serve while a new extractor works
            return load_library(store, cache_path)
        mark = store.features.latest_analysis()
        added = store.features.vectors_since(FEATURE_VERSION, part.vectors_mark)
        index = index.with_vectors(added.ids, added.matrix)
        logger.debug("auto-shuffle indexed %d new vectors", len(added))
    if fingerprint.playability != old.playability:
        catalog = catalog.with_unplayable(store.tracks.unplayable())
    if index is part.index and catalog is part.catalog:
        return replace(part, fingerprint=fingerprint)
    space = TasteSpace(catalog, index)
    search = NearestSearch.over(index.points) if index is not part.index else part.search
    return replace(part, fingerprint=fingerprint, catalog=catalog, index=index, space=space,
                   search=search, vectors_mark=mark)


def _scale(space: TasteSpace) -> float:
    """The neighbourhood radius in the taste space, from a sample of up to SCALE_SAMPLE
    analysed tracks (tens of milliseconds, once per library load)."""
    with_point = np.flatnonzero(space.index_row >= 0)
    if len(with_point) > SCALE_SAMPLE:
        rng = np.random.default_rng(7)
        with_point = np.sort(rng.choice(with_point, size=SCALE_SAMPLE, replace=False))
    if len(with_point) < 2:
        return 1.0
    return neighbourhood_scale(space.points(with_point), k=10)
