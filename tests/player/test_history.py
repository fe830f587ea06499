"""The play log: outcomes, seconds listened, crash safety, per-track stats, and the whole
chain on real libvlc (generated 3 s files to the dummy audio output)."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from audio_factory import sine, write_audio

from player.fake_backend import ManualClock
from player.history import ChangeReason, PlayTracker, judge, skip_threshold
from player.models import PlayOutcome, PlaySource, Track
from player.playback import Ended, EventQueue, Started, VlcBackend
from player.queue import Queue
from player.session import Session
from player.store import Store
from player.work import InlineWork

# -- outcomes ------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "listened", "position", "duration", "outcome"), [
    (ChangeReason.ENDED, 3.0, 3.0, 3.0, PlayOutcome.COMPLETED),
    (ChangeReason.NEXT, 1.0, 1.0, 3.0, PlayOutcome.SKIPPED),  # before half of 3 s
    (ChangeReason.NEXT, 29.0, 29.0, 240.0, PlayOutcome.SKIPPED),  # before 30 s
    (ChangeReason.NEXT, 31.0, 31.0, 240.0, PlayOutcome.STOPPED),
    (ChangeReason.NEXT, 232.0, 232.0, 240.0, PlayOutcome.COMPLETED),  # in the last seconds
    (ChangeReason.NEXT, 5.0, 235.0, 240.0, PlayOutcome.SKIPPED),  # sought to the end
    (ChangeReason.PREVIOUS, 2.0, 2.0, 240.0, PlayOutcome.STOPPED),  # going back: no verdict
    (ChangeReason.PICKED, 2.0, 2.0, 240.0, PlayOutcome.SKIPPED),
    (ChangeReason.STOPPED, 2.0, 2.0, 240.0, PlayOutcome.SKIPPED),
    (ChangeReason.STOPPED, 60.0, 60.0, 240.0, PlayOutcome.STOPPED),
    (ChangeReason.QUIT, 2.0, 2.0, 240.0, PlayOutcome.STOPPED),  # closing is not a skip
    (ChangeReason.ERROR, 0.0, 0.0, 240.0, PlayOutcome.ERROR),  # an error is never a skip
    (ChangeReason.ERROR, 100.0, 100.0, 240.0, PlayOutcome.ERROR),
    (ChangeReason.NEXT, 10.0, 10.0, None, PlayOutcome.SKIPPED),  # unknown length: 30 s
])
def test_judge(reason: ChangeReason, listened: float, position: float,
               duration: float | None, outcome: PlayOutcome) -> None:
    assert judge(reason, listened, position, duration) is outcome


def test_skip_threshold_is_30_s_or_half_the_track() -> None:
    assert skip_threshold(240.0) == 30.0
    assert skip_threshold(40.0) == 20.0
    assert skip_threshold(None) == 30.0


# -- the tracker on a manual clock -----------------------------------------------------------


def _track(store: Store, path: str = "/music/a.flac", duration: float = 240.0) -> int:
    return store.tracks.upsert(Track(path=path, title="A", artists=("X",), duration=duration))


def _feed(tracker: PlayTracker, clock: ManualClock, start: float, end: float,
          step: float = 0.25) -> float:
    position = start
    while position < end - 1e-9:
        clock.advance(step)
        position += step
        tracker.position(position)
    return position


def test_row_is_written_at_start_and_seconds_flushed_while_playing(store: Store) -> None:
    clock = ManualClock()
    tracker = PlayTracker(store.plays, clock=clock, wall=clock, flush_interval=1.0)
    track = _track(store)
    play_id = tracker.begin(track, duration=240.0, source=PlaySource.AUTO)
    row = store.plays.get(play_id)
    assert row is not None and row.outcome is None and row.listened == 0
    _feed(tracker, clock, 0.0, 5.0)
    row = store.plays.get(play_id)
    assert row is not None and 4.0 <= row.listened <= 5.0 and row.outcome is None
    assert [p.id for p in store.plays.unfinished()] == [play_id]


def test_seek_jumps_and_backward_moves_are_not_listening(store: Store) -> None:
    clock = ManualClock()
    tracker = PlayTracker(store.plays, clock=clock, wall=clock)
    tracker.begin(_track(store), duration=240.0, source=PlaySource.USER)
    _feed(tracker, clock, 0.0, 10.0)
    clock.advance(0.25)
    tracker.position(100.0)  # a seek nobody announced: a jump far beyond the time passed
    _feed(tracker, clock, 100.0, 105.0)
    clock.advance(0.25)
    tracker.position(20.0)  # backwards
    _feed(tracker, clock, 20.0, 22.0)
    assert tracker.listened == pytest.approx(17.0, abs=0.01)


def test_natural_end_credits_the_last_stretch_as_time_passes(store: Store) -> None:
    clock = ManualClock()
    tracker = PlayTracker(store.plays, clock=clock, wall=clock)
    play_id = tracker.begin(_track(store, duration=3.0), duration=3.0, source=PlaySource.USER)
    _feed(tracker, clock, 0.0, 2.25)
    clock.advance(0.75)
    assert tracker.end_shortfall() is None
    assert tracker.finish(ChangeReason.ENDED) is PlayOutcome.COMPLETED
    row = store.plays.get(play_id)
    assert row is not None and row.listened == pytest.approx(3.0)


def test_an_end_reported_at_once_credits_no_made_up_time(store: Store) -> None:
    clock = ManualClock()
    tracker = PlayTracker(store.plays, clock=clock, wall=clock)
    play_id = tracker.begin(_track(store, duration=3.0), duration=3.0, source=PlaySource.USER)
    _feed(tracker, clock, 0.0, 1.5)
    tracker.finish(ChangeReason.ENDED)  # the engine said "end" with no time passing
    row = store.plays.get(play_id)
    assert row is not None and row.listened == pytest.approx(1.5)


def test_position_steps_never_count_more_than_the_time_passed(store: Store) -> None:
    """An engine racing through a file (no sound device) moves 0.5 s every 0.25 s."""
    clock = ManualClock()
    tracker = PlayTracker(store.plays, clock=clock, wall=clock)
    tracker.begin(_track(store), duration=240.0, source=PlaySource.USER)
    position = 0.0
    for _ in range(12):
        clock.advance(0.25)
        position += 0.5
        tracker.position(position)
    assert tracker.listened == pytest.approx(3.0, abs=0.01)
    # Events that reach the owner in a burst still count: the time waited is kept briefly.
    clock.advance(0.5)
    tracker.position(position + 0.25)
    tracker.position(position + 0.5)
    assert tracker.listened == pytest.approx(3.5, abs=0.01)


def test_an_end_well_before_the_duration_is_a_decoding_failure(store: Store) -> None:
    clock = ManualClock()
    tracker = PlayTracker(store.plays, clock=clock, wall=clock)
    track = _track(store, duration=10.0)
    tracker.begin(track, duration=10.0, source=PlaySource.USER)
    _feed(tracker, clock, 0.0, 2.5)
    assert tracker.end_shortfall() == "stopped decoding at 0:02 of 0:10"
    tracker.record_error(track, source=PlaySource.USER)
    assert [(p.outcome, p.listened) for p in store.plays.for_track(track)] == [
        (PlayOutcome.ERROR, 2.5)]
    # Within max(2 s, 10 %) of the end it is an end: engines stop a little early.
    tracker.begin(track, duration=10.0, source=PlaySource.USER)
    _feed(tracker, clock, 0.0, 8.25)
    assert tracker.end_shortfall() is None


def test_record_error_writes_an_error_row_without_a_skip(store: Store) -> None:
    tracker = PlayTracker(store.plays)
    track = _track(store)
    tracker.record_error(track, source=PlaySource.AUTO)
    assert [p.outcome for p in store.plays.for_track(track)] == [PlayOutcome.ERROR]
    stats = store.plays.stats(track)
    assert (stats.play_count, stats.skip_count, stats.last_played) == (0, 0, None)


def test_stats_count_plays_skips_and_last_played(store: Store) -> None:
    """A play counts when it ended or was heard past the skip threshold; a skip, an error
    or going back after a few seconds does not. Any real play moves "last played"."""
    clock = ManualClock(5000.0)
    tracker = PlayTracker(store.plays, clock=clock, wall=clock)
    track = _track(store)
    for reason, seconds in [(ChangeReason.ENDED, 240.0), (ChangeReason.NEXT, 5.0),
                            (ChangeReason.NEXT, 3.0), (ChangeReason.STOPPED, 40.0),
                            (ChangeReason.PREVIOUS, 4.0)]:
        tracker.begin(track, duration=240.0, source=PlaySource.USER)
        _feed(tracker, clock, 0.0, seconds, step=1.0)
        tracker.finish(reason)
        clock.advance(10)
    last_start = store.plays.all()[-1].started_at
    tracker.record_error(track, source=PlaySource.USER)
    stats = store.plays.stats(track)
    assert (stats.play_count, stats.skip_count, stats.last_played) == (2, 2, last_start)
    listed = store.tracks.get(track)  # the library listing counts the same way
    assert (listed.play_count, listed.skip_count, listed.last_played) == (2, 2, last_start)
    assert store.plays.all_stats() == {track: stats}
    tracker.begin(track, duration=240.0, source=PlaySource.USER)  # under way, long enough
    _feed(tracker, clock, 0.0, 31.0, step=1.0)
    tracker.flush()
    assert store.plays.stats(track).play_count == 3


# -- the whole chain on real libvlc ---------------------------------------------------------


@pytest.mark.slow
def test_real_playback_logs_completed_skipped_and_paused_plays(store: Store,
                                                               tmp_path: Path) -> None:
    """Three generated 3 s files: the first runs out, the second is skipped after 1 s, the
    third is paused for 1 s in the middle and runs out."""
    ids = []
    with store.db.transaction():
        for i, freq in enumerate((440, 550, 660)):
            path = write_audio(tmp_path / f"t{i}.mp3", sine(freq, 3.0))
            ids.append(store.tracks.upsert(Track(path=str(path), title=f"T{i}",
                                                 artists=(f"A{i}",), duration=3.0)))
    inbox = EventQueue()
    backend = VlcBackend(inbox.put, audio_output="dummy")
    session = Session(backend, Queue(None, auto=False), PlayTracker(store.plays),
                      store.tracks, InlineWork(store))
    seen: list[object] = []
    at: dict[tuple[str, str], float] = {}  # (event kind, file name) → when it was handled

    def pump_until(done: object, timeout: float = 8.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            event = inbox.get(timeout=0.05)
            if event is not None:
                seen.append(event)
                session.handle_event(event)
                at[type(event).__name__, Path(event.path).name] = time.monotonic()
            if callable(done) and done():
                return
        raise AssertionError(f"timed out; events: {seen[-5:]}")

    def started(track_index: int) -> bool:
        return any(isinstance(e, Started) and e.path.endswith(f"t{track_index}.mp3")
                   for e in seen)

    try:
        session.play_now(ids)
        pump_until(lambda: started(1))  # the first ran out and the next one started
        assert any(isinstance(e, Ended) and e.path.endswith("t0.mp3") for e in seen)
        begun = time.monotonic()
        pump_until(lambda: time.monotonic() - begun >= 1.0)
        session.next()  # skip the second after about 1 s
        pump_until(lambda: started(2))
        begun = time.monotonic()
        pump_until(lambda: time.monotonic() - begun >= 0.8)
        session.pause()
        paused = time.monotonic()
        time.sleep(1.0)
        inbox.drain()
        session.play()
        paused = time.monotonic() - paused
        pump_until(lambda: not session.active)
    finally:
        session.shutdown()
        backend.close()
    plays = store.plays.all()
    assert [(p.track_id, p.outcome) for p in plays] == [
        (ids[0], PlayOutcome.COMPLETED), (ids[1], PlayOutcome.SKIPPED),
        (ids[2], PlayOutcome.COMPLETED)]
    # The truth is the time each track sounded: the dummy output drops the last second or
    # so that libvlc buffers, so a 3 s file sounds for about 2 s; it is not credited.
    truth0 = at["Ended", "t0.mp3"] - at["Started", "t0.mp3"]
    truth2 = at["Ended", "t2.mp3"] - at["Started", "t2.mp3"] - paused
    assert plays[0].listened == pytest.approx(truth0, abs=0.5)
    assert plays[1].listened == pytest.approx(1.0, abs=0.5)
    assert plays[2].listened == pytest.approx(truth2, abs=0.5)  # the pause is not counted


def _damaged(path: Path, seconds: float, *, garbage_after: float | None = None,
             cut_at: float | None = None) -> Path:
    """A real FLAC with a valid header whose body turns to noise, or that is cut short."""
    write_audio(path, sine(440, seconds))
    data = bytearray(path.read_bytes())
    if garbage_after is not None:
        noise = random.Random(2)
        for i in range(int(len(data) * garbage_after), len(data)):
            data[i] = noise.randrange(256)
    if cut_at is not None:
        del data[int(len(data) * cut_at):]
    path.write_bytes(bytes(data))
    return path


@pytest.mark.slow
def test_real_damaged_files_are_errors_not_completions(store: Store, tmp_path: Path) -> None:
    """A FLAC whose audio is noise after the first 20 % and one cut to 30 % of its 10 s both
    end early in libvlc: each is an error with its reason, never a completed play."""
    files = [_damaged(tmp_path / "noise.flac", 6.0, garbage_after=0.2),
             _damaged(tmp_path / "cut.flac", 10.0, cut_at=0.3),
             write_audio(tmp_path / "fine.flac", sine(550, 3.0))]
    with store.db.transaction():
        ids = [store.tracks.upsert(Track(path=str(f), title=f.stem, artists=("A",), duration=d))
               for f, d in zip(files, (6.0, 10.0, 3.0), strict=True)]
    inbox = EventQueue()
    backend = VlcBackend(inbox.put, audio_output="dummy")
    messages: list[str] = []
    session = Session(backend, Queue(None, auto=False), PlayTracker(store.plays),
                      store.tracks, InlineWork(store), on_message=messages.append)
    at: dict[tuple[str, str], float] = {}
    try:
        session.play_now(ids)
        end = time.monotonic() + 20.0
        while session.active and time.monotonic() < end:
            event = inbox.get(timeout=0.05)
            if event is not None:
                session.handle_event(event)
                at[type(event).__name__, Path(event.path).name] = time.monotonic()
    finally:
        session.shutdown()
        backend.close()
    plays = store.plays.all()
    assert [(p.track_id, p.outcome) for p in plays] == [
        (ids[0], PlayOutcome.ERROR), (ids[1], PlayOutcome.ERROR), (ids[2], PlayOutcome.COMPLETED)]
    for track_id in ids[:2]:
        assert "stopped decoding at" in (store.tracks.get(track_id).play_error or "")
        assert store.tracks.get(track_id).play_count == 0
    assert store.tracks.get(ids[2]).play_error is None
    assert sum("stopped decoding" in m for m in messages) == 2
    truth = at["Ended", "fine.flac"] - at["Started", "fine.flac"]
    assert plays[2].listened == pytest.approx(truth, abs=0.5)
    assert plays[0].listened <= 1.5 and plays[1].listened <= 3.5
