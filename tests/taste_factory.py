"""Synthetic libraries for recommender tests and benchmarks: styles as clusters of vectors.

Each style is a cloud of feature vectors around its own centre, with several artists and
albums, and a genre named after the style. Tracks and vectors go straight into a real
store, so everything above the store (catalog, index, taste, shuffle) runs for real.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from vector_factory import sound_vectors

from player.models import Track
from player.store import Store
from player.store.features import FeatureResult
from recommender.layout import DESCRIPTORS, FEATURE_VERSION


@dataclass
class SyntheticLibrary:
    style_of: dict[int, int]  # track id -> style number
    artist_of: dict[int, str]

    def tracks_of(self, style: int) -> list[int]:
        return sorted(t for t, s in self.style_of.items() if s == style)


def build_library(store: Store, *, styles: int = 6, artists_per_style: int = 4,
                  tracks_per_artist: int = 8, spread: float = 1.0, separation: float = 3.0,
                  seed: int = 0, added_days_ago: float = 400.0) -> SyntheticLibrary:
    """Fill *store* with styles × artists × tracks, each with a feature vector."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(styles, DESCRIPTORS)) * separation
    added = time.time() - added_days_ago * 86_400.0
    style_of: dict[int, int] = {}
    artist_of: dict[int, str] = {}
    ids: list[int] = []
    descriptors: list[np.ndarray] = []
    with store.db.transaction():
        for s in range(styles):
            for a in range(artists_per_style):
                artist = f"Artist {s}.{a}"
                for t in range(tracks_per_artist):
                    tid = store.tracks.upsert(
                        Track(path=f"/music/style{s}/artist{a}/track{t:02d}.flac",
                              title=f"Song {s}.{a}.{t}", artists=(artist,),
                              album=f"Album {s}.{a}", genres=(f"Style{s}",),
                              year=1970 + 5 * s, duration=180.0 + t),
                        now=added)
                    style_of[tid] = s
                    artist_of[tid] = artist
                    descriptors.append(centres[s] + rng.normal(size=DESCRIPTORS) * spread)
                    ids.append(tid)
        vectors = sound_vectors(np.array(descriptors))
        store.features.save(FEATURE_VERSION, [FeatureResult(t, v)
                                              for t, v in zip(ids, vectors, strict=True)])
    return SyntheticLibrary(style_of, artist_of)
