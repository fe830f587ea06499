"""Synthetic "music" in a few styles that differ the way real genres do.

A style fixes a tempo band, its instruments (a lead, maybe a bass, a drum pattern, maybe
a noise texture), how dense the lead plays, and how loud the master is. Each track of a
style draws its own tempo, key, mode, melody, small variations of the instruments and of
the loudness from a seed. Used by the similarity tests and by benchmarks/analyze.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.signal


@dataclass(frozen=True)
class Instrument:
    """A source (partial k has amplitude k**-slope; odd partials only if *odd_only*) through
    a fixed body resonance (*formants*: centre Hz, gain dB, width in octaves), so, as with a
    real instrument, its timbre does not move with the note played."""

    slope: float
    formants: tuple[tuple[float, float, float], ...]
    attack: float  # seconds
    decay: float  # seconds, exponential time constant
    partial_decay: float = 0.0  # higher partials fade faster (plucked strings, piano)
    odd_only: bool = False
    distortion: float = 0.0  # tanh drive of the instrument's own track; 0 = clean


@dataclass(frozen=True)
class Style:
    name: str
    tempo: tuple[float, float]  # BPM band
    lead: Instrument
    notes_per_beat: float
    register: int  # MIDI note the melody centres on
    drums: str  # a key of _PATTERNS
    loudness_db: float  # target RMS of the master in dBFS
    chord: bool = False  # the lead plays triads
    bass: Instrument | None = None
    texture_db: float | None = None  # level of a slowly swelling noise bed, re the music
    reverb: float = 0.3  # seconds of room decay (RT60)


_SUB_BASS = Instrument(slope=3.0, formants=((90, 6, 1.0),), attack=0.005, decay=0.5)
_PICK_BASS = Instrument(slope=1.8, formants=((150, 6, 0.8), (900, 3, 0.5)), attack=0.003,
                        decay=0.4, partial_decay=2.0)

STYLES: dict[str, Style] = {s.name: s for s in [
    Style("ambient", (60, 72),
          Instrument(slope=2.0, formants=((400, 6, 1.0),), attack=0.6, decay=2.5),
          notes_per_beat=0.5, register=60, drums="none", loudness_db=-28, chord=True,
          texture_db=-8, reverb=1.5),
    Style("rock", (110, 128),
          Instrument(slope=1.0, formants=((800, 10, 0.7), (2500, 6, 0.5)), attack=0.005,
                     decay=0.35, distortion=4.0),
          notes_per_beat=2, register=52, drums="rock", loudness_db=-11, bass=_PICK_BASS),
    Style("electronic", (122, 130),
          Instrument(slope=1.0, formants=((1500, 8, 0.6),), attack=0.002, decay=0.12,
                     odd_only=True),
          notes_per_beat=4, register=69, drums="four", loudness_db=-9, bass=_SUB_BASS,
          reverb=0.2),
    Style("ballad", (76, 88),
          Instrument(slope=1.3, formants=((250, 4, 1.0), (1000, -6, 1.0)), attack=0.003,
                     decay=0.9, partial_decay=1.5),
          notes_per_beat=1, register=64, drums="none", loudness_db=-20, chord=True,
          reverb=0.8),
    Style("breakbeat", (165, 178),
          Instrument(slope=1.5, formants=((600, 6, 0.8),), attack=0.01, decay=0.2),
          notes_per_beat=0.5, register=60, drums="break", loudness_db=-12, bass=_SUB_BASS,
          reverb=0.1),
    Style("folk", (92, 104),
          Instrument(slope=0.8, formants=((200, 8, 0.5), (2400, 6, 0.6)), attack=0.002,
                     decay=0.6, partial_decay=3.0),
          notes_per_beat=2, register=57, drums="shaker", loudness_db=-17, reverb=0.4),
]}

_TABLE = 4096  # samples in one wavetable cycle
_MINOR = (0, 2, 3, 5, 7, 8, 10)
_MAJOR = (0, 2, 4, 5, 7, 9, 11)

_PATTERNS = {  # (drum, position in beats within a 4-beat bar)
    "rock": [("kick", 0), ("kick", 2), ("snare", 1), ("snare", 3)]
    + [("hat", i / 2) for i in range(8)],
    "four": [("kick", i) for i in range(4)] + [("hat", i + 0.5) for i in range(4)],
    "break": [("kick", 0), ("kick", 1.75), ("kick", 2.5), ("snare", 1), ("snare", 3),
              ("snare", 3.75)] + [("hat", i / 4) for i in range(16)],
    "shaker": [("hat", i / 2) for i in range(8)],
    "none": [],
}


def _midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


def _partials(inst: Instrument, hz: float, rate: int, jitter: np.ndarray
              ) -> list[tuple[int, float]]:
    """(partial number, amplitude) of a note at *hz*, up to 8 kHz or the Nyquist limit."""
    out = []
    for k in range(1, len(jitter) + 1):
        f = hz * k
        if f >= min(8000.0, rate / 2 - 500):
            break
        if inst.odd_only and k % 2 == 0:
            continue
        body = sum(gain * np.exp(-0.5 * (np.log2(f / centre) / width) ** 2)
                   for centre, gain, width in inst.formants)
        out.append((k, k ** -inst.slope * 10 ** ((body + jitter[k - 1]) / 20)))
    return out


def _note(inst: Instrument, hz: float, seconds: float, rate: int,
          jitter: np.ndarray) -> np.ndarray:
    """One note, read from a wavetable (one cycle of its partials) so that its cost does
    not grow with the number of partials. Fading upper partials (partial_decay) cross-fade
    from the full cycle to a duller one."""
    n = max(1, int(seconds * rate))
    t = np.arange(n) / rate
    env = np.minimum(1.0, t / max(inst.attack, 1e-4)) * np.exp(-t / inst.decay)
    cycle = np.arange(_TABLE) / _TABLE
    parts = _partials(inst, hz, rate, jitter)
    index = ((hz * t) % 1.0 * _TABLE).astype(np.int64)
    out = sum(a * np.sin(2 * np.pi * k * cycle) for k, a in parts)[index]
    if inst.partial_decay:
        dull = sum(a * np.exp(-inst.partial_decay * (k - 1) * 0.5)
                   * np.sin(2 * np.pi * k * cycle) for k, a in parts)
        fade = np.exp(-t * inst.partial_decay)
        out = out * fade + dull[index] * (1.0 - fade)
    return out * env


def _drum(kind: str, rate: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "kick":
        t = np.arange(int(0.25 * rate)) / rate
        freq = 50 + 90 * np.exp(-t / 0.03)
        return 1.4 * np.sin(2 * np.pi * np.cumsum(freq) / rate) * np.exp(-t / 0.12)
    if kind == "snare":
        t = np.arange(int(0.2 * rate)) / rate
        return (0.6 * rng.standard_normal(len(t)) * np.exp(-t / 0.06)
                + 0.5 * np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.05))
    n = int(0.05 * rate)  # hat or shaker: bright noise
    return 0.3 * np.diff(rng.standard_normal(n + 1)) * np.exp(-np.arange(n) / (0.012 * rate))


def _place(out: np.ndarray, sound: np.ndarray, start: int) -> None:
    end = min(len(out), start + len(sound))
    if start < end:
        out[start:end] += sound[:end - start]


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x ** 2))) + 1e-12


class _Voice:
    """An instrument with this track's variations, caching each note it has played."""

    def __init__(self, inst: Instrument, rate: int, rng: np.random.Generator) -> None:
        self.inst = inst
        self.rate = rate
        self.jitter = rng.normal(0.0, 1.5, 40)  # dB per partial: no two alike
        self.cache: dict[int, np.ndarray] = {}

    def play(self, note: int, seconds: float) -> np.ndarray:
        if note not in self.cache:
            self.cache[note] = _note(self.inst, _midi_hz(note), seconds, self.rate,
                                     self.jitter)
        return self.cache[note]


def render(style: Style, seconds: float, seed: int, rate: int = 22050,
           loop_bars: int = 8) -> np.ndarray:
    """A mono float32 track of *style*, *seconds* long, different for every *seed*.

    Two phrases of up to *loop_bars* bars are composed and repeated (A A B A A B ...), so
    a long track costs little more to make than a short one.
    """
    rng = np.random.default_rng(seed)
    beat = 60.0 / rng.uniform(*style.tempo)
    loop_bars = max(1, min(loop_bars, math.ceil(seconds / (4 * beat))))  # no longer than needed
    tonic = style.register + int(rng.integers(-5, 7))
    scale = _MINOR if rng.random() < 0.5 else _MAJOR
    lead = _Voice(style.lead, rate, rng)
    bass = _Voice(style.bass, rate, rng) if style.bass else None
    drums = {k: _drum(k, rate, rng) for k in ("kick", "snare", "hat")}

    def pitch(degree: int, base: int) -> int:
        octave, idx = divmod(degree, 7)
        return base + 12 * octave + scale[idx]

    def phrase() -> np.ndarray:
        length = int(loop_bars * 4 * beat * rate)
        melody, low, kit = np.zeros(length), np.zeros(length), np.zeros(length)
        step = beat / style.notes_per_beat
        hold = min(step * 4, style.lead.decay * 4 + style.lead.attack, 4.0)
        degree = 0
        for i in range(int(loop_bars * 4 * style.notes_per_beat)):
            degree = int(np.clip(degree + rng.integers(-2, 3), -4, 9))
            chord = (0, 2, 4) if style.chord else (0,)
            velocity = rng.uniform(0.7, 1.0)
            for offset in chord:
                _place(melody, velocity * lead.play(pitch(degree + offset, tonic), hold),
                       int(i * step * rate))
        if style.lead.distortion:
            melody = np.tanh(style.lead.distortion * melody / (np.abs(melody).max() + 1e-9))
        if bass is not None:
            for b in range(loop_bars * 2):  # a root or fifth every half bar, low
                degree = int(rng.choice([0, 0, 4, 3]))
                _place(low, bass.play(pitch(degree, tonic - 24), 2 * beat),
                       int(b * 2 * beat * rate))
        for bar in range(loop_bars):
            for kind, pos in _PATTERNS[style.drums]:
                _place(kit, drums[kind] * rng.uniform(0.8, 1.0),
                       int((bar * 4 + pos) * beat * rate))
        tonal = melody / _rms(melody) + (0.8 * low / _rms(low) if bass else 0.0)
        if style.reverb > 0:
            n = int(style.reverb * rate)
            room = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / n)
            wet = scipy.signal.oaconvolve(tonal, room)[:length]
            tonal = tonal + 0.3 * wet * _rms(tonal) / _rms(wet)
        mix = tonal + (0.9 * kit / _rms(kit) if style.drums != "none" else 0.0)
        if style.texture_db is not None:
            swell = 0.6 + 0.4 * np.sin(2 * np.pi * np.arange(length) / (4 * beat * rate))
            bed = scipy.signal.lfilter([0.05], [1.0, -0.95], rng.standard_normal(length))
            mix = mix + bed / _rms(bed) * swell * _rms(mix) * 10 ** (style.texture_db / 20)
        return mix

    a, b = phrase(), phrase()
    target = int(seconds * rate)
    pieces = [b if i % 3 == 2 else a for i in range(target // len(a) + 2)]
    signal = np.concatenate(pieces)[:target]
    # Room tone: a recording always carries a little broadband noise under the music.
    hiss = scipy.signal.lfilter([0.3], [1.0, -0.7], rng.standard_normal(target))
    signal = signal + hiss * _rms(signal) / _rms(hiss) * 10 ** (-50 / 20)
    gain = 10 ** ((style.loudness_db + rng.uniform(-1.5, 1.5)) / 20) / _rms(signal)
    signal = signal * gain
    peak = np.abs(signal).max()
    if peak > 0.99:
        signal *= 0.99 / peak
    return signal.astype(np.float32)
