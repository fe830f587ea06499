"""How a group of tracks sounds, in two or three plain words ("slow, dark, quiet").

The words come from the fast pass's named descriptors (recommender/layout.py labels: tempo,
loudness, spectral centroid, mode...), read from the store's vectors by label, so they stay
true whatever the similarity space is made of. Each descriptor is measured against the
library itself: a group is "slow" when its tempo sits well below the library's middle,
not below some absolute BPM. This module is the one place those words are chosen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from player.store import Store
from recommender.layout import FEATURE_VERSION, LAYOUT, Group

#: (what it says, descriptor label, word when high, word when low). One word per "what".
WORDS: tuple[tuple[str, str, str, str], ...] = (
    ("pace", "tempo", "fast", "slow"),
    ("pace", "onset_rate", "busy", "sparse"),
    ("energy", "loudness", "loud", "quiet"),
    ("colour", "centroid_mean", "bright", "dark"),
    ("mood", "mode", "major-key", "minor-key"),
    ("texture", "flatness_mean", "noisy", "tonal"),
    ("beat", "pulse_strength", "rhythmic", "free-flowing"),
    ("dynamics", "loudness_range", "dynamic", "steady"),
)
#: A group's mean must sit this many (robust) standard deviations from the library's
#: middle before a word is said of it.
SAYABLE = 0.35


@dataclass(frozen=True)
class SoundWords:
    """Per analysed track, how far each worded descriptor sits from the library's middle
    (robust z-scores: median and interquartile range)."""

    ids: np.ndarray  # int64 track ids, ascending
    z: np.ndarray  # (len(ids), len(WORDS)); NaN where the layout lacks the descriptor

    @classmethod
    def from_store(cls, store: Store) -> SoundWords:
        """Read the fast pass's vectors and measure them against the library."""
        served = store.features.load_matrix(FEATURE_VERSION)
        return cls.of(served.ids, served.matrix, _layout(served.version, served.matrix))

    @classmethod
    def of(cls, ids: np.ndarray, matrix: np.ndarray, layout: Iterable[Group]) -> SoundWords:
        column = {label: g.start + i for g in layout for i, label in enumerate(g.labels)}
        z = np.full((len(ids), len(WORDS)), np.nan)
        for w, (_what, label, _high, _low) in enumerate(WORDS):
            at = column.get(label)
            if at is None or not len(ids):
                continue
            values = matrix[:, at].astype(np.float64)
            low, middle, high = np.percentile(values, [25, 50, 75])
            spread = (high - low) / 1.349 or float(np.std(values)) or 1.0
            z[:, w] = np.clip((values - middle) / spread, -4.0, 4.0)
        return cls(np.asarray(ids, dtype=np.int64), z)

    def describe(self, track_ids: Iterable[int], limit: int = 3) -> tuple[str, ...]:
        """Up to *limit* words for these tracks together, the most telling first; none when
        nothing sets them apart from the rest of the library."""
        ids = np.fromiter(track_ids, dtype=np.int64)
        at = np.searchsorted(self.ids, ids)
        at = at[(at < len(self.ids)) & (self.ids[np.minimum(at, len(self.ids) - 1)] == ids)] \
            if len(self.ids) else at[:0]
        if not len(at):
            return ()
        with np.errstate(all="ignore"):
            mean = np.nanmean(self.z[at], axis=0) if len(at) else np.full(len(WORDS), np.nan)
        said: dict[str, tuple[float, str]] = {}
        for w, (what, _label, high, low) in enumerate(WORDS):
            value = float(mean[w])
            if np.isnan(value) or abs(value) < SAYABLE:
                continue
            if what not in said or abs(value) > said[what][0]:
                said[what] = (abs(value), high if value > 0 else low)
        ranked = sorted(said.values(), key=lambda s: -s[0])
        return tuple(word for _strength, word in ranked[:limit])


def _layout(version: int | None, matrix: np.ndarray) -> tuple[Group, ...]:
    """The layout of the served vectors when they are the fast pass's current one; else
    none (no words rather than wrong ones)."""
    if version == FEATURE_VERSION and matrix.ndim == 2 and matrix.shape[1] == LAYOUT[-1].stop:
        return LAYOUT
    return ()
