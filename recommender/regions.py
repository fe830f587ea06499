"""The regions of the library: clusters of the similarity space, for the taste profile.

Measured on the real soundtrack corpus (docs/PERFORMANCE.md), Ward's agglomerative
clustering follows the soundtracks a little better than k-means (NMI 0.28 against 0.27 at
10 regions), but it needs every pairwise distance: past WARD_LIMIT tracks, k-means first
gathers the tracks into MICRO_CLUSTERS small groups and Ward joins those. A region is a
set of catalog rows; regions are numbered by size, largest first, and the same library
gives the same regions.
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.cluster import AgglomerativeClustering, MiniBatchKMeans

#: At most this many regions: a person reads them as one list.
MAX_REGIONS = 12
#: Ward's clustering on the tracks themselves up to this many (its memory grows as n²).
WARD_LIMIT = 4_000
MICRO_CLUSTERS = 256


def region_count(tracks: int) -> int:
    """How many regions a library of *tracks* analysed tracks is shown as: about
    sqrt(n / 3), so 300 tracks make 10 regions and a large library MAX_REGIONS."""
    if tracks < 2:
        return tracks
    return max(1, min(MAX_REGIONS, round(math.sqrt(tracks / 3)), tracks))


def find_regions(points: np.ndarray, count: int | None = None, *,
                 seed: int = 0) -> np.ndarray:
    """The region (0..count-1, 0 the largest) of each of *points* (one row per track)."""
    n = len(points)
    count = region_count(n) if count is None else min(count, n)
    if count <= 1:
        return np.zeros(n, dtype=np.int64)
    data = np.asarray(points, dtype=np.float64)
    if n <= WARD_LIMIT:
        labels = AgglomerativeClustering(count, linkage="ward").fit_predict(data)
    else:
        micro = MiniBatchKMeans(MICRO_CLUSTERS, n_init=3, random_state=seed,
                                batch_size=4096).fit(data)
        joined = AgglomerativeClustering(count, linkage="ward").fit_predict(
            micro.cluster_centers_)
        labels = joined[micro.labels_]
    return _by_size(labels, count)


def _by_size(labels: np.ndarray, count: int) -> np.ndarray:
    """Renumber so region 0 is the largest (ties: the one holding the earliest track)."""
    sizes = np.bincount(labels, minlength=count)
    first = np.full(count, len(labels))
    np.minimum.at(first, labels, np.arange(len(labels)))
    order = sorted(range(count), key=lambda r: (-sizes[r], first[r]))
    renumber = np.empty(count, dtype=np.int64)
    renumber[order] = np.arange(count)
    return renumber[labels]
