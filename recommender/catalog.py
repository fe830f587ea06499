"""The catalog: every track the auto-shuffle may consider, as flat arrays.

One read of the store loads what the hard rules, the novelty score and the reasons need
(artist and album keys, genre, year, playability, when it was added, its title). Columns
are turned into arrays in bulk, normalising each distinct name once, so loading 100,000
tracks takes a fraction of a second and a pick works on arrays only.

A catalog is immutable once built: a snapshot of the auto-shuffle shares it with the
picks running on another thread. A change (tracks that became unplayable) makes a new
catalog that shares the unchanged arrays.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from player.store import Store
from player.store.predicates import PLAYABLE

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+")

#: The arrays that depend only on the tracks table (what the library cache keeps).
STATIC_ARRAYS = ("ids", "artist_key", "album_key", "state", "added_at", "year",
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


@dataclass(frozen=True)
class Catalog:
    """Arrays aligned by row; `row_of` maps a track id to its row. Never changed in place."""

    ids: np.ndarray  # int64 track ids, ascending
    artist_key: np.ndarray  # int64; tracks with no artist get a key of their own
    album_key: np.ndarray  # int64; -1 for no album
    state: np.ndarray  # int8: PLAYABLE, or why not (player.store.predicates)
    added_at: np.ndarray  # float64 Unix seconds
    year: np.ndarray  # float64, NaN when unknown
    genre_code: np.ndarray  # int64 index into genre_sets
    genre_sets: list[frozenset[str]]  # each distinct set of lower-case genre words, once
    titles: list[str]  # what a reason calls each track
    row_of: dict[int, int]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def playable(self) -> np.ndarray:
        """bool per row: present on disk, readable, not failing to play."""
        return self.state == PLAYABLE

    @classmethod
    def empty(cls) -> Catalog:
        none_i, none_f = np.empty(0, np.int64), np.empty(0, np.float64)
        return cls(none_i, none_i, none_i, np.empty(0, np.int8), none_f, none_f, none_i, [],
                   [], {})

    @classmethod
    def load(cls, store: Store) -> Catalog:
        """The catalog of every track in *store* (missing and unreadable ones included,
        marked unplayable, so a track that comes back needs no reload)."""
        rows = store.tracks.catalog_rows()
        if not rows:
            return cls.empty()
        ids, titles, artists, albums, album_artists, genres, years, added, states = zip(
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
        logger.debug("catalog loaded: %d tracks, %d artists", len(ids), len(artist_names))
        return cls(
            ids=id_arr,
            artist_key=artist_key,
            album_key=np.where(no_album, -1, album_code),
            state=np.array(states, dtype=np.int8),
            added_at=np.array(added, dtype=np.float64),
            year=np.array([np.nan if v is None else v for v in years], np.float64),
            genre_code=genre_code,
            genre_sets=[frozenset(_WORD.findall(g)) for g in genre_names],
            titles=list(titles),
            row_of=dict(zip(ids, range(len(ids)), strict=True)),
        )

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], genre_sets: list[frozenset[str]],
                    titles: dict[int, str]) -> Catalog:
        """A catalog from saved STATIC_ARRAYS and the titles read now (id → title)."""
        ids = arrays["ids"]
        id_list = ids.tolist()
        return cls(
            ids=ids, artist_key=arrays["artist_key"], album_key=arrays["album_key"],
            state=arrays["state"].astype(np.int8), added_at=arrays["added_at"],
            year=arrays["year"], genre_code=arrays["genre_code"], genre_sets=genre_sets,
            titles=[titles.get(i, "?") for i in id_list],
            row_of=dict(zip(id_list, range(len(ids)), strict=True)),
        )

    def with_unplayable(self, states: Mapping[int, int]) -> Catalog:
        """This catalog with exactly the tracks of *states* (id → why) unplayable, and every
        other track playable: a new catalog, the rest of the arrays shared."""
        state = np.full(len(self), PLAYABLE, dtype=np.int8)
        known = [(self.row_of[t], why) for t, why in states.items() if t in self.row_of]
        if known:
            rows, whys = zip(*known, strict=True)
            state[list(rows)] = whys
        return dataclasses.replace(self, state=state)

    def rows(self, track_ids: Iterable[int]) -> np.ndarray:
        """Rows of the given ids that the catalog knows, as an int64 array."""
        return np.array([self.row_of[t] for t in track_ids if t in self.row_of], dtype=np.int64)

    def title(self, row: int) -> str:
        """The title a person knows the track at *row* by."""
        return self.titles[row] or "?"

    def titles_of(self, rows: Sequence[int]) -> list[str]:
        return [self.title(r) for r in rows]
