"""An in-memory Backend that plays nothing and keeps time with an injectable clock.

It behaves like VlcBackend (same events, same order, same serial rules), so the player,
the play log and the window can be tested and developed without libvlc or a sound card.
Time moves only when the clock says so: call `tick()` after the clock advanced (a test's
ManualClock, or a timer in a demo) and the due Position / Ended / Started events are sent.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from player.backend import (
    AudioOutput,
    Ended,
    EventCallback,
    Failed,
    NoOutput,
    PlaybackEvent,
    PlayerState,
    Position,
    Started,
    clamp_volume,
)
from player.errors import PlaybackError


class ManualClock:
    """A clock for tests: it reads *now* seconds until told to `advance`."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class _Loaded:
    serial: int
    path: str
    gain_db: float
    duration_ms: int | None
    error: str | None
    base_ms: int = 0
    stops_ms: int | None = None  # where the data really ends (damaged files), else duration
    since: float | None = None  # clock reading when playing last (re)started
    started: bool = False
    prepared: bool = False
    last_reported: int = -1


class FakeBackend:
    """Backend whose tracks are registered with `add_media` (duration) or `break_media`.

    A path never registered behaves like a missing file when it does not exist on disk, and
    like an undecodable one when it does. Position events are sent every
    *position_interval_ms* of clock time while playing.
    """

    def __init__(self, callback: EventCallback, *, clock: Callable[[], float] = time.monotonic,
                 position_interval_ms: int = 250, volume: int = 100) -> None:
        self._callback = callback
        self._clock = clock
        self._interval = position_interval_ms
        self._media: dict[str, int] = {}
        self._stops: dict[str, int] = {}
        self._broken: dict[str, str] = {}
        self._serial = 0
        self._current: _Loaded | None = None
        self._next: tuple[str, float] | None = None
        self._state = PlayerState.STOPPED
        self._volume = clamp_volume(volume)
        self._muted = False
        self._closed = False
        self.gain_db = 0.0  # ReplayGain of the current track, for tests to read
        self.outputs = [AudioOutput("fake", "In-memory output", (("one", "Device one"),))]
        self.output: tuple[str | None, str | None] = (None, None)

    # -- the fake's library -----------------------------------------------------------------

    def add_media(self, path: str, duration_ms: int, *, stops_at_ms: int | None = None) -> None:
        """Make *path* playable, *duration_ms* milliseconds long. *stops_at_ms*: the file is
        damaged there; it ends (Ended) at that point although its header says *duration_ms*."""
        self._media[path] = int(duration_ms)
        self._broken.pop(path, None)
        if stops_at_ms is None:
            self._stops.pop(path, None)
        else:
            self._stops[path] = int(stops_at_ms)

    def break_media(self, path: str, message: str = "cannot decode the audio") -> None:
        """Make *path* fail to play with *message*."""
        self._broken[path] = message
        self._media.pop(path, None)

    def _open(self, path: str) -> tuple[int | None, str | None]:
        if path in self._broken:
            return None, f"{self._broken[path]}: {path}"
        if path in self._media:
            return self._media[path], None
        if not os.path.isfile(path):
            return None, f"The file is gone: {path}"
        return None, f"No audio could be decoded from {path}"

    # -- Backend --------------------------------------------------------------------------------

    def load(self, path: str, *, gain_db: float = 0.0, start_ms: int = 0) -> int:
        self._serial += 1
        duration, error = self._open(path)
        self._current = _Loaded(self._serial, path, gain_db, duration, error,
                                base_ms=max(0, int(start_ms)), stops_ms=self._stops.get(path))
        self._state = PlayerState.STOPPED
        self._next = None
        self.gain_db = gain_db
        return self._serial

    def set_next(self, path: str | None, *, gain_db: float = 0.0) -> None:
        self._next = None if path is None else (path, gain_db)

    def play(self) -> None:
        current = self._current
        if current is None:
            raise PlaybackError("Nothing to play: no track is loaded.")
        if self._state is PlayerState.PAUSED:
            self.resume()
            return
        if self._state is PlayerState.PLAYING:
            return
        if current.error is not None:
            self._emit([Failed(current.serial, current.path, current.error)])
            return
        self._start(current)

    def _start(self, media: _Loaded) -> None:
        media.since = self._clock()
        media.started = True
        self._state = PlayerState.PLAYING
        self._emit([Started(media.serial, media.path, media.duration_ms, media.prepared)])

    def pause(self) -> None:
        if self._state is PlayerState.PLAYING and self._current is not None:
            self._current.base_ms = self._raw_position(self._current)
            self._current.since = None
            self._state = PlayerState.PAUSED

    def resume(self) -> None:
        if self._state is PlayerState.PAUSED and self._current is not None:
            self._current.since = self._clock()
            self._state = PlayerState.PLAYING

    def stop(self) -> None:
        self._state = PlayerState.STOPPED
        if self._current is not None:
            old = self._current
            self._serial += 1
            self._current = _Loaded(self._serial, old.path, old.gain_db, old.duration_ms,
                                    old.error, stops_ms=old.stops_ms)

    def seek(self, position_ms: int) -> None:
        current = self._current
        if current is None or self._state is PlayerState.STOPPED:
            return
        limit = current.duration_ms if current.duration_ms is not None else position_ms
        current.base_ms = max(0, min(int(position_ms), limit))
        if current.since is not None:
            current.since = self._clock()
        self.tick()

    def position(self) -> int | None:
        if self._current is None:
            return None
        if self._state is PlayerState.STOPPED:
            return 0
        return self._position(self._current)

    def duration(self) -> int | None:
        return None if self._current is None else self._current.duration_ms

    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, percent: int) -> None:
        self._volume = clamp_volume(percent)

    @property
    def muted(self) -> bool:
        return self._muted

    def set_mute(self, muted: bool) -> None:
        self._muted = bool(muted)

    def audio_outputs(self) -> list[AudioOutput]:
        return list(self.outputs)

    def set_audio_output(self, name: str | None, device: str | None = None) -> None:
        self.output = (name, device)

    def lose_output(self, message: str = "No sound: the audio output could not be opened.") -> None:
        """The sound output goes away, as libvlc reports it: playback stops (NoOutput)."""
        current = self._current
        if current is None or self._state is PlayerState.STOPPED:
            return
        serial = current.serial
        self.stop()
        self._emit([NoOutput(serial, current.path, message)])

    def close(self) -> None:
        self._closed = True
        self._state = PlayerState.STOPPED

    # -- time -----------------------------------------------------------------------------------

    def _raw_position(self, media: _Loaded) -> int:
        if media.since is None:
            return media.base_ms
        return media.base_ms + round((self._clock() - media.since) * 1000.0)

    def _position(self, media: _Loaded) -> int:
        raw = self._raw_position(media)
        end = self._end(media)
        return raw if end is None else min(raw, end)

    @staticmethod
    def _end(media: _Loaded) -> int | None:
        return media.stops_ms if media.stops_ms is not None else media.duration_ms

    def tick(self) -> None:
        """Send the events due by the clock's current time (positions, end, next start)."""
        events: list[PlaybackEvent] = []
        while self._state is PlayerState.PLAYING and self._current is not None:
            media = self._current
            raw = self._raw_position(media)
            duration = media.duration_ms
            end = self._end(media)
            if end is None or raw < end:
                if raw - media.last_reported >= self._interval or media.last_reported < 0:
                    media.last_reported = raw
                    events.append(Position(media.serial, media.path, raw, duration))
                break
            overshoot_s = (raw - end) / 1000.0
            if self._next is None:
                self._state = PlayerState.STOPPED
                events.append(Ended(media.serial, media.path, next_started=False))
                break
            path, gain = self._next
            self._next = None
            self._serial += 1
            dur, error = self._open(path)
            nxt = _Loaded(self._serial, path, gain, dur, error, prepared=True,
                          stops_ms=self._stops.get(path))
            self._current = nxt
            self.gain_db = gain
            events.append(Ended(media.serial, media.path, next_started=True, next_path=path))
            if error is not None:
                self._state = PlayerState.STOPPED
                events.append(Failed(nxt.serial, path, error))
                break
            nxt.since = self._clock() - overshoot_s
            nxt.started = True
            events.append(Started(nxt.serial, path, dur, True))
        self._emit(events)

    def _emit(self, events: list[PlaybackEvent]) -> None:
        if self._closed:
            return
        for event in events:
            self._callback(event)
