"""recommender/index.py: per-group scaling, neighbours and which groups agree."""

from __future__ import annotations

import numpy as np
import pytest

from player.models import Track
from player.store import Store
from player.store.features import FeatureResult
from recommender.features import DIMENSIONS, FEATURE_VERSION, GROUPS, LAYOUT
from recommender.index import GROUP_WEIGHTS, GroupScaler, SoundIndex, layout_for


def _library(n: int = 200, seed: int = 0) -> np.ndarray:
    """Random vectors whose descriptors live on wildly different scales."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-3, 4, DIMENSIONS)
    return (rng.standard_normal((n, DIMENSIONS)) * scales + 5 * scales).astype(np.float32)


def test_each_group_contributes_its_weight_whatever_its_size_and_scale() -> None:
    matrix = _library()
    points = GroupScaler.fit(matrix, LAYOUT).transform(matrix)
    total = sum(GROUP_WEIGHTS.values())
    for group in LAYOUT:
        variance = float(points[:, group.slice].var(axis=0).sum())
        assert variance == pytest.approx(GROUP_WEIGHTS[group.name] / (2 * total), rel=0.05)
    # So two tracks picked at random are about 1 apart.
    pairs = np.linalg.norm(points[::2] - points[1::2], axis=1)
    assert float(np.mean(pairs ** 2)) == pytest.approx(1.0, rel=0.15)


def test_a_constant_descriptor_and_an_outlier_do_not_break_the_scale() -> None:
    matrix = _library()
    matrix[:, 3] = 7.0  # the same for every track
    matrix[0, 5] = 1e12  # one absurd value
    index = SoundIndex(np.arange(len(matrix)), matrix)
    assert np.all(np.isfinite(index.points))
    assert float(np.abs(index.points[:, 3]).max()) == 0.0
    assert float(np.abs(index.standardised).max()) <= 5.0


def test_neighbours_are_nearest_first_without_the_track_itself() -> None:
    matrix = _library(50)
    ids = np.arange(100, 150)
    matrix[7] = matrix[3] * 1.0001  # track 107 is nearly a copy of track 103
    index = SoundIndex(ids, matrix)
    near = index.neighbours(103, k=5)
    assert len(near) == 5
    assert near[0].track_id == 107 and near[0].distance < 0.01
    assert all(n.track_id != 103 for n in near)
    assert [n.distance for n in near] == sorted(n.distance for n in near)
    assert set(near[0].groups) <= set(GROUPS) and len(near[0].groups) == 2
    assert index.neighbours(999) == []  # not indexed
    assert len(index.neighbours(103, k=500)) == 49


def test_the_groups_that_agree_are_named_best_first() -> None:
    matrix = _library(60)
    a, b = matrix[0].copy(), matrix[1].copy()
    b[GROUPS["rhythm"].slice] = a[GROUPS["rhythm"].slice]
    b[GROUPS["dynamics"].slice] = a[GROUPS["dynamics"].slice] * 1.001
    matrix[0], matrix[1] = a, b
    index = SoundIndex(np.arange(60), matrix)
    differences = index.group_differences(0, 1)
    assert differences["rhythm"] == 0.0
    assert index.agreeing_groups(0, 1) == ("rhythm", "dynamics")
    assert all(d > 0 for name, d in differences.items() if name != "rhythm")


def test_an_unknown_layout_is_served_as_one_group() -> None:
    assert layout_for(FEATURE_VERSION, DIMENSIONS) == LAYOUT
    [group] = layout_for(99, 12)
    assert (group.name, group.size) == ("sound", 12)
    index = SoundIndex(np.arange(20), _library(20)[:, :12], layout=[group])
    assert index.neighbours(0, 3)[0].groups in {(), ("sound",)}


def test_the_index_over_the_store_leaves_out_missing_and_failed_tracks(store: Store) -> None:
    matrix = _library(6)
    with store.db.transaction():
        ids = [store.tracks.upsert(Track(path=f"/m/{i}.flac"), now=1.0) for i in range(7)]
    store.features.save(FEATURE_VERSION, [FeatureResult(t, v) for t, v in zip(ids, matrix,
                                                                               strict=False)])
    store.features.save(FEATURE_VERSION, [FeatureResult(ids[6], None, "the audio is silent")])
    with store.db.transaction():
        store.tracks.mark_missing([ids[0]])
    index = SoundIndex.from_store(store)
    assert len(index) == 5
    assert ids[0] not in index and ids[6] not in index and ids[1] in index
    blank = Store.open(":memory:")
    try:
        empty = SoundIndex.from_store(blank)
    finally:
        blank.close()
    assert len(empty) == 0 and empty.neighbours(1) == []
