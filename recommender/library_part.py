"""The library half of the auto-shuffle's snapshot: catalog, sound index, and how to search.

Building it reads every track and every vector and fits the sound space (seconds at 100,000
tracks, the Gaussian models' matrix logarithms most of it), so it is
built once, on a worker thread, and then followed cheaply: new vectors join the index and
playability is re-read as they change, added or re-read tracks only read the catalog
again; a new extractor, the deep pass reaching most of the library, or the library growing
by a quarter make it load again (from the start-up cache when the library is as it was
saved), so the sound space and its hub statistics are refitted as the library grows. Every
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
from recommender.index import SoundIndex
from recommender.layout import FEATURE_VERSION, LAYOUT, MUSICNN, MUSICNN_VERSION
from recommender.proximity import Side, rescale
from recommender.sound_space import DEEP_COVERAGE
from recommender.space import TasteSpace

logger = logging.getLogger(__name__)

#: Nearest tracks are ranked hub-free among this many times k nearest by plain distance,
#: and among at least SHORTLIST_MIN (hub-free ranks are not plain ranks: a track in a
#: sparse region can have its hub-free nearest a little further out).
SHORTLIST_FACTOR = 4
SHORTLIST_MIN = 200
#: The sound space is fitted again once the library has grown by this factor since its fit
#: (until then new tracks are placed by the fit they found).
REFIT_GROWTH = 1.25
#: Above this many analysed tracks, flow neighbours are looked for in a fixed random
#: subset of this size: a few milliseconds per pick even at a million tracks.
NEAREST_SEARCH = 200_000


@dataclass(frozen=True)
class NearestSearch:
    """Where "which tracks sound nearest to this one" looks: every indexed track, or above
    NEAREST_SEARCH a fixed random subset of them (flow needs close tracks, not the
    closest), with their points, squared norms and hub statistics kept."""

    index: SoundIndex
    searched: np.ndarray | None  # index rows searched; None: all
    points: np.ndarray
    norms: np.ndarray
    sides: Side | None  # hub statistics of the searched rows (None: plain distances)

    @classmethod
    def over(cls, index: SoundIndex) -> NearestSearch:
        stats = index.stats
        if len(index) <= NEAREST_SEARCH:
            return cls(index, None, index.points, index.norms,
                       stats.take(slice(None)) if stats is not None else None)
        rng = np.random.default_rng(11)
        searched = np.sort(rng.choice(len(index), NEAREST_SEARCH, replace=False))
        return cls(index, searched, index.points[searched], index.norms[searched],
                   stats.take(searched) if stats is not None else None)

    def nearest(self, row: int, k: int) -> np.ndarray:
        """Index rows of the *k* tracks nearest to index row *row*, leaving it out.

        Plain squared distances to every searched track (one matrix-vector product) pick
        SHORTLIST_FACTOR × k candidates (SHORTLIST_MIN at least); only those are made
        hub-free and ranked."""
        query = self.index.points[row]
        squared = self.norms - 2.0 * (self.points @ query)
        if self.searched is None:
            rows = None
            squared[row] = np.inf
        else:
            rows = self.searched
            squared[rows == row] = np.inf
        k = min(k, len(squared) - 1)
        if k < 1:
            return np.empty(0, dtype=np.int64)
        count = min(len(squared) - 1, max(SHORTLIST_FACTOR * k, SHORTLIST_MIN))
        listed = np.argpartition(squared, count - 1)[:count] if count < len(squared) \
            else np.arange(len(squared))
        listed = listed[np.isfinite(squared[listed])]
        d = np.sqrt(np.maximum(squared[listed].astype(np.float64) + float(query @ query), 0.0))
        if self.sides is not None and self.index.stats is not None:
            sides = self.sides
            d = rescale(d, self.index.stats.take(row),
                        Side(sides.mean[listed], sides.spread[listed], sides.zero[listed]))
        k = min(k, len(listed))
        nearest = listed[np.argpartition(d, k - 1)[:k]]
        return nearest if rows is None else rows[nearest]


@dataclass(frozen=True)
class LibraryPart:
    """Catalog, index and taste space of one state of the library."""

    fingerprint: LibraryFingerprint
    catalog: Catalog
    index: SoundIndex
    space: TasteSpace
    search: NearestSearch
    vectors_mark: float  # vectors analysed at or after this time are not indexed yet

    def nearest_rows(self, row: int, k: int) -> np.ndarray:
        """Catalog rows of the k tracks that sound nearest to catalog *row* (none if it is
        not analysed)."""
        point_row = int(self.space.index_row[row])
        if point_row < 0 or len(self.index) < 2:
            return np.empty(0, dtype=np.int64)
        found = self.space.catalog_rows(self.search.nearest(point_row, k))
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
        index = SoundIndex.from_store(store)
        if cache_path is not None:
            cache.save(cache_path, catalog, index, fingerprint)
    space = TasteSpace(catalog, index)
    part = LibraryPart(fingerprint, catalog, index, space, NearestSearch.over(index),
                       vectors_mark)
    logger.info("auto-shuffle read %d tracks (%d analysed) in %.0f ms", len(catalog),
                len(index), (time.perf_counter() - started) * 1e3)
    return part


def follow_library(store: Store, part: LibraryPart,
                   cache_path: Path | None = None) -> LibraryPart:
    """*part* brought up to date with the store: itself when nothing changed; tracks
    added or re-read (the catalog read again), new vectors and playability followed
    cheaply; loaded again, the sound space fitted anew, when another extractor's vectors
    serve, when the deep pass has reached most of the library, or when the library has
    grown by REFIT_GROWTH since the space was fitted."""
    fingerprint = store.library_fingerprint()
    old = part.fingerprint
    if fingerprint == old:
        return part
    if fingerprint.vectors[3] != old.vectors[3]:  # a new extractor
        return load_library(store, cache_path)
    catalog, index, mark = part.catalog, part.index, part.vectors_mark
    tracks_changed = fingerprint.tracks != old.tracks
    if tracks_changed:
        catalog = Catalog.load(store)
    if fingerprint.vectors != old.vectors or fingerprint.deep != old.deep:
        if index.sound_layout != LAYOUT:  # old vectors serve while a new extractor works
            return load_library(store, cache_path)
        if fingerprint.deep != old.deep and not index.fit.uses_musicnn \
                and _deep_covers(store, len(index)):
            return load_library(store, cache_path)  # the deep pass is done: refit with it
        mark = store.features.latest_analysis()
        sound = store.features.vectors_since(FEATURE_VERSION, part.vectors_mark)
        deep = store.features.vectors_since(MUSICNN_VERSION, part.vectors_mark, kind=MUSICNN)
        index = index.with_vectors((sound.ids, sound.matrix), (deep.ids, deep.matrix))
        logger.debug("auto-shuffle indexed %d new vectors and %d embeddings", len(sound),
                     len(deep))
        if len(index) >= REFIT_GROWTH * max(index.fit.fitted_on, 1):
            return load_library(store, cache_path)  # grown: fit the space to it again
    if fingerprint.playability != old.playability and not tracks_changed:
        catalog = catalog.with_unplayable(store.tracks.unplayable())
    if index is part.index and catalog is part.catalog:
        return replace(part, fingerprint=fingerprint)
    if tracks_changed and cache_path is not None:
        cache.save(cache_path, catalog, index, fingerprint)
    space = TasteSpace(catalog, index)
    search = NearestSearch.over(index) if index is not part.index else part.search
    return replace(part, fingerprint=fingerprint, catalog=catalog, index=index, space=space,
                   search=search, vectors_mark=mark)


def _deep_covers(store: Store, described: int) -> bool:
    """Whether the deep pass has reached enough of the *described* tracks for its part to
    join the sound space (sound_space.DEEP_COVERAGE)."""
    analysed = store.features.counts(MUSICNN_VERSION, kind=MUSICNN)["analysed"]
    return described > 0 and analysed >= DEEP_COVERAGE * described
