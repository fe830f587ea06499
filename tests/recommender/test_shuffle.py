"""recommender/shuffle.py: the auto-shuffle's hard rules, its learning, and its reasons."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taste_factory import SyntheticLibrary, build_library

from player.changes import ChangeHub, Changes
from player.feedback import AutoPartFeedback
from player.models import PlayOutcome, PlaySource
from player.queue import FillContext, Queue
from player.store import Store
from recommender.shuffle import AutoShuffle

EMPTY = FillContext(None, (), ())


@pytest.fixture
def library(store: Store) -> SyntheticLibrary:
    return build_library(store, styles=6, artists_per_style=4, tracks_per_artist=8)


def _play(store: Store, track_id: int, outcome: PlayOutcome, *, hours_ago: float = 48.0,
          listened: float = 5.0) -> None:
    started = time.time() - hours_ago * 3600.0
    with store.db.transaction():
        pid = store.plays.start(track_id, duration=200.0, source=PlaySource.AUTO,
                                started_at=started)
        store.plays.finish(pid, listened=listened, outcome=outcome, ended_at=started + listened)


def _styles(lib: SyntheticLibrary, picks: list[int]) -> Counter[int]:
    return Counter(lib.style_of[t] for t in picks)


def _many_picks(store: Store, rounds: int = 12, per_round: int = 10, seed: int = 0) -> list[int]:
    shuffle = AutoShuffle.over(store, seed=seed)
    out: list[int] = []
    for _ in range(rounds):
        out += [p.track_id for p in shuffle.fill(per_round, EMPTY)]
    return out


def test_without_judgements_it_is_a_plain_shuffle_with_reasons(store: Store,
                                                                library: SyntheticLibrary) -> None:
    picks = AutoShuffle.over(store, seed=1).fill(30, EMPTY)
    ids = [p.track_id for p in picks]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert all(p.reason for p in picks)
    assert len(_styles(library, ids)) >= 4


def test_recent_plays_never_come_back(store: Store, library: SyntheticLibrary) -> None:
    everything = sorted(library.style_of)
    recent = everything[:50]  # the last 50 plays, a day and more ago
    for i, tid in enumerate(recent):
        _play(store, tid, PlayOutcome.COMPLETED, hours_ago=30 + i, listened=180)
    within_hours = everything[60:65]  # older than the last 50 plays, but within 12 hours
    for tid in within_hours:
        _play(store, tid, PlayOutcome.COMPLETED, hours_ago=2, listened=180)
    # The 12-hour plays are now the newest, so push them behind 50 newer plays:
    for i, tid in enumerate(everything[100:150]):
        _play(store, tid, PlayOutcome.STOPPED, hours_ago=1 - i / 100, listened=100)
    picks = set(_many_picks(store, rounds=10))
    assert not picks & set(within_hours)
    assert not picks & set(everything[100:150])


def test_never_the_same_artist_twice_in_a_row(store: Store, library: SyntheticLibrary) -> None:
    shuffle = AutoShuffle.over(store, seed=2)
    queued: list[int] = []
    for _ in range(8):
        queued += [p.track_id for p in shuffle.fill(10, FillContext(None, (), tuple(queued)))]
    artists = [library.artist_of[t] for t in queued]
    assert len(queued) == 80 and len(set(queued)) == 80
    assert all(a != b for a, b in itertools.pairwise(artists))
    for start in range(0, 80, 20):
        assert len(set(artists[start:start + 20])) >= 5


def test_missing_unplayable_and_one_star_tracks_are_never_picked(
        store: Store, library: SyntheticLibrary) -> None:
    ids = sorted(library.style_of)
    missing, broken, hated = ids[:20], ids[20:40], ids[40:60]
    with store.db.transaction():
        store.tracks.mark_missing(missing)
        for tid in broken:
            store.tracks.set_play_error(tid, "cannot be decoded")
        for tid in hated:
            store.ratings.set(tid, 1)
    picks = set(_many_picks(store, rounds=15))
    assert not picks & set(missing + broken + hated)


def test_a_fixed_seed_repeats_and_other_seeds_differ(store: Store,
                                                     library: SyntheticLibrary) -> None:
    with store.db.transaction():
        store.ratings.set(library.tracks_of(0)[0], 5)
    first = [p.track_id for p in AutoShuffle.over(store, seed=7).fill(20, EMPTY)]
    again = [p.track_id for p in AutoShuffle.over(store, seed=7).fill(20, EMPTY)]
    other = [p.track_id for p in AutoShuffle.over(store, seed=8).fill(20, EMPTY)]
    assert first == again
    assert first != other


def test_five_star_ratings_pull_their_style_in(store: Store, library: SyntheticLibrary) -> None:
    before = _styles(library, _many_picks(store))[0]
    with store.db.transaction():
        for tid in library.tracks_of(0)[::8][:3]:
            store.ratings.set(tid, 5)
    picks = _many_picks(store)
    after = _styles(library, picks)[0]
    assert after >= 2.5 * max(before, 1)
    shuffle = AutoShuffle.over(store, seed=3)
    reasons = [p.reason for p in shuffle.fill(20, EMPTY)]
    assert any(r.startswith("because you rated ★★★★★ 'Song 0.") for r in reasons)


def test_skips_push_their_neighbours_away(store: Store, library: SyntheticLibrary) -> None:
    before = _styles(library, _many_picks(store, rounds=20))[3]
    for tid in library.tracks_of(3)[:6]:
        _play(store, tid, PlayOutcome.SKIPPED)
        _play(store, tid, PlayOutcome.SKIPPED, hours_ago=60)
    after = _styles(library, _many_picks(store, rounds=20))[3]
    assert after <= before / 2


def test_after_rating_the_playing_track_one_star_the_next_pick_is_not_like_it(
        store: Store, library: SyntheticLibrary) -> None:
    playing = library.tracks_of(2)[5]
    context = FillContext(playing, (), ())
    similar_before = sum(
        library.style_of[AutoShuffle.over(store, seed=s).fill(1, context)[0].track_id] == 2
        for s in range(30))
    with store.db.transaction():
        store.ratings.set(playing, 1)
    similar_after = sum(
        library.style_of[AutoShuffle.over(store, seed=s).fill(1, context)[0].track_id] == 2
        for s in range(30))
    assert similar_before >= 10  # flow keeps close to what plays...
    assert similar_after == 0  # ...until the listener says they hate it


def test_a_rating_redraws_the_auto_part_and_leaves_the_user_part(
        store: Store, library: SyntheticLibrary) -> None:
    shuffle = AutoShuffle.over(store, seed=4)
    queue = Queue(shuffle, ahead=10)
    AutoPartFeedback(queue, shuffle_hub := ChangeHub())
    mine = library.tracks_of(5)[:3]
    queue.enqueue(mine)
    auto_before = [e.track_id for e in queue.auto_part]
    rated = [library.tracks_of(1)[0], library.tracks_of(1)[9]]
    with store.db.transaction():
        for track in rated:
            store.ratings.set(track, 5)
    shuffle_hub.publish(Changes(ratings=frozenset(rated)))
    assert [e.track_id for e in queue.user_part] == mine
    auto_after = [e.track_id for e in queue.auto_part]
    assert len(auto_after) == 10 and auto_after != auto_before
    assert _styles(library, auto_after)[1] > _styles(library, auto_before)[1]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(artists=st.integers(2, 6), per_artist=st.integers(1, 5), seed=st.integers(0, 10**6),
       data=st.data())
def test_hard_rules_hold_for_any_library(tmp_path_factory: pytest.TempPathFactory,
                                         artists: int, per_artist: int, seed: int,
                                         data: st.DataObject) -> None:
    path = Path(tmp_path_factory.mktemp("prop")) / "lib.sqlite3"
    store = Store.open(path)
    try:
        lib = build_library(store, styles=artists, artists_per_style=1,
                            tracks_per_artist=per_artist, seed=seed)
        ids = sorted(lib.style_of)
        one_star = data.draw(st.sets(st.sampled_from(ids), max_size=len(ids) // 3))
        recent = data.draw(st.lists(st.sampled_from(ids), max_size=len(ids) // 2, unique=True))
        with store.db.transaction():
            for tid in one_star:
                store.ratings.set(tid, 1)
        for i, tid in enumerate(recent):
            _play(store, tid, PlayOutcome.COMPLETED, hours_ago=1 + i, listened=200)
        queued: list[int] = []
        shuffle = AutoShuffle.over(store, seed=seed)
        for _ in range(3):
            queued += [p.track_id for p in shuffle.fill(4, FillContext(None, (), tuple(queued)))]
        assert not set(queued) & one_star
        assert len(queued) == len(set(queued))
        fresh = set(ids) - one_star - set(recent)
        if len(fresh) >= len(queued):
            assert not set(queued) & set(recent)
        artists_in_row = [lib.artist_of[t] for t in queued]
        for i in range(1, len(queued)):
            if artists_in_row[i] == artists_in_row[i - 1]:
                # allowed only when nothing by another artist was left to pick
                left = set(ids) - one_star - set(queued[:i])
                # recent ones only once nothing else is, and never the very last play
                left = (left - set(recent)) or (left - set(recent[:1]))
                assert all(lib.artist_of[t] == artists_in_row[i] for t in left)
    finally:
        store.close()


def test_a_track_that_went_missing_since_loading_is_not_picked(store: Store,
                                                               library: SyntheticLibrary) -> None:
    shuffle = AutoShuffle.over(store, seed=5)  # loaded while everything was playable
    gone = sorted(library.style_of)[:150]
    with store.db.transaction():
        store.tracks.mark_missing(gone)
    shuffle.follow(Changes(playability=frozenset(gone)))
    picks = [p.track_id for p in shuffle.fill(30, EMPTY)]
    assert len(picks) == 30 and not set(picks) & set(gone)


def test_a_fill_in_a_big_library_draws_from_what_the_snapshot_predicted_ahead(
        store: Store, library: SyntheticLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    """Predicting against tens of thousands of judged tracks is the worker's job: a fill
    on the window's thread samples from the tracks the snapshot predicted, and with no
    track playing it predicts nothing itself."""
    from recommender import snapshot as snapshot_module
    from recommender.shuffle import ShuffleConfig

    monkeypatch.setattr(snapshot_module, "PREDICT_AHEAD", 60)
    with store.db.transaction():
        for tid in library.tracks_of(1)[:6]:
            store.ratings.set(tid, 5)
    shuffle = AutoShuffle.over(store, ShuffleConfig(pool=20), seed=4)
    snap = shuffle.snapshot
    assert snap is not None
    ahead = set(snap.catalog.ids[snap.predicted_ahead].tolist())
    assert len(ahead) == 60 < len(snap.catalog)
    predicted_before = int((~np.isnan(snap._pred)).sum())
    picks = [p.track_id for p in shuffle.fill(1, EMPTY)]
    assert len(picks) == 1 and set(picks) <= ahead
    assert int((~np.isnan(snap._pred)).sum()) == predicted_before >= 60
    # the same history draws the same tracks ahead
    again = AutoShuffle.over(store, seed=9).snapshot
    assert again is not None
    assert list(again.predicted_ahead) == list(snap.predicted_ahead)


def test_with_very_many_judgements_the_strongest_predict(
        store: Store, library: SyntheticLibrary, monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender import snapshot as snapshot_module

    monkeypatch.setattr(snapshot_module, "MODEL_JUDGED", 4)
    strong = library.tracks_of(2)[:2] + library.tracks_of(3)[:2]
    with store.db.transaction():
        store.ratings.set(strong[0], 5)
        store.ratings.set(strong[1], 5)
        store.ratings.set(strong[2], 1)
        store.ratings.set(strong[3], 1)
    for tid in library.tracks_of(4)[:6]:
        _play(store, tid, PlayOutcome.COMPLETED, hours_ago=24 * 90, listened=200.0)
    snap = AutoShuffle.over(store, seed=2).snapshot
    assert snap is not None
    assert sorted(snap.model.judged_ids.tolist()) == sorted(strong)
    # the others still count as judged for what they are: their own preference stays
    weak = snap.catalog.row_of[library.tracks_of(4)[0]]
    assert snap.own_preferences(np.array([weak]))[0] > 0
