"""One behaviour suite for every Backend: the real libvlc one and the in-memory fake.

libvlc plays generated files to its dummy audio output in real time; the fake runs on a
manual clock that the harness advances, so the same assertions hold for both.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from audio_factory import sine, write_audio

from player.errors import PlaybackError
from player.fake_backend import FakeBackend, ManualClock
from player.playback import (
    APT_INSTALL,
    Backend,
    Ended,
    EventQueue,
    Failed,
    NoOutput,
    PlaybackEvent,
    PlayerState,
    Position,
    Started,
    VlcBackend,
    engine_volume,
    file_mrl,
    load_vlc,
    replaygain_db,
)
from player.vlc_log import VlcLog

SECONDS = 3.0


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    corrupt = folder / "corrupt.mp3"
    corrupt.write_bytes(b"\x00not audio at all" * 2000)
    return {
        "a": write_audio(folder / "a.mp3", sine(440, SECONDS)),
        "b": write_audio(folder / "b.mp3", sine(660, SECONDS)),
        "corrupt": corrupt,
        "missing": folder / "gone.mp3",
    }


class Harness:
    """A backend plus the events it sent, and a way to let time pass for it."""

    def __init__(self, kind: str, media: dict[str, Path]) -> None:
        self.kind = kind
        self.inbox = EventQueue()
        self.events: list[PlaybackEvent] = []
        self.clock = ManualClock()
        self.backend: Backend
        if kind == "vlc":
            self.backend = VlcBackend(self.inbox.put, audio_output="dummy")
        else:
            fake = FakeBackend(self.inbox.put, clock=self.clock)
            for name in ("a", "b"):
                fake.add_media(str(media[name]), int(SECONDS * 1000))
            self.backend = fake

    def _pump(self, timeout: float) -> None:
        if self.kind == "vlc":
            event = self.inbox.get(timeout=timeout)
            if event is not None:
                self.events.append(event)
            self.events.extend(self.inbox.drain())
        else:
            self.clock.advance(timeout)
            assert isinstance(self.backend, FakeBackend)
            self.backend.tick()
            self.events.extend(self.inbox.drain())

    def sleep(self, seconds: float) -> None:
        """Let *seconds* of playing time pass, collecting events."""
        end = time.monotonic() + seconds if self.kind == "vlc" else self.clock() + seconds
        now: Callable[[], float] = time.monotonic if self.kind == "vlc" else self.clock
        while (left := end - now()) > 1e-9:
            self._pump(min(0.05, left))

    def wait_for(self, predicate: Callable[[PlaybackEvent], bool],
                 timeout: float = 6.0) -> PlaybackEvent:
        seen = 0
        end = time.monotonic() + timeout
        waited = 0.0
        while True:
            for event in self.events[seen:]:
                if predicate(event):
                    return event
            seen = len(self.events)
            if time.monotonic() > end or waited > timeout:
                raise AssertionError(f"no such event in {self.events!r}")
            self._pump(0.05)
            waited += 0.05

    def close(self) -> None:
        self.backend.close()


@pytest.fixture(params=["fake", pytest.param("vlc", marks=pytest.mark.slow)])
def harness(request: pytest.FixtureRequest, media: dict[str, Path]) -> Iterator[Harness]:
    h = Harness(request.param, media)
    yield h
    h.close()


def _started(h: Harness, serial: int) -> Started:
    event = h.wait_for(lambda e: isinstance(e, Started) and e.serial == serial)
    assert isinstance(event, Started)
    return event


def test_plays_to_the_end_and_reports_why(harness: Harness, media: dict[str, Path]) -> None:
    path = str(media["a"])
    serial = harness.backend.load(path)
    harness.backend.play()
    started = _started(harness, serial)
    assert started.path == path and not started.prepared
    assert started.duration_ms is not None and abs(started.duration_ms - 3000) < 150
    ended = harness.wait_for(lambda e: isinstance(e, Ended))
    assert ended == Ended(serial, path, next_started=False)
    positions = [e.position_ms for e in harness.events if isinstance(e, Position)]
    assert positions == sorted(positions) and positions[-1] > 1000
    assert harness.backend.state is PlayerState.STOPPED


def test_prepared_next_track_starts_at_once(harness: Harness, media: dict[str, Path]) -> None:
    a, b = str(media["a"]), str(media["b"])
    serial = harness.backend.load(a)
    harness.backend.set_next(b)
    harness.backend.play()
    _started(harness, serial)
    ended = harness.wait_for(lambda e: isinstance(e, Ended))
    ended_at = time.monotonic() if harness.kind == "vlc" else harness.clock()
    assert ended == Ended(serial, a, next_started=True, next_path=b)
    nxt = _started(harness, serial + 1)
    gap = (time.monotonic() if harness.kind == "vlc" else harness.clock()) - ended_at
    assert nxt.path == b and nxt.prepared
    assert gap < 0.3
    assert harness.backend.state is PlayerState.PLAYING


def test_pause_holds_the_position_and_resume_continues(harness: Harness,
                                                       media: dict[str, Path]) -> None:
    serial = harness.backend.load(str(media["a"]))
    harness.backend.play()
    _started(harness, serial)
    harness.sleep(0.6)
    harness.backend.pause()
    assert harness.backend.state is PlayerState.PAUSED
    held = harness.backend.position()
    harness.sleep(0.6)
    assert held is not None and 300 <= held <= 1000
    assert abs((harness.backend.position() or 0) - held) <= 60
    harness.backend.resume()
    harness.sleep(0.6)
    assert (harness.backend.position() or 0) >= held + 300
    assert not any(isinstance(e, Ended) for e in harness.events)


def test_seek_moves_the_position(harness: Harness, media: dict[str, Path]) -> None:
    serial = harness.backend.load(str(media["a"]))
    harness.backend.play()
    _started(harness, serial)
    harness.sleep(0.3)
    harness.backend.seek(1200)
    harness.sleep(0.3)
    assert 1100 <= (harness.backend.position() or 0) <= 1900


def test_load_can_start_part_way_in(harness: Harness, media: dict[str, Path]) -> None:
    serial = harness.backend.load(str(media["a"]), start_ms=1200)
    harness.backend.play()
    _started(harness, serial)
    first = harness.wait_for(lambda e: isinstance(e, Position) and e.position_ms > 0)
    assert isinstance(first, Position) and 1100 <= first.position_ms <= 1900


def test_stop_sends_no_end_and_play_starts_over(harness: Harness,
                                                media: dict[str, Path]) -> None:
    serial = harness.backend.load(str(media["a"]))
    harness.backend.play()
    _started(harness, serial)
    harness.sleep(0.5)
    harness.backend.stop()
    assert harness.backend.state is PlayerState.STOPPED
    harness.sleep(0.5)
    assert not any(isinstance(e, Ended) for e in harness.events)
    harness.backend.play()
    restarted = _started(harness, serial + 1)
    assert restarted.path == str(media["a"])
    assert (harness.backend.position() or 0) < 600


@pytest.mark.parametrize("name", ["missing", "corrupt"])
def test_unplayable_file_fails_with_a_reason(harness: Harness, media: dict[str, Path],
                                             name: str) -> None:
    path = str(media[name])
    serial = harness.backend.load(path)
    harness.backend.play()
    failed = harness.wait_for(lambda e: isinstance(e, Failed))
    assert isinstance(failed, Failed) and failed.serial == serial and failed.path == path
    assert path in failed.message
    assert not any(isinstance(e, Ended) for e in harness.events)


def test_loading_another_track_silences_the_old_one(harness: Harness,
                                                    media: dict[str, Path]) -> None:
    first = harness.backend.load(str(media["a"]))
    harness.backend.play()
    _started(harness, first)
    second = harness.backend.load(str(media["b"]))
    harness.backend.play()
    _started(harness, second)
    harness.events.clear()
    harness.sleep(0.5)
    assert harness.events and all(getattr(e, "serial", second) == second
                                  for e in harness.events)


def test_volume_and_mute(harness: Harness) -> None:
    harness.backend.set_volume(55)
    assert harness.backend.volume == 55
    harness.backend.set_volume(140)
    assert harness.backend.volume == 100
    harness.backend.set_volume(-3)
    assert harness.backend.volume == 0
    harness.backend.set_mute(True)
    assert harness.backend.muted


# -- ReplayGain and the libvlc check (no playback needed) -------------------------------


def test_replaygain_chooses_the_mode_and_falls_back() -> None:
    assert replaygain_db("track", -7.5, 0.9, -6.0, 0.95) == -7.5
    assert replaygain_db("album", -7.5, 0.9, -6.0, 0.95) == -6.0
    assert replaygain_db("album", -7.5, 0.9, None, None) == -7.5
    assert replaygain_db("track", None, None, -6.0, None) == -6.0
    assert replaygain_db("off", -7.5, 0.9, -6.0, 0.95) == 0.0
    assert replaygain_db("track", None, None, None, None) == 0.0


def test_replaygain_never_lifts_a_peak_above_full_scale() -> None:
    gain = replaygain_db("track", 6.0, 0.5, None, None)
    assert gain == pytest.approx(6.0206, abs=1e-3) or gain <= 6.0206
    assert replaygain_db("track", 6.0, 0.8, None, None) == pytest.approx(1.938, abs=1e-3)


def test_engine_volume_applies_the_gain() -> None:
    assert engine_volume(80, 0.0) == 80
    assert engine_volume(100, -6.0) == 50
    assert engine_volume(100, 20.0) == 200


def test_missing_libvlc_is_explained_with_the_install_command() -> None:
    def no_libvlc() -> object:
        raise NotImplementedError("Cannot find libvlc lib")

    with pytest.raises(PlaybackError) as info:
        load_vlc(no_libvlc)  # type: ignore[arg-type]
    assert "libvlc" in str(info.value) and APT_INSTALL in str(info.value)


def test_too_old_libvlc_is_explained() -> None:
    class OldVlc:
        @staticmethod
        def libvlc_get_version() -> bytes:
            return b"2.2.8 Weatherwax"

    with pytest.raises(PlaybackError) as info:
        load_vlc(lambda: OldVlc)  # type: ignore[arg-type, return-value]
    assert "2.2.8 is too old" in str(info.value) and APT_INSTALL in str(info.value)


def test_playback_module_imports_without_libvlc() -> None:
    import subprocess
    import sys

    code = ("import sys; sys.modules['vlc'] = None\n"
            "import player.playback, player.fake_backend\n"
            "try:\n    player.playback.VlcBackend(print)\n"
            "except player.playback.PlaybackError as e:\n    print('ERR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.startswith("ERR ") and "python-vlc" in out and APT_INSTALL in out


# -- names, sound outputs, libvlc's log --------------------------------------------------


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_plays(tmp_path: Path) -> None:
    made = write_audio(tmp_path / "plain.mp3", sine(440, SECONDS))
    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.mp3"  # Latin-1 bytes, invalid UTF-8
    os.rename(made, raw)
    path = os.fsdecode(raw)
    assert "\udce9" in path
    inbox = EventQueue()
    backend = VlcBackend(inbox.put, audio_output="dummy")
    try:
        serial = backend.load(path)
        backend.play()
        events: list[PlaybackEvent] = []
        deadline = time.monotonic() + 10
        while not any(isinstance(e, Position) and e.position_ms > 300 for e in events):
            assert time.monotonic() < deadline, events
            events.extend(e for e in [inbox.get(timeout=0.1)] if e is not None)
        assert not any(isinstance(e, Failed) for e in events)
        started = next(e for e in events if isinstance(e, Started))
        assert started.serial == serial and started.path == path
    finally:
        backend.close()


def test_file_mrl_keeps_the_exact_bytes() -> None:
    assert file_mrl("/music/a b#1.mp3") == "file:///music/a%20b%231.mp3"
    assert file_mrl(os.fsdecode(b"/m/caf\xe9.mp3")) == "file:///m/caf%E9.mp3"


@pytest.mark.slow
def test_no_usable_sound_output_stops_and_says_so(media: dict[str, Path]) -> None:
    inbox = EventQueue()
    backend = VlcBackend(inbox.put, audio_output="alsa,none",
                         extra_args=["--alsa-audio-device=riffle-no-such-device"])
    try:
        serial = backend.load(str(media["a"]))
        backend.play()
        deadline = time.monotonic() + 10
        event = None
        while not isinstance(event, NoOutput):
            assert time.monotonic() < deadline, "no NoOutput event"
            event = inbox.get(timeout=0.1)
            assert not isinstance(event, (Ended, Failed)), event
        assert event.serial == serial and "sound" in event.message.lower()
        assert backend.state is PlayerState.STOPPED
    finally:
        backend.close()


@pytest.mark.slow
def test_sound_outputs_are_listed_from_libvlc() -> None:
    backend = VlcBackend(lambda _e: None, audio_output="dummy")
    try:
        outputs = backend.audio_outputs()
    finally:
        backend.close()
    names = [o.name for o in outputs]
    assert "alsa" in names or "pulse" in names
    assert not {"amem", "afile", "adummy"} & set(names)
    assert all(o.description for o in outputs)


def test_libvlc_errors_are_logged_once_and_a_lost_output_is_reported(
        caplog: pytest.LogCaptureFixture) -> None:
    failures: list[str] = []
    log = VlcLog(failures.append)  # not attached: the handling of messages alone
    with caplog.at_level(logging.DEBUG, logger="riffle.libvlc"):
        for _ in range(3):
            log.handle(4, "alsa", 'cannot open ALSA device "default": No such file')
        log.handle(4, "main", "failed to create audio output")
        log.handle(2, "main", "using demux module avformat")
    firsts = [r for r in caplog.records if r.levelno == logging.INFO]
    assert [r.getMessage() for r in firsts] == [
        'alsa: cannot open ALSA device "default": No such file',
        "main: failed to create audio output"]
    assert sum(r.levelno == logging.DEBUG for r in caplog.records) == 3
    assert failures == ["failed to create audio output"]


@pytest.mark.slow
def test_changing_the_output_while_playing_goes_on_where_it_was(
        media: dict[str, Path], tmp_path: Path) -> None:
    long = write_audio(tmp_path / "long.mp3", sine(440, 8.0))
    inbox = EventQueue()
    backend = VlcBackend(inbox.put, audio_output="dummy")
    try:
        serial = backend.load(str(long))
        backend.play()
        deadline = time.monotonic() + 10
        while (backend.position() or 0) < 2000:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        before = backend.position() or 0
        backend.set_audio_output("adummy")
        time.sleep(0.8)
        assert backend.state is PlayerState.PLAYING
        assert before - 300 <= (backend.position() or 0) <= before + 2500
        backend.pause()
        held = backend.position() or 0
        backend.set_audio_output("dummy")  # while paused: it moves on resume
        assert abs((backend.position() or 0) - held) <= 100
        backend.resume()
        time.sleep(0.8)
        assert held - 300 <= (backend.position() or 0) <= held + 2500
        events = inbox.drain()
        assert [e.serial for e in events if isinstance(e, Started)] == [serial]
        assert not any(isinstance(e, (Ended, Failed, NoOutput)) for e in events)
    finally:
        backend.close()
