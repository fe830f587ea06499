"""Making the taste map off the window's thread: layout, profile and colours in one go.

`prepare_map` follows the previous layout (or the saved one) when it can and computes a
new one when it must (recommender/map_layout.py), builds the taste profile
(recommender/profile.py) and colours the points from one Snapshot of the auto-shuffle.
It runs on a worker with a Store of its own; its result is immutable.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from player.store import Store
from recommender import map_layout
from recommender.map_layout import MapLayout
from recommender.profile import build_profile
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


def prepare_map(store: Store, snapshot: Snapshot, previous: MapLayout | None, *,
                cache_path: Path | None = None,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> MapResult:
    """The map of *snapshot*'s library: *previous* layout (else the saved one) followed,
    or a new one computed and saved. Raises map_layout.LayoutCancelled when *cancelled*."""
    library = snapshot.library
    if previous is None and cache_path is not None:
        previous = map_layout.load_layout(cache_path)
    started = time.perf_counter()
    layout = map_layout.follow_layout(previous, library)
    computed = layout is None
    if layout is None:
        layout = map_layout.compute_layout(library, progress=progress, cancelled=cancelled)
        logger.info("the taste map laid out %d tracks in %.1f s", len(layout),
                    time.perf_counter() - started)
    if cache_path is not None and layout is not previous:
        map_layout.save_layout(cache_path, layout)
    seconds = time.perf_counter() - started if computed else 0.0
    profile = build_profile(snapshot, store.tracks.names(), SoundWords.from_store(store))
    return MapResult(layout, colour(snapshot, layout, profile), seconds, computed)
