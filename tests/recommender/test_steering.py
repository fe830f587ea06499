"""recommender/steering.py with the auto-shuffle: more, less, clear and forget a region."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from taste_factory import SyntheticLibrary, build_library

from player import edits
from player.models import PlayOutcome, PlaySource
from player.queue import FillContext
from player.store import Store
from recommender.shuffle import AutoShuffle, ShuffleConfig

EMPTY = FillContext(None, (), ())
#: No recency rule: a forgotten region's old plays must not keep tracks out by themselves.
NO_RECENCY = ShuffleConfig(recent_plays=0, recent_hours=0.0)


def _picks(store: Store, seed: int = 3, rounds: int = 15) -> list[int]:
    shuffle = AutoShuffle.over(store, ShuffleConfig(**vars(NO_RECENCY)), seed=seed)
    out: list[int] = []
    for _ in range(rounds):
        out += [p.track_id for p in shuffle.fill(10, EMPTY)]
    return out


def _share(lib: SyntheticLibrary, picks: list[int], style: int) -> float:
    return Counter(lib.style_of[t] for t in picks)[style] / len(picks)


def _play(store: Store, track_id: int, outcome: PlayOutcome, days_ago: float) -> None:
    started = time.time() - days_ago * 86_400.0
    with store.db.transaction():
        pid = store.plays.start(track_id, duration=200.0, source=PlaySource.AUTO,
                                started_at=started)
        store.plays.finish(pid, listened=200.0 if outcome is PlayOutcome.COMPLETED else 6.0,
                           outcome=outcome, ended_at=started + 200.0)


def test_less_of_a_region_lowers_its_share_of_the_picks(store: Store) -> None:
    lib = build_library(store, styles=5, artists_per_style=4, tracks_per_artist=6)
    before = _share(lib, _picks(store), 2)
    edits.steer(store, "less", lib.tracks_of(2), "Style 2")
    after = _share(lib, _picks(store), 2)
    assert before >= 0.12
    assert after <= before / 3


def test_more_raises_the_share_and_says_so(store: Store) -> None:
    lib = build_library(store, styles=5, artists_per_style=4, tracks_per_artist=6)
    before = _share(lib, _picks(store), 4)
    edits.steer(store, "more", lib.tracks_of(4), "Loud, bright — Style 4")
    shuffle = AutoShuffle.over(store, ShuffleConfig(**vars(NO_RECENCY)), seed=3)
    picks = shuffle.fill(30, EMPTY)
    after = _share(lib, [p.track_id for p in picks], 4)
    assert after >= 2 * before
    assert any(p.reason == "more of 'Loud, bright — Style 4', as you asked" for p in picks)


def test_clear_undoes_more_and_less(store: Store) -> None:
    lib = build_library(store, styles=5, artists_per_style=4, tracks_per_artist=6)
    plain = _picks(store, seed=9)
    edits.steer(store, "less", lib.tracks_of(1), "Style 1")
    assert _picks(store, seed=9) != plain
    edits.steer(store, "clear", lib.tracks_of(1), "Style 1")
    assert _picks(store, seed=9) == plain


def _judge(store: Store, lib: SyntheticLibrary, *, region: bool) -> None:
    """The same listener's judgements in two libraries; the region's (style 1) only
    when *region*. Region judgements are older than the rest, and none is a one-star
    rating (that rule is not learned, so forgetting keeps it)."""
    if region:
        ones = lib.tracks_of(1)
        for tid in ones[:4]:
            edits.rate(store, [tid], 5)
        edits.rate(store, [ones[4]], 2)
        for tid in ones[5:10]:
            _play(store, tid, PlayOutcome.COMPLETED, days_ago=30)
        for tid in ones[10:13]:
            _play(store, tid, PlayOutcome.SKIPPED, days_ago=20)
            _play(store, tid, PlayOutcome.SKIPPED, days_ago=19)
    for tid in lib.tracks_of(3)[:3]:
        edits.rate(store, [tid], 4)
    for tid in lib.tracks_of(0)[:4]:
        _play(store, tid, PlayOutcome.SKIPPED, days_ago=2)


def test_forget_gives_the_picks_of_a_library_without_the_regions_judgements(
        tmp_path: Path) -> None:
    judged, plain = Store.open(tmp_path / "judged.sqlite3"), Store.open(tmp_path / "plain.sqlite3")
    try:
        lib = build_library(judged, styles=5, artists_per_style=4, tracks_per_artist=6)
        assert build_library(plain, styles=5, artists_per_style=4,
                             tracks_per_artist=6).style_of == lib.style_of
        _judge(judged, lib, region=True)
        _judge(plain, lib, region=False)
        liked_before = _share(lib, _picks(judged, seed=5), 1)
        without = _picks(plain, seed=5)
        assert liked_before > _share(lib, without, 1)  # what it had learned shows
        edits.steer(judged, "forget", lib.tracks_of(1), "Style 1")
        assert _picks(judged, seed=5) == without
        # the plays themselves stay in the history
        assert len(judged.plays.all()) == len(plain.plays.all()) + 11
        assert judged.ratings.get(lib.tracks_of(1)[0]) == 5
    finally:
        judged.close()
        plain.close()


def test_judgements_after_forgetting_are_learned_again(store: Store) -> None:
    lib = build_library(store, styles=5, artists_per_style=4, tracks_per_artist=6)
    region = lib.tracks_of(2)
    edits.steer(store, "forget", region, "Style 2")
    time.sleep(0.01)
    for tid in region[:6]:
        edits.rate(store, [tid], 5)
    assert _share(lib, _picks(store), 2) >= 0.35
