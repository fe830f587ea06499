"""recommender/index.py: the sound space's parts, hub-free neighbours, which groups agree."""

from __future__ import annotations

import numpy as np
import pytest
from vector_factory import sound_vectors

from player.models import Track
from player.store import Store
from player.store.features import FeatureResult
from recommender.index import SoundIndex, layout_for
from recommender.layout import (
    DESCRIPTOR_LAYOUT,
    DESCRIPTORS,
    FEATURE_VERSION,
    GROUPS,
    LAYOUT,
    MUSICNN,
    MUSICNN_SIZE,
    MUSICNN_VERSION,
)
from recommender.sound_space import MODEL_AXES, PART_WEIGHTS, SpaceFit


def _descriptors(n: int, seed: int = 0) -> np.ndarray:
    """Random descriptors that live on wildly different scales."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-3, 4, DESCRIPTORS)
    return rng.standard_normal((n, DESCRIPTORS)) * scales + 5 * scales


def _library(n: int = 200, seed: int = 0) -> np.ndarray:
    return sound_vectors(_descriptors(n, seed), seed)


def _embeddings(n: int, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, MUSICNN_SIZE)).astype(np.float32)


def test_each_part_contributes_its_weight_whatever_its_size_and_scale() -> None:
    matrix, deep = _library(400), _embeddings(400)
    fit = SpaceFit.fit(matrix, LAYOUT, deep)
    points = fit.coordinates(matrix, deep) * fit.weight
    assert [g.name for g in fit.layout] == [*(g.name for g in DESCRIPTOR_LAYOUT), "gaussian",
                                            MUSICNN]
    assert fit.dimensions == DESCRIPTORS + 2 * MODEL_AXES
    total = sum(PART_WEIGHTS.values())
    for group in fit.layout:
        variance = float(points[:, group.slice].var(axis=0).sum())
        assert variance == pytest.approx(PART_WEIGHTS[group.name] / (2 * total), rel=0.1)
    # So two tracks picked at random are about 1 apart.
    pairs = np.linalg.norm(points[::2] - points[1::2], axis=1)
    assert float(np.mean(pairs ** 2)) == pytest.approx(1.0, rel=0.15)


def test_a_random_pair_is_about_one_apart_once_hubs_are_reduced() -> None:
    index = SoundIndex(np.arange(300), _library(300), deep=(np.arange(300), _embeddings(300)))
    d = index.distance_matrix(np.arange(0, 300, 2), np.arange(1, 300, 2))
    assert float(np.median(d)) == pytest.approx(1.0, abs=0.1)


def test_distances_are_symmetric_and_zero_on_the_diagonal() -> None:
    index = SoundIndex(np.arange(80), _library(80), deep=(np.arange(80), _embeddings(80)))
    rows = np.arange(80)
    d = index.distance_matrix(rows, rows)
    np.testing.assert_allclose(d, d.T, atol=1e-6)
    np.testing.assert_allclose(np.diag(d), 0.0, atol=1e-3)
    assert float(d[~np.eye(80, dtype=bool)].min()) > 0.0
    np.testing.assert_allclose(index.distances_from_row(5), d[5], atol=1e-6)


def test_a_hub_is_not_everybodys_neighbour() -> None:
    """A track at the middle of the library is close to everything; mutual proximity keeps
    it out of most top-10 lists, where plain distances put it in nearly all."""
    rng = np.random.default_rng(4)
    descriptors = rng.normal(size=(150, DESCRIPTORS))
    descriptors[0] = 0.0  # the library's centre
    matrix = sound_vectors(descriptors)

    def lists_with_the_hub(index: SoundIndex) -> int:
        found = index.neighbours_many(list(range(1, 150)), k=10)
        return sum(0 in {n.track_id for n in near} for near in found.values())

    plain = lists_with_the_hub(SoundIndex(np.arange(150), matrix, hub_free=False))
    hub_free = lists_with_the_hub(SoundIndex(np.arange(150), matrix))
    assert plain > 100
    assert hub_free < plain / 3


def test_a_constant_descriptor_and_an_outlier_do_not_break_the_scale() -> None:
    descriptors = _descriptors(200)
    descriptors[:, 3] = 7.0  # the same for every track
    descriptors[0, 5] = 1e12  # one absurd value
    index = SoundIndex(np.arange(200), sound_vectors(descriptors))
    assert np.all(np.isfinite(index.points))
    assert float(np.abs(index.points[:, 3]).max()) == 0.0
    coordinates = index.points / index.fit.weight
    assert float(np.abs(coordinates).max()) <= 5.0 + 1e-4


def test_a_damaged_gaussian_model_lands_far_away_without_breaking_the_space() -> None:
    matrix = _library(60)
    matrix[0, DESCRIPTORS + 20:] = -1.0  # a covariance that is not positive definite
    index = SoundIndex(np.arange(60), matrix)
    assert np.all(np.isfinite(index.points))
    assert np.all(np.isfinite(index.distances_from_row(0)))


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
    assert set(near[0].groups) <= {g.name for g in index.layout} and len(near[0].groups) == 2
    assert index.neighbours(999) == []  # not indexed
    assert len(index.neighbours(103, k=500)) == 49


def test_the_groups_that_agree_are_named_best_first() -> None:
    descriptors = _descriptors(60)
    a, b = descriptors[0].copy(), descriptors[1].copy()
    b[GROUPS["rhythm"].slice] = a[GROUPS["rhythm"].slice]
    b[GROUPS["dynamics"].slice] = a[GROUPS["dynamics"].slice] * 1.001
    descriptors[0], descriptors[1] = a, b
    index = SoundIndex(np.arange(60), sound_vectors(descriptors))
    differences = index.group_differences(0, 1)
    assert differences["rhythm"] == pytest.approx(0.0, abs=1e-9)
    assert index.agreeing_groups(0, 1) == ("rhythm", "dynamics")
    assert all(d > 0 for name, d in differences.items() if name != "rhythm")


def test_the_musicnn_part_joins_only_when_the_deep_pass_covers_the_library() -> None:
    matrix, deep = _library(100), _embeddings(100)
    few = SoundIndex(np.arange(100), matrix, deep=(np.arange(50), deep[:50]))
    most = SoundIndex(np.arange(100), matrix, deep=(np.arange(95), deep[:95]))
    assert not few.fit.uses_musicnn and few.fit.dimensions == DESCRIPTORS + MODEL_AXES
    assert most.fit.uses_musicnn
    # A track the deep pass has not reached sits at the middle of that part.
    columns = next(g for g in most.layout if g.name == MUSICNN).slice
    assert float(np.abs(most.points[99, columns]).max()) == 0.0
    assert float(np.abs(most.points[0, columns]).max()) > 0.0


def test_new_vectors_are_placed_as_the_fit_places_them() -> None:
    matrix, deep = _library(120), _embeddings(120)
    index = SoundIndex(np.arange(110), matrix[:110], deep=(np.arange(110), deep[:110]))
    grown = index.with_vectors((np.arange(110, 120), matrix[110:]),
                               (np.arange(110, 120), deep[110:]))
    assert len(grown) == 120 and len(index) == 110  # the old index is left as it was
    expected = index.fit.coordinates(matrix[110:], deep[110:]) * index.fit.weight
    np.testing.assert_allclose(grown.points[110:], expected, atol=1e-5)
    np.testing.assert_allclose(grown.points[:110], index.points, atol=0)
    # An embedding that arrives later fills only the musicnn part of its track.
    later = SoundIndex(np.arange(110), matrix[:110], deep=(np.arange(100), deep[:100]))
    filled = later.with_vectors(None, (np.arange(100, 110), deep[100:110]))
    columns = next(g for g in later.layout if g.name == MUSICNN).slice
    np.testing.assert_allclose(filled.points[105, :columns.start],
                               later.points[105, :columns.start])
    assert float(np.abs(filled.points[105, columns]).max()) > 0.0
    assert filled.stats is not None and filled.stats.mean[105] != later.stats.mean[105]


def test_an_unknown_layout_is_served_as_one_group() -> None:
    assert layout_for(FEATURE_VERSION, LAYOUT[-1].stop) == LAYOUT
    [group] = layout_for(99, 12)
    assert (group.name, group.size) == ("sound", 12)
    index = SoundIndex(np.arange(20), _descriptors(20)[:, :12], layout=[group])
    assert index.neighbours(0, 3)[0].groups in {(), ("sound",)}


def test_the_index_saved_and_restored_is_the_same(tmp_path: object) -> None:
    matrix, deep = _library(60), _embeddings(60)
    index = SoundIndex(np.arange(60), matrix, deep=(np.arange(60), deep))
    arrays, facts = index.to_arrays()
    again = SoundIndex.restore_arrays(arrays, facts)
    assert again.layout == index.layout and again.sound_layout == index.sound_layout
    np.testing.assert_allclose(again.distances_from_row(3), index.distances_from_row(3))
    np.testing.assert_allclose(again.fit.coordinates(matrix[:5], deep[:5]),
                               index.fit.coordinates(matrix[:5], deep[:5]))


def test_the_index_over_the_store_leaves_out_missing_and_failed_tracks(store: Store) -> None:
    matrix = _library(6)
    with store.db.transaction():
        ids = [store.tracks.upsert(Track(path=f"/m/{i}.flac"), now=1.0) for i in range(7)]
    store.features.save(FEATURE_VERSION, [FeatureResult(t, v) for t, v in zip(ids, matrix,
                                                                               strict=False)])
    store.features.save(FEATURE_VERSION, [FeatureResult(ids[6], None, "the audio is silent")])
    store.features.save(MUSICNN_VERSION, [FeatureResult(t, e) for t, e in
                                          zip(ids[:6], _embeddings(6), strict=True)],
                        kind=MUSICNN)
    with store.db.transaction():
        store.tracks.mark_missing([ids[0]])
    index = SoundIndex.from_store(store)
    assert len(index) == 5
    assert ids[0] not in index and ids[6] not in index and ids[1] in index
    assert index.fit.uses_musicnn
    blank = Store.open(":memory:")
    try:
        empty = SoundIndex.from_store(blank)
    finally:
        blank.close()
    assert len(empty) == 0 and empty.neighbours(1) == []


def test_the_nearest_search_finds_the_exact_hub_free_nearest() -> None:
    """The search shortlists by plain distance before ranking hub-free; hub-free ranks are
    not plain ranks, so the shortlist must be long enough that the few nearest survive."""
    from recommender.library_part import NearestSearch

    n = 1_500
    index = SoundIndex(np.arange(n), _library(n, seed=4), deep=(np.arange(n), _embeddings(n)))
    search = NearestSearch.over(index)
    for row in range(0, n, 50):
        exact = index.distances_from_row(row)
        exact[row] = np.inf
        for k in (3, 10):
            found = search.nearest(row, k)
            assert row not in found
            assert set(found.tolist()) == set(np.argsort(exact)[:k].tolist()), (row, k)
