"""recommender/cache.py: the auto-shuffle starts from a saved catalog and index, safely."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from taste_factory import SyntheticLibrary, build_library

from player.changes import Changes
from player.models import PlayOutcome, PlaySource, Track
from player.queue import FillContext
from player.store import Store
from player.store.features import FeatureResult
from recommender import catalog as catalog_module
from recommender.layout import DIMENSIONS, FEATURE_VERSION, MUSICNN, MUSICNN_SIZE, MUSICNN_VERSION
from recommender.shuffle import AutoShuffle

EMPTY = FillContext(None, (), ())


@pytest.fixture
def library(store: Store) -> SyntheticLibrary:
    lib = build_library(store, styles=4, artists_per_style=3, tracks_per_artist=5)
    with store.db.transaction():
        store.ratings.set(lib.tracks_of(1)[0], 5)
    return lib


def _forbid_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the catalog was built from the store, not the cache")

    monkeypatch.setattr(catalog_module.Catalog, "load", classmethod(refuse))


def test_a_second_start_loads_the_cache_and_picks_the_same(
        store: Store, library: SyntheticLibrary, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "shuffle.npz"
    built = AutoShuffle.over(store, seed=9)
    uncached = built.fill(12, EMPTY)
    first = AutoShuffle.over(store, seed=9, cache_path=cache).fill(12, EMPTY)
    assert cache.is_file()
    _forbid_building(monkeypatch)
    second = AutoShuffle.over(store, seed=9, cache_path=cache)
    assert second.fill(12, EMPTY) == first == uncached
    assert second.snapshot.library.index.layout == built.snapshot.library.index.layout


def test_a_changed_library_is_not_served_from_the_cache(
        store: Store, library: SyntheticLibrary, tmp_path: Path) -> None:
    cache = tmp_path / "shuffle.npz"
    AutoShuffle.over(store, cache_path=cache)
    with store.db.transaction():
        new = store.tracks.upsert(Track(path="/music/new.flac", title="New", artists=("N",)))
        store.tracks.mark_missing([library.tracks_of(0)[0]])
    catalog = AutoShuffle.over(store, cache_path=cache).snapshot.catalog
    assert new in catalog.row_of
    assert not catalog.playable[catalog.row_of[library.tracks_of(0)[0]]]


def test_a_damaged_cache_is_rebuilt(store: Store, library: SyntheticLibrary,
                                    tmp_path: Path) -> None:
    cache = tmp_path / "shuffle.npz"
    cache.write_bytes(b"PK\x03\x04 not really a zip file")
    shuffle = AutoShuffle.over(store, seed=2, cache_path=cache)
    assert len(shuffle.fill(5, EMPTY)) == 5
    assert cache.read_bytes()[:4] == b"PK\x03\x04" and cache.stat().st_size > 1000


def test_plays_are_read_fresh_not_from_the_cache(store: Store, library: SyntheticLibrary,
                                                 tmp_path: Path) -> None:
    cache = tmp_path / "shuffle.npz"
    AutoShuffle.over(store, cache_path=cache)
    track = library.tracks_of(2)[0]
    with store.db.transaction():
        play = store.plays.start(track, duration=180.0, source=PlaySource.USER,
                                 started_at=123.0)
        store.plays.finish(play, listened=180.0, outcome=PlayOutcome.COMPLETED)
    snapshot = AutoShuffle.over(store, cache_path=cache).snapshot
    assert snapshot.last_played[snapshot.catalog.row_of[track]] == 123.0


def test_vectors_analysed_after_loading_join_without_a_full_reload(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = build_library(store, styles=3, artists_per_style=2, tracks_per_artist=4)
    with store.db.transaction():
        late = [store.tracks.upsert(Track(path=f"/music/late{i}.flac", title=f"Late {i}",
                                          artists=("Late",))) for i in range(3)]
    shuffle = AutoShuffle.over(store, seed=1)
    before = shuffle.snapshot.library
    rows = np.array([before.catalog.row_of[t] for t in late])
    assert not before.space.has_point(rows).any()
    _forbid_building(monkeypatch)
    near = lib.tracks_of(2)[0]
    vector = store.features.vector(near, FEATURE_VERSION)
    store.features.save(FEATURE_VERSION, [FeatureResult(t, vector + np.float32(0.01 * i))
                                          for i, t in enumerate(late)])
    with store.db.transaction():
        store.tracks.mark_missing([lib.tracks_of(0)[0]])
    shuffle.follow(Changes(vectors=True, playability=frozenset({lib.tracks_of(0)[0]})))
    after = shuffle.snapshot.library
    assert after.space.has_point(rows).all()
    assert not before.space.has_point(rows).any()  # the old snapshot was left as it was
    assert len(after.index) == len(lib.style_of) + 3 and vector.shape[0] == DIMENSIONS
    assert not after.catalog.playable[after.catalog.row_of[lib.tracks_of(0)[0]]]
    assert before.catalog.playable[before.catalog.row_of[lib.tracks_of(0)[0]]]
    assert {int(after.catalog.ids[r]) for r in after.nearest_rows(rows[0], 2)} <= \
        {*late, *lib.tracks_of(2)}


def _embeddings(ids: list[int], seed: int) -> list[FeatureResult]:
    rng = np.random.default_rng(seed)
    return [FeatureResult(t, rng.normal(size=MUSICNN_SIZE).astype(np.float32)) for t in ids]


def test_the_deep_pass_joins_the_space_once_it_covers_the_library_then_follows_it(
        store: Store, tmp_path: Path) -> None:
    lib = build_library(store, styles=3, artists_per_style=2, tracks_per_artist=5)
    ids = sorted(lib.style_of)
    cache = tmp_path / "shuffle.npz"
    shuffle = AutoShuffle.over(store, seed=1, cache_path=cache)
    assert not shuffle.snapshot.library.index.fit.uses_musicnn
    # Half the library listened to closely: the fast pass's space still serves.
    store.features.save(MUSICNN_VERSION, _embeddings(ids[:15], 1), kind=MUSICNN)
    shuffle.follow(Changes(vectors=True))
    half = shuffle.snapshot.library.index
    assert not half.fit.uses_musicnn
    # All of it but one: the space is refitted with the deep part (and saved so).
    store.features.save(MUSICNN_VERSION, _embeddings(ids[15:-1], 2), kind=MUSICNN)
    shuffle.follow(Changes(vectors=True))
    full = shuffle.snapshot.library.index
    assert full.fit.uses_musicnn
    assert AutoShuffle.over(store, cache_path=cache).snapshot.library.index.fit.uses_musicnn
    # The last embedding joins the fitted space without refitting it.
    store.features.save(MUSICNN_VERSION, _embeddings(ids[-1:], 3), kind=MUSICNN)
    shuffle.follow(Changes(vectors=True))
    last = shuffle.snapshot.library.index
    assert last.fit is full.fit
    row = last.row_of(ids[-1])
    assert row is not None and not np.array_equal(last.points[row], full.points[row])


def test_added_tracks_keep_the_fitted_space_until_the_library_has_grown_by_a_quarter(
        store: Store, tmp_path: Path) -> None:
    lib = build_library(store, styles=2, artists_per_style=2, tracks_per_artist=10)
    shuffle = AutoShuffle.over(store, seed=1)
    fitted = shuffle.snapshot.library.index.fit
    assert fitted.fitted_on == len(lib.style_of) == 40
    with store.db.transaction():
        new = [store.tracks.upsert(Track(path=f"/music/new{i}.flac", title=f"New {i}",
                                         artists=("New",))) for i in range(12)]
    shuffle.follow(Changes(tracks=True))
    library = shuffle.snapshot.library
    assert all(t in library.catalog.row_of for t in new)  # the catalog was read again
    assert library.index.fit is fitted  # the space was not
    vector = store.features.vector(lib.tracks_of(0)[0], FEATURE_VERSION)
    store.features.save(FEATURE_VERSION, [FeatureResult(t, vector) for t in new[:5]])
    shuffle.follow(Changes(vectors=True))
    grown = shuffle.snapshot.library.index
    assert grown.fit is fitted and len(grown) == 45
    store.features.save(FEATURE_VERSION, [FeatureResult(t, vector) for t in new[5:]])
    shuffle.follow(Changes(vectors=True))  # 52 tracks: at least a quarter more than 40
    refitted = shuffle.snapshot.library.index.fit
    assert refitted is not fitted and refitted.fitted_on == 52
