"""Making the taste map off the window's thread: layout, profile and colours in one go.

`prepare_map` follows the previous layout (or the saved one) when it can and computes a
new one when it must (recommender/map_layout.py), builds the taste profile
(recommender/profile.py) and colours the points from one Snapshot of the auto-shuffle.
It runs on a worker with a Store of its own; its result is immutable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from player.store import Store
from recommender import map_layout
from recommender.library_part import LibraryPart
from recommender.map_layout import MapLayout
from recommender.profile import build_profile, region_labels
from recommender.snapshot import Snapshot
from recommender.sound_words import SoundWords
from recommender.taste_map import TasteMap, colour

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MapResult:
    layout: MapLayout
    taste_map: TasteMap
    seconds: float  # how long the layout took (0 when followed or loaded)
    computed: bool  # True when the whole layout was computed again
    #: What a later map of the same library part reuses: regions, names, sound words.
    library: LibraryPart | None = None
    labels: np.ndarray | None = None
    names: Mapping[int, tuple[str, str, str]] | None = None
    words: SoundWords | None = None


def prepare_map(store: Store, snapshot: Snapshot, previous: MapResult | None, *,
                cache_path: Path | None = None,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> MapResult:
    """The map of *snapshot*'s library: the *previous* map's layout (else the saved one)
    followed, or a new one computed and saved; its regions, names and words reused while
    the library part is the same. Raises map_layout.LayoutCancelled when *cancelled*."""
    library = snapshot.library
    layout = previous.layout if previous is not None else None
    if layout is None and cache_path is not None:
        layout = map_layout.load_layout(cache_path)
    started = time.perf_counter()
    followed = map_layout.follow_layout(layout, library)
    computed = followed is None
    if followed is None:
        followed = map_layout.compute_layout(library, progress=progress, cancelled=cancelled)
        logger.info("the taste map laid out %d tracks in %.1f s", len(followed),
                    time.perf_counter() - started)
    if cache_path is not None and followed is not layout:
        map_layout.save_layout(cache_path, followed)
    seconds = time.perf_counter() - started if computed else 0.0
    same = previous is not None and previous.library is library
    labels = previous.labels if same and previous is not None else region_labels(snapshot)
    names = previous.names if same and previous is not None else None
    words = previous.words if same and previous is not None else None
    names = names if names is not None else store.tracks.names()
    words = words if words is not None else SoundWords.from_store(store)
    profile = build_profile(snapshot, names, words, labels=labels)
    return MapResult(followed, colour(snapshot, followed, profile), seconds, computed,
                     library, labels, names, words)
