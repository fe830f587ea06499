"""What the auto-shuffle knows at a given moment: the library, its sound, and the taste.

TasteState loads the catalog, the sound index and the judgements once, then keeps them
current cheaply: new ratings, plays and removals are read incrementally (by row id) before
each fill, and the taste model is rebuilt only when one arrived. The library itself (scans,
analysis) is reloaded when its fingerprint changes, checked at most every
LIBRARY_CHECK_SECONDS, or at once after `invalidate()`.

Predictions are cached per track until the taste changes, so repeated fills only pay for
tracks they have not scored before.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from player.store import Store
from recommender import cache
from recommender.catalog import Catalog
from recommender.index import SoundIndex, layout_for
from recommender.layout import FEATURE_VERSION, LAYOUT
from recommender.space import TasteSpace
from recommender.taste import (
    Signal,
    SignalKind,
    TasteModel,
    neighbourhood_scale,
    preferences,
)

logger = logging.getLogger(__name__)

LIBRARY_CHECK_SECONDS = 10.0
#: Libraries smaller than this are checked for changes before every fill (a millisecond).
ALWAYS_CHECK_BELOW = 5_000
#: Above this many analysed tracks, flow neighbours are looked for in a fixed random
#: subset of this size: a few milliseconds per pick even at a million tracks.
NEAREST_SEARCH = 200_000
#: Library points that set the taste model's distance scale.
SCALE_SAMPLE = 5_000


class TasteState:
    """Catalog, index, judgements and taste model of one library, kept current."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.time,
                 cache_path: Path | None = None) -> None:
        """*cache_path*: where to keep a copy of the catalog and index between starts
        (see recommender/cache.py); None builds them from the store every time."""
        self.store = store
        self._clock = clock
        self._cache_path = cache_path
        self._ratings: dict[int, tuple[int, float]] = {}
        self._events: list[Signal] = []
        self._open_plays: set[int] = set()
        self._marks = {"ratings": 0, "plays": 0, "removals": 0}
        self._library_fingerprint = cache.library_fingerprint(store)
        self._library_checked = self._clock()
        self._reload_library(self._library_fingerprint)

    # -- keeping current -------------------------------------------------------------------

    def invalidate(self) -> None:
        """The library changed (scan, analysis): look for what changed before the next pick."""
        self._library_checked = -math.inf

    def refresh_if_changed(self) -> None:
        now = self._clock()
        if (now - self._library_checked >= LIBRARY_CHECK_SECONDS
                or len(self.catalog) < ALWAYS_CHECK_BELOW):
            self._library_checked = now
            fingerprint = cache.library_fingerprint(self.store)
            old, self._library_fingerprint = self._library_fingerprint, fingerprint
            if fingerprint != old and not self._follow_changes(old, fingerprint):
                self._reload_library(fingerprint)
                return
        if self._read_new_judgements():
            self._rebuild_taste()

    def _follow_changes(self, old: list[float], new: list[float]) -> bool:
        """Bring the loaded library up to date without reloading it, when only what a long
        analysis or playback changes has changed: playability and new vectors. Returns
        False when a full reload is needed (tracks added or re-read, another extractor)."""
        if old[cache.TRACKS] != new[cache.TRACKS] or old[cache.FEATURES.stop:] != \
                new[cache.FEATURES.stop:]:
            return False
        if old[cache.FEATURES] != new[cache.FEATURES]:
            if self.index.layout != tuple(LAYOUT):
                return False  # old vectors serve while a new extractor re-analyses
            since, self._vectors_mark = self._vectors_mark, self.store.features.latest_analysis()
            added = self.store.features.vectors_since(FEATURE_VERSION, since)
            self.index.add(added.ids, added.matrix)
            self._index_changed()
            logger.debug("auto-shuffle indexed %d new vectors", len(added))
        if old[cache.PLAYABILITY] != new[cache.PLAYABILITY]:
            self.catalog.refresh_playability()
        self._rebuild_taste()
        return True

    def _load_library(self, fingerprint: list[float]) -> tuple[Catalog, SoundIndex]:
        """Catalog and sound index: from the cache when it matches, else from the store
        (and then saved for the next start)."""
        self._vectors_mark = self.store.features.latest_analysis()
        if self._cache_path is not None:
            loaded = cache.load(self._cache_path, self.store, fingerprint)
            if loaded is not None:
                return loaded
        catalog = Catalog.load(self.store)
        served = self.store.features.load_matrix(FEATURE_VERSION)
        dims = served.matrix.shape[1] if len(served) else LAYOUT[-1].stop
        index = SoundIndex(served.ids, served.matrix, layout=layout_for(served.version, dims))
        if self._cache_path is not None:
            cache.save(self._cache_path, catalog, index, served.version, fingerprint)
        return catalog, index

    def _reload_library(self, fingerprint: list[float]) -> None:
        started = time.perf_counter()
        self.catalog, self.index = self._load_library(fingerprint)
        self._index_changed()
        self.scale = self._library_scale()
        self._read_new_judgements()
        self._rebuild_taste()
        logger.info("auto-shuffle reloaded %d tracks (%d analysed) in %.0f ms",
                    len(self.catalog), len(self.index), (time.perf_counter() - started) * 1e3)

    def _index_changed(self) -> None:
        """The catalog or the index changed: map them again, forget the search cache."""
        self.space = TasteSpace(self.catalog, self.index)
        self._norms: np.ndarray | None = None

    def _read_new_judgements(self) -> bool:
        """Read ratings, finished plays and removals added since the last call."""
        db, marks = self.store.db, self._marks
        changed = False
        for rid, tid, stars, at in db.query(
                "SELECT id, track_id, stars, rated_at FROM ratings WHERE id > ? ORDER BY id",
                (marks["ratings"],)):
            marks["ratings"] = rid
            if stars:
                self._ratings[tid] = (stars, at)
            else:
                self._ratings.pop(tid, None)
            changed = True
        reopened = sorted(self._open_plays)
        rows = db.query("SELECT id, track_id, started_at, outcome FROM plays WHERE id > ?",
                        (marks["plays"],))
        for start in range(0, len(reopened), 500):
            chunk = reopened[start:start + 500]
            rows += db.query("SELECT id, track_id, started_at, outcome FROM plays "
                             f"WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        for pid, tid, at, outcome in rows:
            marks["plays"] = max(marks["plays"], pid)
            if outcome is None:
                self._open_plays.add(pid)
                continue
            self._open_plays.discard(pid)
            if outcome in ("completed", "skipped"):
                self._events.append(Signal(tid, SignalKind(outcome), at))
                changed = True
        for rid, tid, at in db.query(
                "SELECT id, track_id, removed_at FROM removals WHERE id > ? ORDER BY id",
                (marks["removals"],)):
            marks["removals"] = rid
            self._events.append(Signal(tid, SignalKind.REMOVED, at))
            changed = True
        return changed

    def _rebuild_taste(self) -> None:
        ratings = [Signal(tid, SignalKind.RATING, at, stars)
                   for tid, (stars, at) in self._ratings.items()]
        self.preferences = preferences([*ratings, *self._events], self._clock())
        cat = self.catalog
        self._own = np.full(len(cat), np.nan)
        judged_rows, judged_prefs = [], []
        for tid, pref in self.preferences.items():
            row = cat.row_of.get(tid)
            if row is not None:
                self._own[row] = pref
                judged_rows.append(row)
                judged_prefs.append(pref)
        self._one_star = np.zeros(len(cat), bool)
        for tid, (stars, _) in self._ratings.items():
            if stars == 1 and tid in cat.row_of:
                self._one_star[cat.row_of[tid]] = True
        rows = np.array(judged_rows, dtype=np.int64)
        with_point = rows[self.space.has_point(rows)] if len(rows) else rows
        prefs = self._own[with_point] if len(with_point) else np.empty(0)
        dims = self.space.dimensions
        self.taste = TasteModel(
            cat.ids[with_point] if len(with_point) else np.empty(0, np.int64),
            self.space.points(with_point) if len(with_point) else np.empty((0, dims)),
            prefs, self.scale,
        )
        self._pred = np.full(len(cat), np.nan)
        self._conf = np.zeros(len(cat))
        self._backer = np.full(len(cat), -1, dtype=np.int64)

    def _library_scale(self) -> float:
        """The neighbourhood radius in the taste space, from a sample of up to 20,000
        analysed tracks (tens of milliseconds, once per library load)."""
        with_point = np.flatnonzero(self.space.index_row >= 0)
        if len(with_point) > SCALE_SAMPLE:
            rng = np.random.default_rng(7)
            with_point = np.sort(rng.choice(with_point, size=SCALE_SAMPLE, replace=False))
        if len(with_point) < 2:
            return 1.0
        return neighbourhood_scale(self.space.points(with_point), k=10)

    # -- reading -----------------------------------------------------------------------------

    def one_star_mask(self) -> np.ndarray:
        return self._one_star.copy()

    def own_preferences(self, rows: np.ndarray) -> np.ndarray:
        """The listener's own preference for each row, NaN where never judged."""
        return self._own[rows]

    def predictions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(preference, confidence, backer id) predicted from neighbours, for rows with a
        point; rows without one predict 0 with no confidence. Cached until taste changes."""
        rows = np.asarray(rows, dtype=np.int64)
        todo = rows[np.isnan(self._pred[rows])]
        if len(todo):
            todo = np.unique(todo)
            has = self.space.has_point(todo)
            self._pred[todo[~has]] = 0.0
            if has.any():
                prediction = self.taste.predict(self.space.points(todo[has]))
                self._pred[todo[has]] = prediction.preference
                self._conf[todo[has]] = prediction.confidence
                self._backer[todo[has]] = prediction.backer
        return self._pred[rows], self._conf[rows], self._backer[rows]

    def preference_of(self, row: int) -> float:
        """Own preference if judged, else the predicted one."""
        own = self._own[row]
        if not np.isnan(own):
            return float(own)
        return float(self.predictions(np.array([row]))[0][0])

    def still_playable(self, row: int) -> bool:
        """Whether the track at *row* is still playable in the store (it may have gone
        missing or failed to play since the catalog was loaded); remembered if not."""
        ok = self.store.db.scalar(
            "SELECT missing_since IS NULL AND scan_error IS NULL AND play_error IS NULL "
            "FROM tracks WHERE id = ?", (int(self.catalog.ids[row]),))
        if not ok:
            self.catalog.playable[row] = False
        return bool(ok)

    def stars_of(self, track_id: int) -> int | None:
        rating = self._ratings.get(track_id)
        return rating[0] if rating else None

    def nearest_rows(self, row: int, k: int) -> np.ndarray:
        """Catalog rows of the k tracks that sound nearest to *row* (none if unanalysed).

        One matrix-vector product over the sound points with their squared norms kept from
        the load: a few milliseconds at 100,000 tracks, no explanation computed.
        """
        point_row = self.space.index_row[row]
        points = self.index.points
        if point_row < 0 or len(points) < 2:
            return np.empty(0, dtype=np.int64)
        if self._norms is None:
            self._searched = np.arange(len(points))
            self._searched_points = points
            if len(points) > NEAREST_SEARCH:  # flow needs close tracks, not the closest
                rng = np.random.default_rng(11)
                self._searched = np.sort(rng.choice(len(points), NEAREST_SEARCH,
                                                    replace=False))
                self._searched_points = points[self._searched]
            self._norms = np.einsum("ij,ij->i", self._searched_points, self._searched_points)
        d2 = self._norms - 2.0 * (self._searched_points @ points[point_row])
        d2[self._searched == point_row] = np.inf
        k = min(k, len(d2) - 1)
        nearest = self._searched[np.argpartition(d2, k - 1)[:k]]
        found = self.space.catalog_rows(nearest)
        return found[found >= 0]

    def agreeing_groups(self, a: int, b: int) -> tuple[str, ...]:
        """Feature groups in which tracks *a* and *b* agree most (empty if unanalysed)."""
        if a in self.index and b in self.index:
            return self.index.agreeing_groups(a, b)
        return ()
