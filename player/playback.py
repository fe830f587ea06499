"""The playback engine: the Backend protocol, its events, and the libvlc implementation.

The engine plays; the player decides. A Backend opens one file at a time, plays, pauses,
seeks and reports what happens as events to ONE callback given to its constructor. It knows
nothing of queues or play logs: player/session.py owns those.

Events (all carry the *serial* of the track they concern, a number the backend gives every
track it opens, so a late event about an earlier track can be told apart):

- Started: the track began to sound: libvlc plays it and the stream has a length or a
  position (once per serial; resuming after a pause is not a start).
- Position: the playing position moved, in milliseconds, a few times a second.
- Ended: the track played to its end. If a next track was prepared with `set_next`, the
  backend has already started it (`next_started`), and its Started event follows.
- Failed: the track cannot be played (missing file, undecodable data).
- NoOutput: no sound can be made (no sound card, sound server gone); playback stopped.

Seeks land where they are asked (player/seek_points.py): Ogg files are read with FFmpeg's
demuxer, which seeks exactly; a format that can only start at a block boundary is sent to
the nearest one; and a landing libvlc reports far from the request is asked again.
libvlc's own messages go to Python logging (player/vlc_log.py).

Threads: the callback may run on a thread of the backend's own, or inside a Backend method
on the caller's thread. It must only hand the event on (to a queue, or a queued Qt signal)
and never call the backend from inside itself; see EventQueue.

Importing this module never needs libvlc: `load_vlc()` (player/vlc_loader.py) runs when a
VlcBackend is built, and says exactly what is missing (and the apt command that installs it)
as a PlaybackError.

The protocol, the events and the ReplayGain maths live in player/backend.py (free of
libvlc) and are re-exported here, so `from player.playback import ...` gives the whole API.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from player.backend import (
    MAX_ENGINE_VOLUME,
    AudioOutput,
    Backend,
    Ended,
    EventCallback,
    EventQueue,
    Failed,
    NoOutput,
    PlaybackEvent,
    PlayerState,
    Position,
    Started,
    clamp_volume,
    engine_volume,
    replaygain_db,
)
from player.errors import PlaybackError
from player.seek_points import SeekCheck, demuxer_for, seek_grid
from player.vlc_io import TAP_RATE, AudioTap, attach_tap, file_mrl, list_outputs
from player.vlc_loader import APT_INSTALL, MIN_LIBVLC, load_vlc
from player.vlc_log import VlcLog, quiet_alsa
from player.vlc_worker import LoadedMedia, PreparedMedia, VlcWorker

__all__ = [
    "APT_INSTALL", "MAX_ENGINE_VOLUME", "MIN_LIBVLC", "TAP_RATE", "VLC_ARGS", "AudioOutput",
    "AudioTap", "Backend",
    "Ended", "EventCallback", "EventQueue", "Failed", "NoOutput", "PlaybackEvent",
    "PlayerState", "Position", "Started", "VlcBackend", "clamp_volume", "engine_volume",
    "file_mrl", "load_vlc", "replaygain_db",
]

logger = logging.getLogger(__name__)

#: Arguments every VlcBackend passes to libvlc: audio only, quiet, no network look-ups.
VLC_ARGS = ("--no-video", "--quiet", "--no-xlib", "--no-metadata-network-access")


class VlcBackend(VlcWorker):
    """Backend on libvlc through python-vlc.

    libvlc reports from its own threads; those callbacks only post a note to an internal
    queue. One worker thread of the backend (player/vlc_worker.py) reads the notes, polls
    the position a few times a second, starts the prepared next track at the end of the
    current one (libvlc must not be called from inside its own callbacks), and calls
    *callback* with the events.
    """

    def __init__(self, callback: EventCallback, *, audio_output: str | None = None,
                 audio_device: str | None = None, extra_args: Sequence[str] = (),
                 poll_interval: float = 0.2, volume: int = 100,
                 audio_tap: AudioTap | None = None, exact_seek: bool = True,
                 vlc_module: ModuleType | None = None) -> None:
        """*audio_output* names libvlc's output module ('pulse', 'alsa', 'dummy', ...) and
        *audio_device* one of its devices; None lets libvlc choose. *poll_interval* is in
        seconds. *audio_tap*, when given, receives the decoded audio instead of a sound
        output (see AudioTap: what a measurement listens to). *exact_seek* False leaves
        seeking to libvlc alone (its own demuxers, no snapping, no check; to measure it).
        Raises PlaybackError."""
        vlc = vlc_module or load_vlc()
        self._vlc = vlc
        args = [*VLC_ARGS, *extra_args]
        if audio_output:
            args.append(f"--aout={audio_output}")
        quiet_alsa()
        self._instance = vlc.Instance(args)
        if self._instance is None:
            raise PlaybackError(
                "libvlc is installed but could not start (its plugins are missing or "
                f"broken). Install them with: {APT_INSTALL}"
            )
        self._log = VlcLog(self._on_output_failed)
        self._log.attach(vlc, self._instance)
        self._player = self._instance.media_player_new()
        self._tap_callbacks: tuple[Any, ...] = ()
        if audio_tap is not None:
            self._tap_callbacks = attach_tap(self._vlc, self._player, audio_tap)
        elif audio_output and audio_device:
            self._player.audio_output_device_set(audio_output, audio_device)
        self._reopen_at: int | None = None
        self._exact_seek = exact_seek
        self._callback = callback
        self._poll = poll_interval
        self._lock = threading.RLock()
        self._notes: queue.Queue[tuple[str, int]] = queue.Queue()
        self._serial = 0
        self._current: LoadedMedia | None = None
        self._next: PreparedMedia | None = None
        self._state = PlayerState.STOPPED
        self._volume = clamp_volume(volume)
        self._muted = False
        self._closed = False
        events = self._player.event_manager()
        for kind, note in ((vlc.EventType.MediaPlayerPlaying, "playing"),
                           (vlc.EventType.MediaPlayerEndReached, "end"),
                           (vlc.EventType.MediaPlayerEncounteredError, "error")):
            events.event_attach(kind, self._on_vlc_event, note)
        self._worker = threading.Thread(target=self._run, name="riffle-playback", daemon=True)
        self._worker.start()

    # libvlc thread: post a note, touch nothing else.
    def _on_vlc_event(self, _event: Any, note: str) -> None:
        self._notes.put((note, self._serial))

    def _on_output_failed(self, _text: str) -> None:
        self._notes.put(("nooutput", self._serial))

    # -- control (owner's thread) ---------------------------------------------------------

    def load(self, path: str, *, gain_db: float = 0.0, start_ms: int = 0) -> int:
        with self._lock:
            self._player.stop()
            self._serial += 1
            serial = self._serial
            self._current = LoadedMedia(serial, path, gain_db)
            self._state = PlayerState.STOPPED
            self._reopen_at = None
            prepared, self._next = self._next, None
            if not os.path.isfile(path):
                self._player.set_media(None)
                return serial
            if self._exact_seek:
                self._current.grid = seek_grid(path)
            if prepared is not None and prepared.path == path and not start_ms:
                media = prepared.media
            else:
                media = self._new_media(path)
                if start_ms > 0:
                    start = self._current.grid.snap(start_ms)
                    media.add_option(f":start-time={start / 1000.0:.3f}")
                    if self._exact_seek:
                        self._current.seek_check = SeekCheck(start)
            self._player.set_media(media)
            self._apply_volume()
            return serial

    def set_next(self, path: str | None, *, gain_db: float = 0.0) -> None:
        with self._lock:
            if path is None or not os.path.isfile(path):
                self._next = None
                return
            if self._next is not None and self._next.path == path:
                self._next.gain_db = gain_db
                return
            self._next = PreparedMedia(path, gain_db, self._new_media(path))

    def _new_media(self, path: str) -> Any:
        media = self._instance.media_new_location(file_mrl(path))
        demuxer = demuxer_for(path) if self._exact_seek else None
        if demuxer is not None:
            media.add_option(f":demux={demuxer}")
        return media

    def play(self) -> None:
        with self._lock:
            current = self._current
            if current is None:
                raise PlaybackError("Nothing to play: no track is loaded.")
            if self._state is PlayerState.PAUSED:
                self._resume_locked()
            elif not os.path.isfile(current.path):
                self._notes.put(("missing", current.serial))
                return
            elif self._player.play() != 0:
                self._notes.put(("error", current.serial))
                return
            self._state = PlayerState.PLAYING

    def pause(self) -> None:
        with self._lock:
            if self._state is PlayerState.PLAYING:
                self._player.set_pause(1)
                self._state = PlayerState.PAUSED

    def resume(self) -> None:
        with self._lock:
            if self._state is PlayerState.PAUSED:
                self._resume_locked()
                self._state = PlayerState.PLAYING

    def _resume_locked(self) -> None:
        if self._reopen_at is not None:  # the output changed while paused
            position, self._reopen_at = self._reopen_at, None
            self._player.play()
            self._seek_locked(position)
        else:
            self._player.set_pause(0)

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        self._player.stop()
        self._state = PlayerState.STOPPED
        self._reopen_at = None
        if self._current is not None:
            old = self._current
            self._serial += 1
            self._current = LoadedMedia(self._serial, old.path, old.gain_db, old.grid)

    def seek(self, position_ms: int) -> None:
        """Jump to *position_ms* (snapped to where the format can start, see
        player/seek_points.py); the landing is checked once the clock has settled."""
        with self._lock:
            if self._state is not PlayerState.STOPPED and self._current is not None:
                if self._reopen_at is not None:
                    self._reopen_at = max(0, int(position_ms))
                    return
                self._seek_locked(self._current.grid.snap(position_ms))

    def _seek_locked(self, target_ms: int) -> None:
        assert self._current is not None
        self._player.set_time(max(0, target_ms))
        if self._exact_seek:
            self._current.seek_check = SeekCheck(target_ms, time.monotonic())

    def position(self) -> int | None:
        with self._lock:
            if self._current is None:
                return None
            if self._state is PlayerState.STOPPED:
                return 0
            if self._reopen_at is not None:
                return self._reopen_at
            return max(0, int(self._player.get_time()))

    def duration(self) -> int | None:
        with self._lock:
            length = int(self._player.get_length()) if self._current is not None else 0
            return length if length > 0 else None

    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def volume(self) -> int:
        return self._volume

    def set_volume(self, percent: int) -> None:
        with self._lock:
            self._volume = clamp_volume(percent)
            self._apply_volume()

    @property
    def muted(self) -> bool:
        return self._muted

    def set_mute(self, muted: bool) -> None:
        with self._lock:
            self._muted = bool(muted)
            self._player.audio_set_mute(self._muted)

    def audio_outputs(self) -> list[AudioOutput]:
        """libvlc's output modules a person can hear, each with the devices it lists."""
        with self._lock:
            return list_outputs(self._vlc, self._instance)

    def set_audio_output(self, name: str | None, device: str | None = None) -> None:
        """Play through *name* / *device* from now on. libvlc opens a new output module
        only when playback starts, so what plays is reopened there at the same position."""
        if self._tap_callbacks:
            return  # a tap listens instead of an output: nothing to move
        with self._lock:
            if name:
                self._player.audio_output_set(name)
            if device:
                self._player.audio_output_device_set(name or None, device)
            if not name or self._current is None or self._state is PlayerState.STOPPED:
                return
            position = self._reopen_at
            if position is None:
                position = max(0, int(self._player.get_time()))
            self._player.stop()
            if self._state is PlayerState.PAUSED:
                self._reopen_at = position  # reopened on resume
                return
            self._player.play()
            self._seek_locked(position)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._notes.put(("close", 0))
        self._worker.join(timeout=5.0)
        with self._lock:
            self._player.stop()
            self._player.release()
            self._instance.release()

    def _apply_volume(self) -> None:
        gain = self._current.gain_db if self._current is not None else 0.0
        # Fails (harmlessly) before libvlc has opened the audio output; "playing" re-applies.
        self._player.audio_set_volume(engine_volume(self._volume, gain))
        self._player.audio_set_mute(self._muted)
