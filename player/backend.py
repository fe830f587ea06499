"""The vocabulary of playback: the Backend protocol, its events, and ReplayGain maths.

Kept apart from the libvlc engine (player/playback.py) so the in-memory engine, the player
and the window can use it without anything of libvlc; player.playback re-exports it all.
See player/playback.py for what the events mean and the threading rules of the callback.
"""

from __future__ import annotations

import math
import queue
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# The bounds of a believable gain and peak, the same that reading tags applies; a database
# written before tags were checked may still hold junk, so the engine side bounds them too.
from player.tag_values import MAX_GAIN_DB, MAX_PEAK

#: Highest volume libvlc accepts, in percent (above 100 it amplifies in software).
MAX_ENGINE_VOLUME = 200


# -- events -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Started:
    """The track *path* began to play. *duration_ms* is the engine's length (None: unknown).

    *prepared* is True when this track was the one given to `set_next` and the backend
    started it by itself at the end of the previous one.
    """

    serial: int
    path: str
    duration_ms: int | None
    prepared: bool = False


@dataclass(frozen=True, slots=True)
class Position:
    """The playing position of *path* is now *position_ms* milliseconds from its start."""

    serial: int
    path: str
    position_ms: int
    duration_ms: int | None


@dataclass(frozen=True, slots=True)
class Ended:
    """*path* played to its end. *next_started*: the prepared next track is already playing;
    *next_path* is the file the backend started (the owner checks it is the one it wants:
    the queue may have changed after the backend was told what comes next)."""

    serial: int
    path: str
    next_started: bool = False
    next_path: str | None = None


@dataclass(frozen=True, slots=True)
class Failed:
    """*path* cannot be played; *message* says why, for a person. Never a skip."""

    serial: int
    path: str
    message: str


@dataclass(frozen=True, slots=True)
class NoOutput:
    """No sound can be made: the audio output (sound card, sound server) could not be opened.
    Playback of *path* has stopped; *message* says why, for a person. Not the file's fault:
    never a play error, never a skip."""

    serial: int
    path: str
    message: str


@dataclass(frozen=True, slots=True)
class AudioOutput:
    """One way the engine can make sound: an output module (*name*, e.g. 'pulse', 'alsa')
    and the devices it offers as (device id, description) pairs (may be empty: the module's
    default device)."""

    name: str
    description: str
    devices: tuple[tuple[str, str], ...] = ()


PlaybackEvent = Started | Position | Ended | Failed | NoOutput
EventCallback = Callable[[PlaybackEvent], None]


class PlayerState(StrEnum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class Backend(Protocol):
    """What the player needs from an audio engine. Times are in milliseconds.

    Every method is called from the owner's thread; events go to the callback given to the
    constructor (see the module docstring for its threading rules).
    """

    def load(self, path: str, *, gain_db: float = 0.0, start_ms: int = 0) -> int:
        """Stop what plays and open *path* (not yet playing); returns the new serial.

        *gain_db* is the ReplayGain adjustment for this track in dB (see replaygain_db);
        *start_ms* starts playback that far into the track. A file that cannot be opened is
        reported as a Failed event, not raised.
        """
        ...

    def set_next(self, path: str | None, *, gain_db: float = 0.0) -> None:
        """Prepare *path* to start the moment the current track ends (None: nothing)."""
        ...

    def play(self) -> None:
        """Start the loaded track (from its start after a stop); resume if paused."""
        ...

    def pause(self) -> None:
        """Pause; the position holds until `resume`."""
        ...

    def resume(self) -> None:
        """Continue after `pause`."""
        ...

    def stop(self) -> None:
        """Stop; no Ended event follows. `play` starts the loaded track again from its
        start, under a new serial (with a new Started event)."""
        ...

    def seek(self, position_ms: int) -> None:
        """Jump to *position_ms* milliseconds from the start of the current track."""
        ...

    def position(self) -> int | None:
        """Current position in milliseconds, None when nothing is loaded."""
        ...

    def duration(self) -> int | None:
        """Length of the current track in milliseconds, None when not known (yet)."""
        ...

    @property
    def state(self) -> PlayerState: ...

    @property
    def volume(self) -> int:
        """The user's volume in percent, 0–100 (before ReplayGain)."""
        ...

    def set_volume(self, percent: int) -> None:
        """Set the user's volume, 0–100 percent; values outside are clamped."""
        ...

    @property
    def muted(self) -> bool: ...

    def set_mute(self, muted: bool) -> None: ...

    def audio_outputs(self) -> list[AudioOutput]:
        """The outputs and devices the engine can play through, as it finds them now."""
        ...

    def set_audio_output(self, name: str | None, device: str | None = None) -> None:
        """Play through output module *name* (None: the engine's choice) and *device*
        (None: the module's default), from now on; what plays moves there at once."""
        ...

    def close(self) -> None:
        """Stop and release the engine; no event is delivered afterwards."""
        ...


class EventQueue:
    """A thread-safe mailbox for events: pass `put` as a backend's callback, and read with
    `get` or `drain` on the thread that owns the player (the command line's main loop)."""

    def __init__(self) -> None:
        self._queue: queue.Queue[PlaybackEvent] = queue.Queue()

    def put(self, event: PlaybackEvent) -> None:
        self._queue.put(event)

    def get(self, timeout: float | None = None) -> PlaybackEvent | None:
        """The next event, waiting up to *timeout* seconds; None when none came."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[PlaybackEvent]:
        """Every event waiting now, oldest first, without blocking."""
        out: list[PlaybackEvent] = []
        while True:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                return out


# -- ReplayGain -----------------------------------------------------------------------------


def replaygain_db(mode: str, track_gain: float | None, track_peak: float | None,
                  album_gain: float | None, album_peak: float | None) -> float:
    """The gain in dB to apply to a track under ReplayGain *mode* ('track', 'album', 'off').

    A mode whose gain is missing (or not a finite number) falls back to the other one,
    then to 0 dB. A positive gain is limited so that the track's peak (linear, 1.0 = full
    scale) does not clip, and every gain to ±MAX_GAIN_DB, so a junk value never reaches
    the engine. Never raises.
    """
    if mode == "off":
        return 0.0
    pairs = [(track_gain, track_peak), (album_gain, album_peak)]
    if mode == "album":
        pairs.reverse()
    for gain, peak in pairs:
        if not _finite(gain):
            continue
        value = float(gain)  # type: ignore[arg-type]
        if value > 0 and _finite(peak) and 0 < peak <= MAX_PEAK:  # type: ignore[operator]
            value = min(value, -20.0 * math.log10(peak))  # type: ignore[arg-type]
        return max(-MAX_GAIN_DB, min(MAX_GAIN_DB, value))
    return 0.0


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def engine_volume(percent: int, gain_db: float) -> int:
    """The engine volume (0–MAX_ENGINE_VOLUME percent) for user *percent* after *gain_db*.
    A gain that is not a finite number counts as none."""
    if not _finite(gain_db):
        gain_db = 0.0
    gain_db = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain_db))
    scaled = percent * 10.0 ** (gain_db / 20.0)
    return max(0, min(MAX_ENGINE_VOLUME, round(scaled)))


def clamp_volume(percent: int) -> int:
    return max(0, min(100, int(percent)))
