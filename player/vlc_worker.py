"""The worker half of the libvlc engine: libvlc's notes turned into playback events.

libvlc reports from its own threads; VlcBackend's callbacks there only post a note. One
worker thread per backend (`VlcWorker._run`) reads the notes, polls the position a few
times a second, starts the prepared next track when the current one ends, checks where a
seek landed, and calls the owner's callback with the events. It never runs inside a libvlc
callback, so it may call libvlc. player/playback.py holds the owner's half (the commands)
and the state both halves share under one lock.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from player.backend import (
    Ended,
    EventCallback,
    Failed,
    NoOutput,
    PlaybackEvent,
    PlayerState,
    Position,
    Started,
)
from player.seek_points import ANYWHERE, SeekCheck, SeekGrid

logger = logging.getLogger("player.playback")


@dataclass
class LoadedMedia:
    """The track the engine has open, and what the worker knows of it."""

    serial: int
    path: str
    gain_db: float
    grid: SeekGrid = ANYWHERE
    seek_check: SeekCheck | None = None
    playing: bool = False  # libvlc said "playing"
    started: bool = False  # Started was sent
    max_position: int = 0
    last_position: int = -1
    length: int | None = None
    prepared: bool = False


@dataclass
class PreparedMedia:
    """The track prepared to follow (`set_next`), opened ahead."""

    path: str
    gain_db: float
    media: Any = field(repr=False)


class VlcWorker:
    """The worker thread's methods of VlcBackend, over the state VlcBackend sets up."""

    _lock: threading.RLock
    _notes: queue.Queue[tuple[str, int]]
    _callback: EventCallback
    _poll: float
    _player: Any
    _serial: int
    _current: LoadedMedia | None
    _next: PreparedMedia | None
    _state: PlayerState
    _closed: bool

    def _apply_volume(self) -> None:
        raise NotImplementedError

    def _stop_locked(self) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while True:
            try:
                note, serial = self._notes.get(timeout=self._poll)
            except queue.Empty:
                note, serial = "", -1
            if note == "close":
                return
            try:
                with self._lock:
                    if self._closed:
                        return
                    events = self._handle(note, serial) if note else []
                    events.extend(self._poll_position())
            except Exception:  # a libvlc failure must not kill the event thread
                logger.exception("playback worker failed on %r", note)
                continue
            for event in events:
                try:
                    self._callback(event)
                except Exception:
                    logger.exception("playback event callback failed on %r", event)

    def _handle(self, note: str, serial: int) -> list[PlaybackEvent]:
        current = self._current
        if current is None or serial != current.serial:
            return []
        if note == "playing":
            self._apply_volume()
            current.playing = True
            return self._maybe_started(current)
        if note == "nooutput":
            if self._state is PlayerState.STOPPED:
                return []
            self._stop_locked()
            return [NoOutput(serial, current.path,
                             "No sound: the audio output could not be opened (no sound "
                             "card, or the sound server is not running). Choose another "
                             "output in Settings, or check the system's sound.")]
        if note == "missing":
            self._state = PlayerState.STOPPED
            return [Failed(serial, current.path, f"The file is gone: {current.path}")]
        if note == "error":
            self._state = PlayerState.STOPPED
            return [Failed(serial, current.path,
                           f"libvlc cannot open or decode {current.path}")]
        if note == "end":
            return self._ended(current)
        return []

    def _ended(self, current: LoadedMedia) -> list[PlaybackEvent]:
        length = int(self._player.get_length())
        if not current.started and length <= 0:
            self._state = PlayerState.STOPPED
            return [Failed(current.serial, current.path,
                           f"No audio could be decoded from {current.path}")]
        events: list[PlaybackEvent] = []
        prepared, self._next = self._next, None
        if prepared is None:
            self._state = PlayerState.STOPPED
            events.append(Ended(current.serial, current.path, next_started=False))
            return events
        self._player.stop()
        self._serial += 1
        nxt = LoadedMedia(self._serial, prepared.path, prepared.gain_db, prepared=True)
        self._current = nxt
        self._player.set_media(prepared.media)
        if self._player.play() != 0:
            self._notes.put(("error", nxt.serial))
        self._state = PlayerState.PLAYING
        events.append(Ended(current.serial, current.path, next_started=True,
                            next_path=prepared.path))
        return events

    def _maybe_started(self, current: LoadedMedia) -> list[PlaybackEvent]:
        """Started is sent once libvlc plays and the stream has a length or a position:
        an undecodable file also reaches "playing", but never gets either."""
        if current.started or not current.playing:
            return []
        length = int(self._player.get_length())
        if length <= 0 and int(self._player.get_time()) <= 0:
            return []
        current.started = True
        current.length = length if length > 0 else None
        return [Started(current.serial, current.path, current.length, current.prepared)]

    def _poll_position(self) -> list[PlaybackEvent]:
        current = self._current
        if current is None or self._state is not PlayerState.PLAYING:
            return []
        started = self._maybe_started(current)
        if not current.started:
            return []
        position = int(self._player.get_time())
        self._check_seek(current, position)
        if position < 0 or position == current.last_position:
            return started
        current.last_position = position
        current.max_position = max(current.max_position, position)
        if current.length is None:
            length = int(self._player.get_length())
            current.length = length if length > 0 else None
        return [*started, Position(current.serial, current.path, position, current.length)]

    def _check_seek(self, current: LoadedMedia, position: int) -> None:
        """Once a seek has settled, ask again if libvlc landed far from the request."""
        check, now = current.seek_check, time.monotonic()
        if check is None or position < 0 or not check.settled(now):
            return
        current.seek_check = None
        again = check.again(position, now)
        if again is not None:
            logger.info("seek to %d ms of %s landed at %d ms; seeking to %d ms",
                        check.target_ms, current.path, position, again)
            self._player.set_time(again)
            current.seek_check = SeekCheck(check.target_ms, now, check.tries + 1)
