"""The queue: order, next/previous, editing, repeat, persistence, and its invariants."""

from __future__ import annotations

import pytest
from fillers import PoolFiller
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player import queue_saving
from player.history import ChangeReason
from player.models import PlaySource, Track
from player.queue import Queue, RepeatMode
from player.queue_saving import QueueSaver
from player.store import Store


def saved(store: Store, filler: PoolFiller | None = None, **options: object) -> Queue:
    """A queue saved in *store* (restored from it, if it holds one)."""
    return Queue(filler, saver=QueueSaver(store.queue_state),  # type: ignore[arg-type]
                 **{"auto": filler is not None, **options})


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


def test_arrange_user_reorders_the_user_part_only() -> None:
    q = Queue(PoolFiller(), ahead=2)
    a, _b, c, _d = q.enqueue([1, 2, 3, 4])
    auto = q.auto_part
    changed: list[int] = []
    q.listeners.append(lambda: changed.append(1))
    q.arrange_user([c.key, a.key, 999])  # unknown keys are ignored, the rest keep order
    assert ids(q.user_part) == [3, 1, 2, 4] and q.auto_part == auto
    assert changed == [1]
    q.arrange_user([c.key, a.key])  # already so: nothing changes
    assert changed == [1]


def test_redraw_replaces_only_the_auto_part() -> None:
    q = Queue(PoolFiller(seed=3), ahead=5)
    q.enqueue([1, 2])
    before = q.auto_part
    q.redraw_auto()
    assert ids(q.user_part) == [1, 2]
    assert len(q.auto_part) == 5
    assert {e.key for e in before}.isdisjoint(e.key for e in q.auto_part)


def test_removing_an_auto_pick_reports_it_and_tops_the_auto_part_up() -> None:
    reported: list[list[int]] = []
    filler = PoolFiller(seed=4)
    q = Queue(filler, ahead=4, on_auto_removed=reported.append)
    q.enqueue([1, 2])
    auto = q.auto_part
    q.remove([auto[1].key, q.user_part[0].key])
    assert reported == [[auto[1].track_id]]
    assert ids(q.user_part) == [2]
    assert len(q.auto_part) == 4 and auto[1].key not in [e.key for e in q.auto_part]
    q.remove([q.user_part[0].key])  # a user entry is no feedback
    assert reported == [[auto[1].track_id]]


def test_a_new_filler_keeps_the_picks_shown_and_fills_what_is_missing() -> None:
    q = Queue(PoolFiller(seed=1), ahead=3)
    shown = q.auto_part
    q.set_filler(PoolFiller(seed=2))
    assert q.auto_part == shown
    q.set_auto(True, ahead=5)
    assert q.auto_part[:3] == shown and len(q.auto_part) == 5


def test_play_now_draws_the_auto_part_again_to_follow_the_choice() -> None:
    q = Queue(PoolFiller(seed=5), ahead=3)
    before = {e.key for e in q.auto_part}
    q.play_now([1])
    assert len(q.auto_part) == 3 and before.isdisjoint(e.key for e in q.auto_part)


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
    q = saved(store, PoolFiller(seed=1, pool=tracks), ahead=3, repeat=RepeatMode.OFF)
    q.play_now(tracks[:2])
    q.enqueue(tracks[5:7])
    q.advance()
    q.save_position(42_000)
    again = saved(store, PoolFiller(seed=9, pool=tracks), ahead=3)
    assert again.current is not None and again.current.track_id == tracks[1]
    assert again.resume_position_ms == 42_000
    assert ids(again.history) == [tracks[0]]
    assert ids(again.user_part) == tracks[5:7]
    assert [(e.track_id, e.reason) for e in again.auto_part] == \
        [(e.track_id, e.reason) for e in q.auto_part]
    assert again.previous().track_id == tracks[0]  # type: ignore[union-attr]


def test_deleted_tracks_leave_the_saved_queue(store: Store) -> None:
    tracks = _library(store, 3)
    q = saved(store)
    q.enqueue(tracks)
    store.tracks.delete(tracks[1])
    assert ids(saved(store).user_part) == \
        [tracks[0], tracks[2]]


def _shape(q: Queue) -> list[tuple[str, int, str, str | None]]:
    parts = {"history": q.history, "current": (q.current,) if q.current else (),
             "user": q.user_part, "auto": q.auto_part}
    return [(part, e.track_id, str(e.source), e.reason)
            for part, entries in parts.items() for e in entries]


def test_a_change_to_a_long_queue_writes_only_the_rows_that_changed(store: Store) -> None:
    tracks = _library(store, 40)
    q = saved(store)
    q.play_now(tracks * 50)  # 2,000 entries
    conn = store.db.conn
    for change in (lambda: q.advance(), lambda: q.enqueue_next(tracks[:2]),
                   lambda: q.enqueue(tracks[:2]), lambda: q.remove([q.user_part[700].key]),
                   lambda: q.move(q.user_part[3].key, 1500), lambda: q.previous()):
        before = conn.total_changes
        change()
        assert conn.total_changes - before <= 6  # not the 4,000 of a rewrite
        assert _shape(saved(store)) == _shape(q)


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
    q = saved(store, PoolFiller(seed=3, pool=tracks), ahead=3)
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
        again = saved(store, repeat=q.repeat, auto=True)  # no filler: keeps the auto part
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


@pytest.mark.parametrize("mode", list(RepeatMode))
def test_peek_next_agrees_with_advance(mode: RepeatMode) -> None:
    q = Queue(PoolFiller(), ahead=2, repeat=mode)
    q.play_now([1, 2])
    for reason in (ChangeReason.ENDED, ChangeReason.NEXT, ChangeReason.ENDED):
        expected = q.peek_next(reason)
        got = q.advance(reason)
        assert (expected.track_id if expected else None) == (got.track_id if got else None)
