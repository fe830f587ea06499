"""recommender/map_layout.py, taste_map.py and map_job.py: the taste map's layout and data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from taste_factory import build_library

from player import edits
from player.models import Track
from player.store import Store
from player.store.features import FeatureResult
from recommender.layout import DIMENSIONS, FEATURE_VERSION
from recommender.map_job import prepare_map
from recommender.map_layout import (
    REFIT_SHARE,
    MapLayout,
    analysed_rows,
    compute_layout,
    embed,
    follow_layout,
    load_layout,
    neighbour_preservation,
    place_beside,
    same_space,
    save_layout,
)
from recommender.shuffle import AutoShuffle
from recommender.snapshot import Snapshot
from recommender.taste_map import placement


def _snapshot(store: Store) -> Snapshot:
    snapshot = AutoShuffle.over(store).snapshot
    assert snapshot is not None
    return snapshot


def _add_near(store: Store, originals: list[int]) -> list[int]:
    """New tracks that sound almost exactly like *originals* (one each); their ids."""
    rng = np.random.default_rng(len(originals))
    added, results = [], []
    with store.db.transaction():
        for n, original in enumerate(originals):
            tid = store.tracks.upsert(Track(path=f"/music/new/{original}-{n}.flac",
                                            title=f"Twin {original}", artists=("Twins",)))
            vector = store.features.vector(original, FEATURE_VERSION)
            assert vector is not None
            results.append(FeatureResult(tid, (vector + rng.normal(
                scale=0.01, size=vector.shape)).astype(np.float32)))
            added.append(tid)
        store.features.save(FEATURE_VERSION, results)
    return added


def test_the_layout_keeps_neighbours_on_a_curved_sheet() -> None:
    # points on a rolled-up 2-D sheet in 20 dimensions: a good map unrolls it
    rng = np.random.default_rng(0)
    t = rng.uniform(0, 3 * np.pi, 600)
    h = rng.uniform(0, 6, 600)
    sheet = np.c_[t * np.cos(t), h, t * np.sin(t)]
    points = sheet @ rng.normal(size=(3, 20)) + rng.normal(scale=0.05, size=(600, 20))
    xy = embed(points)
    assert xy.shape == (600, 2) and np.isfinite(xy).all()
    assert neighbour_preservation(points, xy, sample=None) >= 0.5
    scrambled = xy[rng.permutation(600)]  # the measure can fail: a map out of order
    assert neighbour_preservation(points, scrambled, sample=None) < 0.1


def test_tiny_libraries_get_a_layout_too() -> None:
    assert embed(np.zeros((0, 5))).shape == (0, 2)
    assert embed(np.ones((1, 5))).shape == (1, 2)
    xy = embed(np.random.default_rng(1).normal(size=(9, 5)))
    assert xy.shape == (9, 2) and np.isfinite(xy).all()


def test_new_tracks_join_beside_their_nearest_placed_tracks() -> None:
    placed = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]] * 2)
    placed_xy = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]] * 2, dtype=np.float32)
    new = place_beside(placed, placed_xy, np.array([[9.5, 0.2], [0.1, 9.9]]))
    assert np.linalg.norm(new[0] - [5.0, 0.0]) < 1.0
    assert np.linalg.norm(new[1] - [0.0, 5.0]) < 1.0


def test_a_layout_follows_the_library_and_is_redone_when_it_must(
        store: Store, tmp_path: Path) -> None:
    lib = build_library(store, styles=4, artists_per_style=3, tracks_per_artist=5)
    layout = compute_layout(_snapshot(store).library)
    assert sorted(layout.ids.tolist()) == sorted(lib.style_of)
    save_layout(tmp_path / "map.npz", layout)
    loaded = load_layout(tmp_path / "map.npz")
    assert loaded is not None and np.array_equal(loaded.xy, layout.xy)
    assert follow_layout(loaded, _snapshot(store).library) is loaded  # nothing changed

    # a few new tracks join without a new layout, beside tracks that sound like them
    twins = lib.tracks_of(2)[:4]
    added = _add_near(store, twins)
    followed = follow_layout(layout, _snapshot(store).library)
    assert followed is not None and followed.fitted == layout.fitted
    assert len(followed) == len(lib.style_of) + 4 and not followed.stale
    at = {int(t): i for i, t in enumerate(followed.ids)}
    spread = float(np.std(layout.xy))
    for twin, new in zip(twins, added, strict=True):
        assert np.linalg.norm(followed.xy[at[twin]] - followed.xy[at[new]]) < 0.5 * spread
    # many new tracks: a new layout is due
    _add_near(store, lib.tracks_of(0) + lib.tracks_of(1))
    assert follow_layout(layout, _snapshot(store).library) is None
    assert REFIT_SHARE < 0.5


def test_a_new_kind_of_similarity_is_told_apart(store: Store) -> None:
    build_library(store, styles=4, artists_per_style=3, tracks_per_artist=5)
    snapshot = _snapshot(store)
    layout = compute_layout(snapshot.library)
    assert same_space(layout, snapshot.library)
    unrelated = np.random.default_rng(5).normal(size=layout.signature_points.shape)
    other = MapLayout(layout.ids, layout.xy, layout.fitted, layout.signature_ids, unrelated)
    assert not same_space(other, snapshot.library)
    assert follow_layout(other, snapshot.library) is None


def test_prepare_map_colours_by_taste_and_says_why_a_track_sits_there(
        store: Store, tmp_path: Path) -> None:
    lib = build_library(store, styles=4, artists_per_style=3, tracks_per_artist=5)
    loved = lib.tracks_of(1)[:3]
    edits.rate(store, loved, 5)
    edits.rate(store, [lib.tracks_of(2)[0]], 1)
    snapshot = _snapshot(store)
    result = prepare_map(store, snapshot, None, cache_path=tmp_path / "map.npz")
    assert result.computed and (tmp_path / "map.npz").is_file()
    tm = result.taste_map
    assert len(tm) == len(analysed_rows(snapshot.library)) == len(lib.style_of)
    point = tm.point_of(loved[0])
    assert point is not None and tm.stars[point] == 5 and tm.judged[point]
    cousin = tm.point_of(lib.tracks_of(1)[5])
    assert cousin is not None and tm.preference[cousin] > 0.2 and not tm.judged[cousin]
    text = placement(snapshot, tm, cousin)
    assert text.startswith("Sounds most like 'Song 1.")
    assert "Riffle expects you to like it" in text
    assert "You rated it ★★★★★" in placement(snapshot, tm, point)
    again = prepare_map(store, snapshot, None, cache_path=tmp_path / "map.npz")
    assert not again.computed and np.array_equal(again.layout.xy, result.layout.xy)


def test_a_track_without_a_vector_is_not_on_the_map(store: Store) -> None:
    lib = build_library(store, styles=3, artists_per_style=3, tracks_per_artist=4)
    gone = lib.tracks_of(0)[0]
    with store.db.transaction():
        store.features.clear([gone])
    layout = compute_layout(_snapshot(store).library)
    assert gone not in layout.ids.tolist() and len(layout) == len(lib.style_of) - 1
    with store.db.transaction():
        store.features.save(FEATURE_VERSION, [FeatureResult(
            gone, np.zeros(DIMENSIONS, dtype=np.float32))])
    followed = follow_layout(layout, _snapshot(store).library)
    assert followed is not None and gone in followed.ids.tolist()
