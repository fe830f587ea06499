"""The layout of Riffle's feature vectors: their versions, named groups and labels.

The fast pass stores one "sound" vector per track: the descriptors (five groups a person
can name: timbre, spectral, rhythm, dynamics, tonality) followed, since version 2, by the
Gaussian timbre model (MFCC 0–19 mean and covariance, recommender/timbre_model.py),
which is compared by its own divergence. The deep pass stores a "musicnn" vector: the
embedding of musicnn's network (recommender/musicnn.py).

Kept apart from the descriptor maths (recommender/features.py) so that what only needs to
know the layout (the index, the auto-shuffle, the command line) does not load the signal
processing stack: in the window's process that saves about 70 MB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Raise whenever the sound vector's layout or the maths behind any descriptor changes.
FEATURE_VERSION = 2

#: The kind and version of the deep pass's vectors (player/store/features.py).
MUSICNN = "musicnn"
MUSICNN_VERSION = 1
#: Values in a musicnn embedding (the penultimate layer of the MTT model).
MUSICNN_SIZE = 200

#: Values of the Gaussian timbre model: 20 means and the covariance's upper triangle.
GAUSSIAN_COEFFS = 20
GAUSSIAN_SIZE = GAUSSIAN_COEFFS + GAUSSIAN_COEFFS * (GAUSSIAN_COEFFS + 1) // 2

N_MFCC = 13
N_CORR = 6  # MFCCs 1..N_CORR take part in the correlation features
CONTRAST_EDGES = (0.0, 200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0, 11025.0)


@dataclass(frozen=True, slots=True)
class Group:
    """One named group of descriptors: the slice [start, stop) of the vector."""

    name: str
    start: int
    stop: int
    labels: tuple[str, ...]

    @property
    def size(self) -> int:
        return self.stop - self.start

    @property
    def slice(self) -> slice:
        return slice(self.start, self.stop)


def _build_layout(spec: Sequence[tuple[str, Sequence[str]]]) -> tuple[Group, ...]:
    groups, start = [], 0
    for name, labels in spec:
        groups.append(Group(name, start, start + len(labels), tuple(labels)))
        start += len(labels)
    return tuple(groups)


CORR_PAIRS = [(i, j) for i in range(N_CORR) for j in range(i + 1, N_CORR)]

DESCRIPTOR_LAYOUT: tuple[Group, ...] = _build_layout([
    ("timbre", [f"mfcc{i + 1}_mean" for i in range(N_MFCC)]
     + [f"mfcc{i + 1}_std" for i in range(N_MFCC)]
     + [f"mfcc{i + 1}_mfcc{j + 1}_corr" for i, j in CORR_PAIRS]),
    ("spectral", ["centroid_mean", "centroid_std", "bandwidth_mean", "bandwidth_std",
                  "rolloff_mean", "rolloff_std", "flatness_mean", "flatness_std", "zcr_mean"]
     + [f"contrast{b + 1}" for b in range(len(CONTRAST_EDGES) - 1)]),
    ("rhythm", ["tempo", "pulse_strength", "onset_rate", "onset_strength"]),
    ("dynamics", ["loudness", "loudness_range", "rms_variation", "crest"]),
    ("tonality", [f"chroma{i}" for i in range(12)]
     + ["key_strength", "mode", "key_fifths_cos", "key_fifths_sin"]),
])
#: The descriptors' length: the whole sound vector of version 1.
DESCRIPTORS = DESCRIPTOR_LAYOUT[-1].stop
GAUSSIAN = Group("gaussian", DESCRIPTORS, DESCRIPTORS + GAUSSIAN_SIZE,
                 tuple([f"gauss_mean{i}" for i in range(GAUSSIAN_COEFFS)]
                       + [f"gauss_cov{i}_{j}" for i in range(GAUSSIAN_COEFFS)
                          for j in range(i, GAUSSIAN_COEFFS)]))
LAYOUT: tuple[Group, ...] = (*DESCRIPTOR_LAYOUT, GAUSSIAN)
#: The layout of each sound vector version that may still be served.
LAYOUTS: dict[int, tuple[Group, ...]] = {1: DESCRIPTOR_LAYOUT, FEATURE_VERSION: LAYOUT}
GROUPS: dict[str, Group] = {g.name: g for g in LAYOUT}
DIMENSIONS = LAYOUT[-1].stop
LABELS: tuple[str, ...] = tuple(label for g in LAYOUT for label in g.labels)
