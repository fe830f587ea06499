"""The queue: order, next/previous, editing, repeat, persistence, and its invariants."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player import queue_saving
from player.history import ChangeReason
from player.models import PlaySource, Track
from player.queue import FillContext, Pick, Queue, RepeatMode
from player.random_filler import RandomFiller
from player.store import Store


class PoolFiller:
    """Picks tracks from 100 upward, never one already ahead or playing."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.calls: list[FillContext] = []

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        self.calls.append(context)
        taken = set(context.queued) | {context.current}
        free = [t for t in range(100, 140) if t not in taken]
        self.rng.shuffle(free)
        return [Pick(t, f"pick {t}") for t in free[:count]]


def ids(entries: tuple) -> list[int]:  # type: ignore[type-arg]
    return [e.track_id for e in entries]


def test_user_part_plays_first_then_auto_picks_topped_up() -> None:
    q = Queue(PoolFiller(), ahead=3)
    assert len(q.auto_part) == 3 and q.current is None
    q.enqueue([1, 2])
    q.enqueue_next([9])
    assert ids(q.user_part) == [9, 1, 2]
    assert ids(q.upcoming)[:3] == [9, 1, 2] and len(q.upcoming) == 6
    played = [q.advance().track_id for _ in range(4)]  # type: ignore[union-attr]
    assert played[:3] == [9, 1, 2] and played[3] >= 100
    assert len(q.auto_part) == 3
    assert all(e.source is PlaySource.AUTO and e.reason for e in q.auto_part)


def test_filler_gets_history_current_and_what_is_queued() -> None:
    filler = PoolFiller()
    q = Queue(filler, ahead=2)
    q.play_now([5])
    q.enqueue([6])
    q.enqueue([7])
    q.advance(ChangeReason.NEXT)
    q.redraw_auto()
    last = filler.calls[-1]
    assert (last.current, last.history, last.queued) == (6, (5,), (7,))


def test_previous_walks_back_through_history_and_next_returns() -> None:
    q = Queue(None, auto=False)
    q.play_now([1, 2, 3])
    q.advance()
    q.advance()
    assert q.current is not None and q.current.track_id == 3
    assert q.previous().track_id == 2  # type: ignore[union-attr]
    assert q.previous().track_id == 1  # type: ignore[union-attr]
    assert ids(q.user_part) == [2, 3]
    assert q.advance().track_id == 2  # type: ignore[union-attr]
    assert q.previous().track_id == 1  # type: ignore[union-attr]
    assert q.previous().track_id == 1  # no more history: stays  # type: ignore[union-attr]


def test_play_now_puts_the_rest_ahead_of_what_was_queued() -> None:
    q = Queue(None, auto=False)
    q.enqueue([1, 2])
    q.play_now([7, 8])
    assert q.current.track_id == 7  # type: ignore[union-attr]
    assert ids(q.user_part) == [8, 1, 2]


def test_remove_move_jump_and_clear() -> None:
    q = Queue(PoolFiller(), ahead=2)
    a, b, c = q.enqueue([1, 2, 3])
    q.move(c.key, 0)
    assert ids(q.user_part) == [3, 1, 2]
    q.move(a.key, 99)  # a user entry stays in the user part
    assert ids(q.user_part) == [3, 2, 1]
    auto = q.auto_part[1]
    q.move(auto.key, 0)  # an auto pick moved among user entries joins the user part
    assert q.user_part[0] == auto and len(q.auto_part) == 2
    q.remove([b.key])
    assert 2 not in ids(q.user_part)
    q.jump_to(a.key)
    assert q.current == a and ids(q.user_part) == [auto.track_id, 3]
    q.clear()
    assert q.user_part == () and len(q.auto_part) == 2 and q.current == a


def test_redraw_replaces_only_the_auto_part() -> None:
    q = Queue(PoolFiller(seed=3), ahead=5)
    q.enqueue([1, 2])
    before = q.auto_part
    q.redraw_auto()
    assert ids(q.user_part) == [1, 2]
    assert len(q.auto_part) == 5
    assert {e.key for e in before}.isdisjoint(e.key for e in q.auto_part)


def test_removing_an_auto_pick_reports_it_and_redraws_the_auto_part() -> None:
    reported: list[list[int]] = []
    filler = PoolFiller(seed=4)
    q = Queue(filler, ahead=4, on_auto_removed=reported.append)
    q.enqueue([1, 2])
    auto = q.auto_part
    calls = len(filler.calls)
    q.remove([auto[1].key, q.user_part[0].key])
    assert reported == [[auto[1].track_id]]
    assert ids(q.user_part) == [2]
    assert len(q.auto_part) == 4
    assert {e.key for e in auto}.isdisjoint(e.key for e in q.auto_part)  # all drawn anew
    assert len(filler.calls) == calls + 1
    q.remove([q.user_part[0].key])  # a user entry is no feedback
    assert reported == [[auto[1].track_id]]


def test_repeat_one_replays_on_end_but_next_moves_on() -> None:
    q = Queue(None, auto=False, repeat=RepeatMode.ONE)
    q.play_now([1, 2])
    assert q.advance(ChangeReason.ENDED).track_id == 1  # type: ignore[union-attr]
    assert q.peek_next(ChangeReason.ENDED).track_id == 1  # type: ignore[union-attr]
    assert q.advance(ChangeReason.NEXT).track_id == 2  # type: ignore[union-attr]


def test_repeat_queue_plays_the_cycle_again_without_auto_picks() -> None:
    q = Queue(PoolFiller(), ahead=3)
    q.set_repeat(RepeatMode.QUEUE)
    assert q.auto_part == ()
    q.play_now([1, 2, 3])
    order = [q.current.track_id] + [q.advance(ChangeReason.ENDED).track_id  # type: ignore
                                     for _ in range(6)]
    assert order == [1, 2, 3, 1, 2, 3, 1]
    q.set_repeat(RepeatMode.OFF)
    assert len(q.auto_part) == 3


def test_the_queue_runs_out_without_auto() -> None:
    q = Queue(None, auto=False)
    q.play_now([1])
    assert q.advance(ChangeReason.ENDED) is None and q.current is None


def test_listeners_hear_every_change() -> None:
    q = Queue(PoolFiller(), ahead=1)
    heard: list[int] = []
    q.listeners.append(lambda: heard.append(len(q.upcoming)))
    q.enqueue([1])
    q.redraw_auto()
    q.advance()
    assert len(heard) == 3


def _library(store: Store, count: int, artists: int = 4) -> list[int]:
    with store.db.transaction():
        return [store.tracks.upsert(Track(path=f"/music/{i}.flac", title=f"Song {i}",
                                          artists=(f"Artist {i % artists}",), duration=180))
                for i in range(count)]


def test_queue_survives_a_restart(store: Store) -> None:
    tracks = _library(store, 12)
    q = Queue(RandomFiller(store, rng=random.Random(1)), ahead=3, state=store.queue_state,
              repeat=RepeatMode.OFF)
    q.play_now(tracks[:2])
    q.enqueue(tracks[5:7])
    q.advance()
    q.save_position(42_000)
    again = Queue(RandomFiller(store), ahead=3, state=store.queue_state)
    assert again.current is not None and again.current.track_id == tracks[1]
    assert again.resume_position_ms == 42_000
    assert ids(again.history) == [tracks[0]]
    assert ids(again.user_part) == tracks[5:7]
    assert [(e.track_id, e.reason) for e in again.auto_part] == \
        [(e.track_id, e.reason) for e in q.auto_part]
    assert again.previous().track_id == tracks[0]  # type: ignore[union-attr]


def test_deleted_tracks_leave_the_saved_queue(store: Store) -> None:
    tracks = _library(store, 3)
    q = Queue(None, auto=False, state=store.queue_state)
    q.enqueue(tracks)
    store.tracks.delete(tracks[1])
    assert ids(Queue(None, auto=False, state=store.queue_state).user_part) == \
        [tracks[0], tracks[2]]


def _shape(q: Queue) -> list[tuple[str, int, str, str | None]]:
    parts = {"history": q.history, "current": (q.current,) if q.current else (),
             "user": q.user_part, "auto": q.auto_part}
    return [(part, e.track_id, str(e.source), e.reason)
            for part, entries in parts.items() for e in entries]


def test_a_change_to_a_long_queue_writes_only_the_rows_that_changed(store: Store) -> None:
    tracks = _library(store, 40)
    q = Queue(None, auto=False, state=store.queue_state)
    q.play_now(tracks * 50)  # 2,000 entries
    conn = store.db.conn
    for change in (lambda: q.advance(), lambda: q.enqueue_next(tracks[:2]),
                   lambda: q.enqueue(tracks[:2]), lambda: q.remove([q.user_part[700].key]),
                   lambda: q.move(q.user_part[3].key, 1500), lambda: q.previous()):
        before = conn.total_changes
        change()
        assert conn.total_changes - before <= 6  # not the 4,000 of a rewrite
        assert _shape(Queue(None, auto=False, state=store.queue_state)) == _shape(q)


SAVE_OPS = st.lists(st.one_of(
    st.tuples(st.just("enqueue"), st.lists(st.integers(0, 11), max_size=4)),
    st.tuples(st.just("enqueue_next"), st.lists(st.integers(0, 11), max_size=4)),
    st.tuples(st.just("play_now"), st.lists(st.integers(0, 11), max_size=4)),
    st.tuples(st.just("advance"), st.integers(0, 2)),
    st.tuples(st.just("previous"), st.integers(0, 2)),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("move"), st.tuples(st.integers(0, 30), st.integers(0, 30))),
    st.tuples(st.just("jump"), st.integers(0, 30)),
    st.tuples(st.just("clear"), st.none()),
    st.tuples(st.just("repeat"), st.sampled_from(list(RepeatMode))),
), max_size=30)


@pytest.mark.parametrize("stride", [1, queue_saving.STRIDE])  # 1: no free ids between rows
@given(ops=SAVE_OPS)
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_saved_queue_always_restores_as_it_stood(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                     stride: int,
                                                     ops: list[tuple[str, object]]) -> None:
    monkeypatch.setattr(queue_saving, "STRIDE", stride)
    store.queue_state.clear()
    tracks = [t.id for t in store.tracks.all() if t.id is not None] or _library(store, 12)
    q = Queue(RandomFiller(store, rng=random.Random(3)), ahead=3, state=store.queue_state)
    q.enqueue([])  # the first change saves the auto part drawn at start
    for op, arg in ops:
        ahead = q.upcoming
        if op in ("enqueue", "enqueue_next", "play_now"):
            getattr(q, op)([tracks[i] for i in arg])  # type: ignore[union-attr]
        elif op == "advance":
            q.advance(list(ChangeReason)[int(arg)])  # type: ignore[call-overload]
        elif op == "previous":
            q.previous()
        elif op in ("remove", "jump") and ahead:
            key = ahead[int(arg) % len(ahead)].key  # type: ignore[call-overload]
            q.remove([key]) if op == "remove" else q.jump_to(key)
        elif op == "move" and ahead:
            which, where = arg  # type: ignore[misc]
            q.move(ahead[which % len(ahead)].key, where)
        elif op == "clear":
            q.clear()
        elif op == "repeat":
            q.set_repeat(arg)  # type: ignore[arg-type]
        again = Queue(None, state=store.queue_state, repeat=q.repeat)  # keeps the auto part
        assert _shape(again) == _shape(q), op


# -- invariants ------------------------------------------------------------------------------

OPS = st.lists(st.one_of(
    st.tuples(st.just("enqueue"), st.lists(st.integers(1, 20), max_size=3)),
    st.tuples(st.just("enqueue_next"), st.lists(st.integers(1, 20), max_size=3)),
    st.tuples(st.just("redraw"), st.none()),
    st.tuples(st.just("advance_end"), st.none()),
    st.tuples(st.just("advance_error"), st.none()),
    st.tuples(st.just("remove_auto"), st.integers(0, 5)),
    st.tuples(st.just("ahead"), st.integers(0, 6)),
), max_size=40)


@given(ops=OPS, seed=st.integers(0, 1000))
@settings(max_examples=150, deadline=None)
def test_user_queued_entries_are_never_reordered_or_dropped_by_the_auto_part(
        ops: list[tuple[str, object]], seed: int) -> None:
    q = Queue(PoolFiller(seed), ahead=3)
    expected: list[int] = []  # keys of the user part, as only the user and playback change it
    for op, arg in ops:
        if op == "enqueue":
            expected += [e.key for e in q.enqueue(arg)]  # type: ignore[arg-type]
        elif op == "enqueue_next":
            expected[0:0] = [e.key for e in q.enqueue_next(arg)]  # type: ignore[arg-type]
        elif op == "redraw":
            q.redraw_auto()
        elif op in ("advance_end", "advance_error"):
            reason = ChangeReason.ENDED if op == "advance_end" else ChangeReason.ERROR
            entry = q.advance(reason)
            if expected:
                assert entry is not None and entry.key == expected.pop(0)
            else:
                assert entry is None or entry.source is PlaySource.AUTO
        elif op == "remove_auto" and q.auto_part:
            q.remove([q.auto_part[int(arg) % len(q.auto_part)].key])  # type: ignore[call-overload]
        elif op == "ahead":
            q.set_auto(True, ahead=int(arg))  # type: ignore[call-overload]
        assert [e.key for e in q.user_part] == expected
        assert all(e.source is PlaySource.AUTO for e in q.auto_part)


@given(seed=st.integers(0, 10_000), library=st.integers(8, 30), recent=st.integers(1, 6),
       rounds=st.integers(1, 25))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_recent_play_reappears_in_the_auto_part_while_others_are_available(
        tmp_path: Path, seed: int, library: int, recent: int, rounds: int) -> None:
    store = Store.open(tmp_path / f"lib-{seed}-{library}-{recent}-{rounds}.sqlite3")
    try:
        tracks = _library(store, library)
        filler = RandomFiller(store, recent_plays=recent, recent_hours=0, artist_gap=1,
                              rng=random.Random(seed))
        q = Queue(filler, ahead=3)
        for _ in range(rounds):
            entry = q.advance(ChangeReason.ENDED)
            assert entry is not None
            store.plays.start(entry.track_id, duration=180, source=PlaySource.AUTO)
            last = {p.track_id for p in store.plays.recent(recent)}
            available = set(tracks) - last - {entry.track_id}
            if len(available) > len(q.upcoming):
                q.redraw_auto()
                assert last.isdisjoint(ids(q.auto_part))
            assert len(set(ids(q.auto_part))) == len(q.auto_part)
    finally:
        store.close()


def test_random_filler_keeps_artists_apart_and_skips_unplayable(store: Store) -> None:
    tracks = _library(store, 40, artists=8)
    store.tracks.mark_missing(tracks[:4])
    store.tracks.set_play_error(tracks[4], "cannot decode")
    filler = RandomFiller(store, artist_gap=3, rng=random.Random(7), recent_hours=0)
    picks = filler.fill(20, FillContext(current=None, history=(), queued=()))
    picked = [p.track_id for p in picks]
    assert len(picked) == 20 == len(set(picked))
    assert set(picked).isdisjoint(tracks[:5])
    artists = [store.tracks.get(t).artist for t in picked]
    assert all(len(set(artists[i:i + 4])) == len(artists[i:i + 4])
               for i in range(len(artists) - 3))
    assert all(p.reason for p in picks)


def test_random_filler_relaxes_rules_in_a_tiny_library(store: Store) -> None:
    tracks = _library(store, 3, artists=1)
    for t in tracks:
        store.plays.start(t, duration=180, source=PlaySource.USER)
    filler = RandomFiller(store, rng=random.Random(2))
    picks = filler.fill(5, FillContext(current=tracks[2], history=(), queued=()))
    assert [p.track_id for p in picks] == [tracks[0], tracks[1]]  # oldest play first


@pytest.mark.parametrize("mode", list(RepeatMode))
def test_peek_next_agrees_with_advance(mode: RepeatMode) -> None:
    q = Queue(PoolFiller(), ahead=2, repeat=mode)
    q.play_now([1, 2])
    for reason in (ChangeReason.ENDED, ChangeReason.NEXT, ChangeReason.ENDED):
        expected = q.peek_next(reason)
        got = q.advance(reason)
        assert (expected.track_id if expected else None) == (got.track_id if got else None)


def test_random_filler_samples_a_big_library_with_the_same_rules(store: Store) -> None:
    with store.db.transaction():
        store.db.executemany(
            "INSERT INTO tracks (path, title, artist, artists, added_at, updated_at, "
            "missing_since) VALUES (?, ?, ?, '[]', 1, 1, ?)",
            ((f"/m/{i}.mp3", f"t{i}", f"A{i % 50}", 1.0 if i % 2 else None)
             for i in range(6000)))
    recent = [p for p in range(1, 400, 2)]  # odd rows are the present tracks (ids from 1)
    for track_id in recent:
        store.plays.start(track_id, duration=100, source=PlaySource.AUTO)
    filler = RandomFiller(store, recent_plays=len(recent), artist_gap=5,
                          rng=random.Random(4))
    picks = filler.fill(40, FillContext(current=401, history=(), queued=(403, 405)))
    picked = [p.track_id for p in picks]
    assert len(picked) == 40 == len(set(picked))
    assert all(t % 2 == 1 for t in picked)  # never a missing track
    assert set(picked).isdisjoint([*recent, 401, 403, 405])
    artists = [(t - 1) % 50 for t in picked]
    assert all(len(set(artists[i:i + 6])) == len(artists[i:i + 6])
               for i in range(len(artists) - 5))
