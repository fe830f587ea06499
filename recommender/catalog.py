"""The catalog: every track the auto-shuffle may consider, as flat arrays.

One SQL pass loads what the hard rules and the novelty score need (artist and album keys,
genre, year, playability, when it was added and last played, how often it was played).
Columns are turned into arrays in bulk, normalising each distinct name once, so loading
100,000 tracks takes a fraction of a second and a pick works on arrays only. Titles are
fetched only for the few tracks a reason names.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

from player.store import Store

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+")

_SQL = """
SELECT id, coalesce(artist, ''), coalesce(album, ''), coalesce(albumartist, artist, ''),
       coalesce(genre, ''), year, added_at,
       (missing_since IS NULL AND scan_error IS NULL AND play_error IS NULL)
FROM tracks ORDER BY id
"""

_PLAY_STATS_SQL = """
SELECT track_id, sum(outcome IS NULL OR outcome != 'error'), max(started_at)
FROM plays GROUP BY track_id
"""

#: The arrays that depend only on the tracks table (what the library cache keeps).
STATIC_ARRAYS = ("ids", "artist_key", "album_key", "playable", "added_at", "year",
                 "genre_code")


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _codes(values: tuple[str, ...], key: object = _normal) -> tuple[np.ndarray, list[str]]:
    """Integer codes for *values* equal after normalising, and the normalised distinct
    values; each distinct raw value is normalised once."""
    raw, inverse = np.unique(np.array(values, dtype=object), return_inverse=True)
    normalised = [key(v) for v in raw.tolist()]  # type: ignore[operator]
    distinct: dict[str, int] = {}
    code_of_raw = np.array([distinct.setdefault(v, len(distinct)) for v in normalised],
                           dtype=np.int64)
    return code_of_raw[inverse.reshape(-1)], list(distinct)


@dataclass
class Catalog:
    """Arrays aligned by row; `row_of` maps a track id to its row."""

    ids: np.ndarray  # int64 track ids
    artist_key: np.ndarray  # int64; tracks with no artist get a key of their own
    album_key: np.ndarray  # int64; -1 for no album
    playable: np.ndarray  # bool: present on disk, readable, not failing to play
    added_at: np.ndarray  # float64 Unix seconds
    last_played: np.ndarray  # float64 Unix seconds, NaN when never played
    play_count: np.ndarray  # int64
    year: np.ndarray  # float64, NaN when unknown
    genre_code: np.ndarray  # int64 index into genre_sets
    genre_sets: list[frozenset[str]]  # each distinct set of lower-case genre words, once
    row_of: dict[int, int]
    store: Store | None = None
    _titles: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def load(cls, store: Store) -> Catalog:
        rows = store.db.query(_SQL)
        if not rows:
            empty_i, empty_f = np.empty(0, np.int64), np.empty(0, np.float64)
            return cls(empty_i, empty_i, empty_i, np.empty(0, bool), empty_f, empty_f,
                       empty_i, empty_f, empty_i, [], {}, store)
        ids, artists, albums, album_artists, genres, years, added, playable = zip(
            *rows, strict=True)
        id_arr = np.array(ids, dtype=np.int64)
        artist_code, artist_names = _codes(artists)
        no_artist = np.array([name == "" for name in artist_names])[artist_code]
        artist_key = np.where(no_artist, -1 - id_arr, artist_code)
        album_pairs = tuple(f"{a}\x1f{b}" if a else "" for a, b in
                            zip(albums, album_artists, strict=True))
        album_code, album_names = _codes(album_pairs)
        no_album = np.array([name == "" for name in album_names])[album_code]
        genre_code, genre_names = _codes(genres, key=str.casefold)
        catalog = cls(
            ids=id_arr,
            artist_key=artist_key,
            album_key=np.where(no_album, -1, album_code),
            playable=np.array(playable, dtype=bool),
            added_at=np.array(added, dtype=np.float64),
            last_played=np.full(len(ids), np.nan),
            play_count=np.zeros(len(ids), dtype=np.int64),
            year=np.array([np.nan if v is None else v for v in years], np.float64),
            genre_code=genre_code,
            genre_sets=[frozenset(_WORD.findall(g)) for g in genre_names],
            row_of=dict(zip(ids, range(len(ids)), strict=True)),
            store=store,
        )
        catalog.refresh_play_stats()
        logger.debug("catalog loaded: %d tracks, %d artists", len(ids), len(artist_names))
        return catalog

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], genre_sets: list[frozenset[str]],
                    store: Store) -> Catalog:
        """A catalog from saved STATIC_ARRAYS; play stats are read fresh from *store*."""
        ids = arrays["ids"]
        catalog = cls(
            ids=ids, artist_key=arrays["artist_key"], album_key=arrays["album_key"],
            playable=arrays["playable"].astype(bool), added_at=arrays["added_at"],
            last_played=np.full(len(ids), np.nan), play_count=np.zeros(len(ids), np.int64),
            year=arrays["year"], genre_code=arrays["genre_code"], genre_sets=genre_sets,
            row_of=dict(zip(ids.tolist(), range(len(ids)), strict=True)), store=store,
        )
        catalog.refresh_play_stats()
        return catalog

    def refresh_playability(self) -> None:
        """Re-read which tracks are missing or failing (one pass, few rows returned)."""
        if self.store is None:
            return
        self.playable[:] = True
        bad = self.store.db.query(
            "SELECT id FROM tracks WHERE missing_since IS NOT NULL OR scan_error IS NOT NULL "
            "OR play_error IS NOT NULL")
        rows = self.rows([r[0] for r in bad])
        if len(rows):
            self.playable[rows] = False

    def refresh_play_stats(self) -> None:
        """Read how often and when each track was played (errors are not plays)."""
        if self.store is None:
            return
        self.play_count[:] = 0
        self.last_played[:] = np.nan
        rows = self.store.db.query(_PLAY_STATS_SQL)
        if not rows:
            return
        track_ids, counts, last = zip(*rows, strict=True)
        found = [(self.row_of.get(t, -1)) for t in track_ids]
        at = np.array(found, dtype=np.int64)
        known = at >= 0
        self.play_count[at[known]] = np.array(counts, dtype=np.int64)[known]
        self.last_played[at[known]] = np.array(last, dtype=np.float64)[known]

    def rows(self, track_ids: list[int] | set[int]) -> np.ndarray:
        """Rows of the given ids that the catalog knows, as an int64 array."""
        return np.array([self.row_of[t] for t in track_ids if t in self.row_of], dtype=np.int64)

    def title(self, row: int) -> str:
        """The display title of the track at *row* (read on demand, then remembered)."""
        track_id = int(self.ids[row])
        title = self._titles.get(track_id)
        if title is None:
            found = (self.store.db.query("SELECT title, path FROM tracks WHERE id = ?",
                                         (track_id,)) if self.store is not None else [])
            title = (found[0][0] or str(found[0][1]).rsplit("/", 1)[-1]) if found else "?"
            self._titles[track_id] = title
        return title
