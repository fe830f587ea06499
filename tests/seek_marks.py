"""Tracks with audible position marks, and a reader that tells where decoded audio is from.

A marked track is quiet low noise with a 60 ms tone burst at the start of every second;
the burst's pitch names the second (400 Hz + 100 Hz × (second mod 40)), so a few seconds
of decoded audio say which part of the track they are, to a few milliseconds, with no
ambiguity within ±20 s. The seek tests and benchmarks/seek.py compare that with where
playback was asked to go and where the engine says it is.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
from audio_factory import write_audio

from player.playback import TAP_RATE, VlcBackend

RATE = 44100
BURST_S = 0.06
CYCLE = 40  # seconds before a burst's pitch repeats
STEP_HZ = 100.0
BASE_HZ = 400.0


def burst_hz(second: int) -> float:
    return BASE_HZ + STEP_HZ * (second % CYCLE)


def marked_signal(seconds: float, rate: int = RATE) -> np.ndarray:
    """Mono float32: faint noise, and at each whole second a burst naming that second."""
    rng = np.random.default_rng(7)
    out = (rng.standard_normal(int(seconds * rate)) * 0.002).astype(np.float32)
    n = int(BURST_S * rate)
    t = np.arange(n) / rate
    ramp = np.minimum(1.0, np.minimum(t, BURST_S - t) / 0.004)
    for second in range(int(seconds)):
        start = second * rate
        if start + n > len(out):
            break
        out[start:start + n] += (0.5 * ramp * np.sin(2 * np.pi * burst_hz(second) * t)
                                 ).astype(np.float32)
    return out


#: A marked track as libvorbis (oggenc) writes it: VBR Ogg Vorbis, as real libraries hold.
OGGENC = ".oggenc.ogg"


def write_marked(path: Path, seconds: float) -> Path:
    """A marked track at *path*, in the format its name says (tests/audio_factory.py), or
    through Debian's oggenc for a name ending in OGGENC."""
    if not path.name.endswith(OGGENC):
        return write_audio(path, marked_signal(seconds), RATE)
    if shutil.which("oggenc") is None:
        raise RuntimeError("oggenc is missing: scripts/bootstrap.sh --test installs it "
                           "(apt-get install vorbis-tools)")
    wav = write_audio(path.with_suffix(".wav"), marked_signal(seconds), RATE)
    subprocess.run(["oggenc", "-Q", "-q", "3", "-o", str(path), str(wav)], check=True)
    wav.unlink()
    return path


def decoded_position(samples: np.ndarray, rate: int, near_s: float) -> float | None:
    """Where in the track the first sample of *samples* (mono float) was, in seconds.

    Finds the first whole burst, names its second from its pitch (the candidate nearest to
    *near_s*, where the audio is expected to be from), and subtracts how far into *samples*
    it began. None when no burst can be found (too little audio).
    """
    if len(samples) == 0:
        return None
    env = np.abs(samples)
    win = max(1, int(0.005 * rate))
    smooth = np.convolve(env, np.ones(win) / win, mode="same")
    loud = smooth > 0.08
    n = int(BURST_S * rate)
    i = 0
    while i < len(loud):
        if not loud[i]:
            i += 1
            continue
        onset = i
        end = onset
        while end < len(loud) and loud[end]:
            end += 1
        if onset > 0 and end - onset > n // 2 and end < len(loud):
            piece = samples[onset:onset + n] * np.hanning(min(n, len(samples) - onset))
            spectrum = np.abs(np.fft.rfft(piece, 8 * n))
            hz = np.argmax(spectrum) * rate / (8 * n)
            index = round((hz - BASE_HZ) / STEP_HZ) % CYCLE
            start_guess = near_s + onset / rate
            second = min((index + CYCLE * k for k in range(-2, int(start_guess // CYCLE) + 3)),
                         key=lambda s: abs(s - start_guess))
            return second - onset / rate
        i = end + 1
    return None


class Listener:
    """An audio tap for VlcBackend: keeps what was decoded since libvlc last flushed (a
    seek flushes), as TAP_RATE Hz mono samples."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chunks: list[bytes] = []
        self.flushes = 0

    def __call__(self, data: bytes) -> None:
        with self._lock:
            if data:
                self._chunks.append(data)
            else:
                self._chunks = []
                self.flushes += 1

    def clear(self) -> None:
        with self._lock:
            self._chunks = []

    def samples(self) -> np.ndarray:
        with self._lock:
            data = b"".join(self._chunks)
        return np.frombuffer(data, dtype=np.int16).astype(np.float32) / 32768.0


def _wait_until_playing(backend: VlcBackend) -> None:
    deadline = time.monotonic() + 10
    while (backend.position() or 0) <= 0 and time.monotonic() < deadline:
        time.sleep(0.01)


def _clock_lead(backend: VlcBackend, listener: Listener, near_s: float) -> tuple[float, float]:
    """(how far the decoded audio runs ahead of the engine's clock, in seconds; where the
    audio decoded since the last flush began). libvlc decodes ahead of what is heard by
    its buffers; a clock that tells the truth keeps that lead constant."""
    position = (backend.position() or 0) / 1000.0
    samples = listener.samples()
    start = decoded_position(samples, TAP_RATE, near_s)
    if start is None:
        return float("nan"), float("nan")
    return start + len(samples) / TAP_RATE - position, start


def measure_seek(backend: VlcBackend, listener: Listener, path: Path, target_ms: int,
                 start_ms: int = 0, settle_s: float = 1.5) -> tuple[float, float | None]:
    """Seek in *path* to *target_ms* while it plays (or, with *start_ms*, open it there as a
    resume does) and return (reported, decoded) in seconds: the landing the engine's clock
    implies, and where the audio decoded after the seek really is from.

    The clock's landing is measured against steady playback of the same file from its
    start: the decoded audio's lead over the clock then is what it should be after a seek
    too; any difference is how far the clock is from what is heard.
    """
    backend.load(str(path))
    backend.play()
    _wait_until_playing(backend)
    time.sleep(settle_s)
    lead, _ = _clock_lead(backend, listener, 0.0)
    if start_ms:
        backend.load(str(path), start_ms=start_ms)
        backend.play()
        _wait_until_playing(backend)
    else:
        backend.seek(target_ms)
    time.sleep(settle_s)
    lead_after, decoded = _clock_lead(backend, listener, target_ms / 1000.0)
    backend.stop()
    if decoded != decoded:  # nan: no mark heard
        return float("nan"), None
    return decoded + (lead - lead_after), decoded
