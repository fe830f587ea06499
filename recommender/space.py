"""The taste space: where "near" means "sounds alike, and shares genre and era".

A point is the sound index's scaled vector (a random pair is about 1 apart) followed by a
few light metadata coordinates: the genre words hashed into GENRE_BUCKETS (unit length,
weighted by GENRE_WEIGHT) and the year (YEAR_WEIGHT per 30 years). Points are built only
for the rows a computation needs, so no second library-sized matrix is ever held.
"""

from __future__ import annotations

import zlib

import numpy as np

from recommender.catalog import Catalog
from recommender.index import SoundIndex

GENRE_BUCKETS = 24
#: Two tracks with no genre word in common are this far apart on the genre axes.
GENRE_WEIGHT = 0.45 / np.sqrt(2.0)
#: Distance added by 30 years between two tracks.
YEAR_WEIGHT = 0.25
YEAR_SPAN = 30.0


def _bucket(word: str) -> int:
    return zlib.crc32(word.encode("utf-8")) % GENRE_BUCKETS


def _genre_vector(words: frozenset[str]) -> np.ndarray:
    """Genre words hashed into buckets, scaled to GENRE_WEIGHT (zero without a genre)."""
    vector = np.zeros(GENRE_BUCKETS, dtype=np.float32)
    for word in words:
        vector[_bucket(word)] += 1.0
    norm = float(np.linalg.norm(vector))
    return vector * (GENRE_WEIGHT / norm) if norm else vector


class TasteSpace:
    """Maps catalog rows to points; rows of tracks not analysed yet have no point."""

    def __init__(self, catalog: Catalog, index: SoundIndex) -> None:
        self.catalog = catalog
        self.index = index
        self.index_row = np.full(len(catalog), -1, dtype=np.int64)
        self._catalog_row = np.full(len(index.ids), -1, dtype=np.int64)
        for i, tid in enumerate(index.ids.tolist()):
            row = catalog.row_of.get(tid)
            if row is not None:
                self.index_row[row] = i
                self._catalog_row[i] = row
        known = catalog.year[~np.isnan(catalog.year)]
        self._year_centre = float(np.median(known)) if len(known) else 2000.0
        self._genres = np.array([_genre_vector(words) for words in catalog.genre_sets],
                                dtype=np.float32).reshape(-1, GENRE_BUCKETS)

    @property
    def dimensions(self) -> int:
        return self.index.points.shape[1] + GENRE_BUCKETS + 1

    def catalog_rows(self, index_rows: np.ndarray) -> np.ndarray:
        """Catalog rows of sound-index rows (-1 where the catalog lacks the track)."""
        return self._catalog_row[index_rows]

    def has_point(self, rows: np.ndarray) -> np.ndarray:
        return self.index_row[rows] >= 0

    def points(self, rows: np.ndarray) -> np.ndarray:
        """Points of catalog *rows*, all of which must have one (see has_point)."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), self.dimensions), dtype=np.float32)
        sound = self.index.points.shape[1]
        out[:, :sound] = self.index.points[self.index_row[rows]]
        out[:, sound:sound + GENRE_BUCKETS] = self._genres[self.catalog.genre_code[rows]]
        years = self.catalog.year[rows]
        years = np.where(np.isnan(years), self._year_centre, years)
        out[:, -1] = (years - self._year_centre) / YEAR_SPAN * YEAR_WEIGHT
        return out

    def distances(self, anchor_row: int, rows: np.ndarray) -> np.ndarray:
        """Distances from one catalog row to many (rows without a point must be filtered)."""
        anchor = self.points(np.array([anchor_row]))[0]
        return np.linalg.norm(self.points(rows) - anchor, axis=1)
