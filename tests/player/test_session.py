"""The player controller on the in-memory backend: plays, skips, faults, gapless hand-over."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fillers import PoolFiller
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player.changes import Changes
from player.fake_backend import FakeBackend, ManualClock
from player.feedback import AutoPartFeedback
from player.history import ChangeReason, PlayTracker
from player.models import PlayOutcome, PlaySource, Track
from player.playback import EventQueue, PlayerState, Started
from player.queue import FillContext, Pick, Queue, RepeatMode
from player.queue_saving import QueueSaver
from player.session import Session
from player.store import Store
from player.store.plays import Play
from player.work import InlineWork


class Rig:
    """A Session on a FakeBackend whose clock the test moves."""

    def __init__(self, store: Store, folder: Path, seconds: float = 3.0, count: int = 5) -> None:
        self.store = store
        self.clock = ManualClock()
        self.inbox = EventQueue()
        self.backend = FakeBackend(self.inbox.put, clock=self.clock)
        self.ids: list[int] = []
        self.paths: list[str] = []
        with store.db.transaction():
            for i in range(count):
                path = folder / f"t{i}.mp3"
                path.write_bytes(b"audio")
                self.backend.add_media(str(path), int(seconds * 1000))
                self.ids.append(store.tracks.upsert(Track(
                    path=str(path), title=f"Song {i}", artists=(f"Artist {i}",),
                    duration=seconds, rg_track_gain=-6.0)))
                self.paths.append(str(path))
        self.queue = Queue(None, auto=False, saver=QueueSaver(store.queue_state))
        self.tracker = PlayTracker(store.plays, clock=self.clock, wall=self.clock)
        self.messages: list[str] = []
        self.work = InlineWork(store)
        self.session = Session(self.backend, self.queue, self.tracker, store.tracks, self.work,
                               on_message=self.messages.append)
        self.feedback = AutoPartFeedback(self.queue, self.work.hub)
        self.started: list[Started] = []

    def pump(self) -> None:
        for event in self.inbox.drain():
            if isinstance(event, Started):
                self.started.append(event)
            self.session.handle_event(event)

    def run(self, seconds: float, step: float = 0.05) -> None:
        self.pump()
        for _ in range(round(seconds / step)):
            self.clock.advance(step)
            self.backend.tick()
            self.pump()

    def plays(self) -> list[Play]:
        return self.store.plays.all()


@pytest.fixture
def rig(store: Store, tmp_path: Path) -> Rig:
    return Rig(store, tmp_path)


def test_a_track_that_runs_out_is_completed_and_the_next_follows(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:2])
    rig.run(3.5)
    plays = rig.plays()
    assert [(p.track_id, p.outcome) for p in plays] == [(rig.ids[0], PlayOutcome.COMPLETED),
                                                        (rig.ids[1], None)]
    assert plays[0].listened == pytest.approx(3.0, abs=0.06)
    assert plays[0].source is PlaySource.USER
    assert [e.prepared for e in rig.started] == [False, True]
    assert rig.session.track is not None and rig.session.track.id == rig.ids[1]
    assert rig.backend.gain_db == -6.0  # ReplayGain (track mode) reaches the engine


def test_moving_on_early_is_a_skip_later_is_a_stop(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:3])
    rig.run(1.0)
    rig.session.next()
    rig.run(2.0)
    rig.session.next()
    rig.run(0.5)
    outcomes = [(p.track_id, p.outcome, p.reason) for p in rig.plays()]
    assert outcomes == [(rig.ids[0], PlayOutcome.SKIPPED, "next"),
                        (rig.ids[1], PlayOutcome.STOPPED, "next"), (rig.ids[2], None, None)]
    assert rig.plays()[0].listened == pytest.approx(1.0, abs=0.06)


def test_moving_on_in_the_last_seconds_is_a_completion(store: Store, tmp_path: Path) -> None:
    rig = Rig(store, tmp_path, seconds=200.0, count=2)
    rig.session.play_now(rig.ids)
    rig.run(195.0, step=0.25)
    rig.session.next()
    assert rig.plays()[0].outcome is PlayOutcome.COMPLETED


def test_pauses_and_seeks_are_not_listening(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:1])
    rig.run(1.0)
    rig.session.pause()
    rig.run(5.0)
    rig.session.play()
    rig.run(0.5)
    rig.session.seek(2000)
    rig.run(0.2)
    rig.session.stop()
    play = rig.plays()[0]
    assert play.listened == pytest.approx(1.7, abs=0.06)
    assert play.outcome is PlayOutcome.STOPPED


def test_listened_seconds_are_flushed_while_playing(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:1])
    rig.run(2.2)
    assert rig.plays()[0].outcome is None
    assert 1.0 <= rig.plays()[0].listened <= 2.2


def test_vanished_and_corrupt_files_are_marked_and_playback_goes_on(rig: Rig) -> None:
    Path(rig.paths[1]).unlink()
    rig.backend.break_media(rig.paths[2], "cannot decode the audio")
    rig.session.play_now(rig.ids[:4])
    rig.run(3.5)
    plays = [(p.track_id, p.outcome) for p in rig.plays()]
    assert plays == [(rig.ids[0], PlayOutcome.COMPLETED), (rig.ids[1], PlayOutcome.ERROR),
                     (rig.ids[2], PlayOutcome.ERROR), (rig.ids[3], None)]
    assert rig.store.tracks.get(rig.ids[1]).missing
    assert "cannot decode" in (rig.store.tracks.get(rig.ids[2]).play_error or "")
    assert rig.session.state is PlayerState.PLAYING
    assert len(rig.messages) == 2 and "the file is gone" in rig.messages[0]
    # Errors are never counted as plays or skips.
    assert (rig.store.tracks.get(rig.ids[2]).play_count,
            rig.store.tracks.get(rig.ids[2]).skip_count) == (0, 0)


def test_a_file_that_stops_decoding_early_is_an_error_not_a_completion(rig: Rig) -> None:
    rig.backend.add_media(rig.paths[0], 3000, stops_at_ms=600)  # damaged after 0.6 s
    rig.session.play_now(rig.ids[:2])
    rig.run(1.0)
    plays = rig.plays()
    assert [(p.track_id, p.outcome) for p in plays] == [(rig.ids[0], PlayOutcome.ERROR),
                                                        (rig.ids[1], None)]
    assert plays[0].listened == pytest.approx(0.6, abs=0.06)
    assert rig.store.tracks.get(rig.ids[0]).play_error == "stopped decoding at 0:00 of 0:03"
    assert "stopped decoding" in rig.messages[0]
    assert rig.session.track is not None and rig.session.track.id == rig.ids[1]


def test_files_that_play_a_little_then_fail_still_stop_after_three(rig: Rig) -> None:
    for path in rig.paths:
        rig.backend.add_media(path, 3000, stops_at_ms=500)
    rig.session.play_now(rig.ids)
    rig.run(3.0)
    assert rig.session.state is PlayerState.STOPPED
    assert "3 tracks in a row" in rig.messages[-1]
    assert [p.outcome for p in rig.plays()] == [PlayOutcome.ERROR] * 3


def test_a_marked_track_that_plays_through_is_cleared(rig: Rig) -> None:
    rig.store.tracks.set_play_error(rig.ids[0], "stopped decoding at 0:01 of 0:03")
    rig.session.play_now(rig.ids[:1])
    rig.run(1.0)
    assert rig.store.tracks.get(rig.ids[0]).play_error is not None  # not yet proven
    rig.run(2.5)
    assert rig.plays()[0].outcome is PlayOutcome.COMPLETED
    assert rig.store.tracks.get(rig.ids[0]).play_error is None


def test_three_failures_in_a_row_stop_playback(rig: Rig) -> None:
    for path in rig.paths[:4]:
        rig.backend.break_media(path)
    rig.session.play_now(rig.ids)
    rig.run(0.5)
    assert rig.session.state is PlayerState.STOPPED
    assert "3 tracks in a row" in rig.messages[-1]
    assert [p.outcome for p in rig.plays()] == [PlayOutcome.ERROR] * 3
    assert rig.queue.current is None or rig.queue.current.track_id == rig.ids[3]


def test_queue_end_stops_and_repeat_one_replays(rig: Rig) -> None:
    rig.session.set_repeat(RepeatMode.ONE)
    rig.session.play_now(rig.ids[:1])
    rig.run(6.5)
    assert [p.outcome for p in rig.plays()] == [PlayOutcome.COMPLETED] * 2 + [None]
    rig.session.set_repeat(RepeatMode.OFF)
    rig.run(3.0)
    assert rig.session.state is PlayerState.STOPPED and not rig.session.active


def test_a_queue_edit_as_a_track_ends_plays_and_logs_what_the_queue_says(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:2])  # the second is prepared in the backend
    rig.run(2.9)
    rig.clock.advance(0.2)
    rig.backend.tick()  # the backend ends the first and starts the second by itself...
    rig.session.queue.enqueue_next([rig.ids[2]])  # ...while the user puts a third first
    rig.pump()
    rig.run(0.5)
    assert rig.session.track is not None and rig.session.track.id == rig.ids[2]
    assert rig.backend.position() is not None
    assert rig.started[-1].path == rig.paths[2]  # what sounds is what is logged
    assert [(p.track_id, p.outcome) for p in rig.plays()] == [
        (rig.ids[0], PlayOutcome.COMPLETED), (rig.ids[2], None)]
    rig.run(3.0)  # and the second still follows the third
    assert rig.session.track is not None and rig.session.track.id == rig.ids[1]


def test_previous_restarts_late_and_goes_back_early(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:3])
    rig.run(3.2)  # first ran out, second plays
    rig.session.previous()
    assert rig.session.track is not None and rig.session.track.id == rig.ids[0]
    rig.run(0.5)
    rig.session.next()
    assert rig.session.track is not None and rig.session.track.id == rig.ids[1]


def test_shutdown_keeps_the_play_and_the_position(rig: Rig, store: Store) -> None:
    rig.session.play_now(rig.ids[:2])
    rig.run(1.5)
    rig.session.shutdown()
    play = rig.plays()[0]
    assert play.outcome is PlayOutcome.STOPPED and play.listened == pytest.approx(1.5, abs=0.06)
    restored = Queue(None, auto=False, saver=QueueSaver(store.queue_state))
    assert restored.current is not None and restored.current.track_id == rig.ids[0]
    assert restored.resume_position_ms == pytest.approx(1500, abs=60)


def test_plays_cut_off_by_a_crash_are_closed_as_stopped_at_start(store: Store,
                                                                 tmp_path: Path) -> None:
    track = store.tracks.upsert(Track(path=str(tmp_path / "x.mp3"), title="X", duration=200.0))
    cut = store.plays.start(track, duration=200.0, source=PlaySource.AUTO, started_at=5000.0)
    store.plays.update_listened(cut, 42.5)  # flushed just before the crash
    done = store.plays.start(track, duration=200.0, source=PlaySource.USER, started_at=6000.0)
    store.plays.finish(done, listened=200.0, outcome=PlayOutcome.COMPLETED, ended_at=6200.0)
    rig = Rig(store, tmp_path, count=1)  # builds a Session on this database
    assert store.plays.unfinished() == []
    closed = store.plays.get(cut)
    assert closed is not None
    assert (closed.outcome, closed.listened, closed.ended_at, closed.reason) == (
        PlayOutcome.STOPPED, 42.5, 5042.5, "interrupted")
    finished = store.plays.get(done)
    assert finished is not None and finished.outcome is PlayOutcome.COMPLETED
    assert finished.ended_at == 6200.0
    rig.session.play_now(rig.ids)  # the new session's own play stays open while it plays
    rig.run(0.5)
    assert len(store.plays.unfinished()) == 1


class CountingFiller(PoolFiller):
    """Hands out the rig's tracks in turn and counts how often it is asked."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(pool=ids)
        self.ids = ids

    @property
    def asked(self) -> int:
        return len(self.calls)

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        self.calls.append(context)
        taken = {*context.queued, context.current, *context.history[-1:]}
        return [Pick(t, "next") for t in self.ids if t not in taken][:count]


def test_a_skip_redraws_the_auto_part_but_a_stop_late_does_not(store: Store,
                                                                tmp_path: Path) -> None:
    rig = Rig(store, tmp_path, seconds=100.0)
    filler = CountingFiller(rig.ids)
    rig.queue.set_filler(filler)
    rig.queue.set_auto(True, ahead=2)
    rig.session.play()
    rig.run(1.0)
    shown_next = rig.queue.upcoming[0].track_id
    before = {e.key for e in rig.queue.auto_part}
    rig.session.next()  # after 1 s: a skip
    assert rig.plays()[0].outcome is PlayOutcome.SKIPPED
    assert rig.session.track is not None and rig.session.track.id == shown_next
    assert filler.followed[-1].skips == {rig.plays()[0].track_id}
    assert before.isdisjoint(e.key for e in rig.queue.auto_part)  # drawn again after it
    rig.run(60.0)
    kept = [e.key for e in rig.queue.auto_part]
    rig.session.next()  # after 60 s: moving on, not a skip
    assert rig.plays()[1].outcome is PlayOutcome.STOPPED
    assert [e.key for e in rig.queue.auto_part][:len(kept) - 1] == kept[1:]  # only topped up


def test_a_failed_track_leaves_the_auto_part(store: Store, tmp_path: Path) -> None:
    rig = Rig(store, tmp_path, count=4)
    broken = rig.ids[1]

    class Offers(PoolFiller):
        """Offers the broken track twice while it is not known to fail."""

        def fill(self, count: int, context: FillContext) -> list[Pick]:
            offers = [t for t in (broken, broken, *rig.ids[2:])
                      if t != context.current and not store.tracks.get(t).play_error]
            return [Pick(t, "offered") for t in offers][:count]

    rig.backend.break_media(rig.paths[1])
    rig.queue.set_filler(Offers())
    rig.queue.set_auto(True, ahead=3)
    rig.session.play_now(rig.ids[:1])
    rig.session.next()  # the broken auto pick fails, the next one plays
    rig.run(0.3)
    assert broken not in [e.track_id for e in rig.queue.auto_part]
    assert rig.session.track is not None and rig.session.track.id in rig.ids[2:]
    assert len(rig.messages) == 1  # its second copy was dropped, not tried and failed again
    assert [p.outcome for p in store.plays.for_track(broken)] == [PlayOutcome.ERROR]


# -- what you see is what plays ------------------------------------------------------------

SESSION_OPS = st.lists(st.one_of(
    st.tuples(st.just("next"), st.none()),
    st.tuples(st.just("previous"), st.none()),
    st.tuples(st.just("jump"), st.integers(0, 30)),
    st.tuples(st.just("rate"), st.integers(0, 5)),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("drag"), st.tuples(st.integers(0, 30), st.integers(0, 30))),
    st.tuples(st.just("enqueue"), st.integers(0, 7)),
    st.tuples(st.just("wait"), st.floats(0.1, 3.0)),
), min_size=1, max_size=25)


@given(ops=SESSION_OPS, seed=st.integers(0, 1000))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_track_that_starts_is_always_the_one_the_queue_showed_next(
        tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, Any]], seed: int) -> None:
    folder = tmp_path_factory.mktemp("shown")
    store = Store.open(folder / "lib.sqlite3")
    try:
        rig = Rig(store, folder, seconds=5.0, count=8)
        rig.queue.set_filler(PoolFiller(seed, pool=rig.ids))
        rig.queue.set_auto(True, ahead=3)
        rig.session.play()
        rig.run(0.2)
        for op, arg in ops:
            queue, session = rig.queue, rig.session
            upcoming = queue.upcoming
            if op == "next":
                shown = queue.peek_next(ChangeReason.NEXT)
                session.next()
                rig.run(0.1)
                assert _playing(rig) == (shown.key if shown else None), op
            elif op == "jump" and upcoming:
                chosen = upcoming[arg % len(upcoming)]
                session.jump_to(chosen.key)  # double-click, Enter or "Play now" in the queue
                rig.run(0.1)
                assert _playing(rig) == chosen.key, op
            elif op == "previous":
                late = (session.position_ms() or 0) > 3000
                back = queue.current if late or not queue.history else queue.history[-1]
                session.previous()
                rig.run(0.1)
                assert _playing(rig) == (back.key if back else None), op
            elif op == "rate" and session.track is not None:
                with rig.work.hub.batch():
                    rig.work.hub.publish(Changes(ratings=frozenset({session.track.id or 0})))
            elif op == "remove" and upcoming:
                queue.remove([upcoming[arg % len(upcoming)].key])
            elif op == "drag" and upcoming:
                which, where = arg
                queue.move(upcoming[which % len(upcoming)].key, where % len(upcoming))
            elif op == "enqueue":
                queue.enqueue([rig.ids[arg]])
            elif op == "wait" and session.active:
                shown = queue.peek_next(ChangeReason.ENDED)
                before = _playing(rig)
                rig.run(arg)
                if _playing(rig) != before:  # the track ended on its own
                    assert _playing(rig) == (shown.key if shown else None), op
    finally:
        store.close()


def _playing(rig: Rig) -> int | None:
    """The queue entry the engine plays (or is about to), by key."""
    entry = rig.session.entry if rig.session.active else None
    return entry.key if entry is not None else None


def test_going_back_is_no_judgement_and_keeps_where_the_track_came_from(rig: Rig) -> None:
    rig.queue.set_filler(PoolFiller(3, pool=rig.ids[2:]))
    rig.queue.set_auto(True, ahead=2)
    rig.session.play_now(rig.ids[:1])
    rig.run(1.0)
    rig.session.next()  # onto the first auto pick
    rig.run(1.0)
    auto_entry = rig.session.entry
    assert auto_entry is not None and auto_entry.source is PlaySource.AUTO
    rig.session.previous()  # 1 s in: back to the first track
    rig.run(0.5)
    assert rig.session.track is not None and rig.session.track.id == rig.ids[0]
    assert rig.queue.user_part == ()  # nothing was made "queued by you"
    assert rig.queue.auto_part[0] == auto_entry  # it waits where it was, with its reason
    left = [p for p in rig.plays() if p.track_id == auto_entry.track_id]
    assert [p.outcome for p in left] == [PlayOutcome.STOPPED]  # not a skip


def test_stop_after_this_track_completes_it_and_waits_on_the_next(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:3])
    rig.run(0.5)
    rig.session.set_stop_after_current(True)
    rig.run(3.5)
    assert rig.session.state is PlayerState.STOPPED
    assert [(p.track_id, p.outcome) for p in rig.plays()] == [
        (rig.ids[0], PlayOutcome.COMPLETED)]
    assert rig.session.track is not None and rig.session.track.id == rig.ids[1]
    assert rig.session.position_ms() == 0
    assert not rig.session.stop_after_current  # once only
    rig.session.play()
    rig.run(3.5)
    assert [p.track_id for p in rig.plays()] == [rig.ids[0], rig.ids[1], rig.ids[2]]


def test_losing_the_sound_output_stops_and_says_so_without_blaming_the_file(rig: Rig) -> None:
    rig.session.play_now(rig.ids[:2])
    rig.run(1.0)
    rig.backend.lose_output("No sound: the audio output could not be opened.")
    rig.pump()
    assert rig.session.state is PlayerState.STOPPED
    assert rig.session.no_output == "No sound: the audio output could not be opened."
    assert rig.messages[-1] == rig.session.no_output
    plays = rig.plays()
    assert [(p.track_id, p.outcome) for p in plays] == [(rig.ids[0], PlayOutcome.STOPPED)]
    assert rig.store.tracks.get(rig.ids[0]).play_error is None
    rig.run(2.0)
    assert rig.session.track is not None and rig.session.track.id == rig.ids[0]
    rig.session.play()  # the output is back: playing clears the message
    rig.run(0.5)
    assert rig.session.state is PlayerState.PLAYING and rig.session.no_output is None
