"""The taste space: where "near" means "sounds alike, and shares genre and era".

The distance between two catalog rows combines, as the sides of a right angle, the sound
index's hub-free distance (a random pair is about 1 apart) with two light metadata
distances: the genre words hashed into GENRE_BUCKETS (unit length, weighted by
GENRE_WEIGHT, so two tracks with no genre word in common are that far apart) and the year
(YEAR_WEIGHT per 30 years). Distances and points are computed only for the rows a
computation needs, so no second library-sized matrix is ever held.
"""

from __future__ import annotations

import zlib

import numpy as np

from recommender.catalog import Catalog
from recommender.index import SoundIndex
from recommender.proximity import Side, rescale

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

    def catalog_rows(self, index_rows: np.ndarray) -> np.ndarray:
        """Catalog rows of sound-index rows (-1 where the catalog lacks the track)."""
        return self._catalog_row[index_rows]

    def has_point(self, rows: np.ndarray) -> np.ndarray:
        return self.index_row[rows] >= 0

    @property
    def dimensions(self) -> int:
        return self.index.points.shape[1] + GENRE_BUCKETS + 1

    def points(self, rows: np.ndarray) -> np.ndarray:
        """Euclidean points of catalog *rows* (all must have one, see has_point): the sound
        point, the genre coordinates, the year. Their plain distances are what the hub-free
        distance rescales; the map, regions and paths work on them directly."""
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), self.dimensions), dtype=np.float32)
        sound = self.index.points.shape[1]
        out[:, :sound] = self.index.points[self.index_row[rows]]
        out[:, sound:sound + GENRE_BUCKETS] = self._genres[self.catalog.genre_code[rows]]
        out[:, -1] = self._years(rows)
        return out

    def _years(self, rows: np.ndarray) -> np.ndarray:
        years = self.catalog.year[rows]
        return np.where(np.isnan(years), self._year_centre, years) / YEAR_SPAN * YEAR_WEIGHT

    def distance_matrix(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """(len(rows_a), len(rows_b)) distances between catalog rows, all of which must
        have a point (see has_point)."""
        rows_a = np.asarray(rows_a, dtype=np.int64)
        rows_b = np.asarray(rows_b, dtype=np.int64)
        sound = self.index.distance_matrix(self.index_row[rows_a], self.index_row[rows_b])
        genres_a = self._genres[self.catalog.genre_code[rows_a]]
        genres_b = self._genres[self.catalog.genre_code[rows_b]]
        genre = (np.einsum("ij,ij->i", genres_a, genres_a)[:, None]
                 + np.einsum("ij,ij->i", genres_b, genres_b)[None, :]
                 - 2.0 * genres_a @ genres_b.T)
        year = self._years(rows_a)[:, None] - self._years(rows_b)[None, :]
        return np.sqrt(sound ** 2 + np.maximum(genre, 0.0) + year ** 2)

    def refine(self, rows_a: np.ndarray, rows_b: np.ndarray, squared: np.ndarray
               ) -> np.ndarray:
        """(m, c) distances, as distance_matrix measures them, from each of catalog
        *rows_a* (m,) to its own *rows_b* (m, c), given their plain squared distances
        between `points` (*squared*, (m, c)): the sound part is what remains once the
        genre and year parts are taken out, then made hub-free. A few candidates per row
        cost next to nothing this way."""
        rows_a = np.asarray(rows_a, dtype=np.int64)
        rows_b = np.asarray(rows_b, dtype=np.int64)
        genre = (self._genres[self.catalog.genre_code[rows_b]]
                 - self._genres[self.catalog.genre_code[rows_a]][:, None, :])
        genre2 = np.einsum("mcg,mcg->mc", genre, genre)
        year2 = (self._years(rows_b) - self._years(rows_a)[:, None]) ** 2
        sound = np.sqrt(np.maximum(np.asarray(squared, np.float64) - genre2 - year2, 0.0))
        stats = self.index.stats
        if stats is not None:
            a = stats.take(self.index_row[rows_a])
            sound = rescale(sound, Side(a.mean[:, None], a.spread[:, None], a.zero[:, None]),
                            stats.take(self.index_row[rows_b]))
        return np.sqrt(sound ** 2 + genre2 + year2)

    def distances(self, anchor_row: int, rows: np.ndarray) -> np.ndarray:
        """Distances from one catalog row to many (rows without a point must be filtered)."""
        return self.distance_matrix(np.array([anchor_row]), rows)[0]
