"""How a track sounds, as one float32 vector of documented descriptors in named groups.

`describe(segments)` turns the decoded excerpt (recommender/audio.py) into a Description.
Everything is computed with numpy/scipy from one short-time Fourier transform per segment
(2048-sample Hann frames, 512-sample hop: 93 ms frames every 23 ms at 22 050 Hz):

timbre (41)    MFCC 1–13 means and standard deviations, and the correlations between
               MFCC 1–6. The spread and co-variation of the MFCCs (timbre *texture*)
               tell music apart better than their means alone.
spectral (16)  centroid, bandwidth and 85 % power roll-off (log2 Hz, mean and std),
               spectral flatness over mel bands (dB, mean and std), zero-crossing rate
               (per s), and spectral contrast in seven octave bands (dB, the strongest bin over
               the band's mean: tonal peaks stand out, noise does not).
rhythm (4)     tempo (log2 BPM) from the autocorrelation of an onset envelope with a
               gentle preference for 120 BPM, drawn towards 120 BPM as the beat fades
               (pulse strength below 0.3), pulse strength (that autocorrelation's
               height, 0–1), onset rate (onsets per second), onset strength (mean
               positive change of the mel spectrum, dB per frame).
dynamics (4)   loudness (K-weighted and gated as in ITU-R BS.1770, LUFS), loudness range
               (spread of 3 s loudness, LU), RMS variation (std of 23 ms frame levels, dB),
               crest (peak level over loudness, dB).
tonality (16)  chroma profile rotated so the key's tonic comes first (key-independent
               harmonic colour, sums to 1), key strength (correlation with the
               Krumhansl–Kessler key profile, -1..1), mode (major minus minor
               correlation: > 0 major), and the key's place on the circle of fifths (cos
               and sin, scaled by key strength, so neighbouring keys lie close).

gaussian (230) the Gaussian timbre model of the same frames (recommender/timbre_model.py:
               the mean and covariance of MFCCs 0–19 of the audible frames' log-mel
               bands), which costs a fraction of a millisecond here and is compared by its
               own divergence, not by the distance of its values.

LAYOUT says which slice of the vector belongs to which group; the recommender's index
scales each group so that none dominates. Any change to what a position means, or to how
it is computed, must raise FEATURE_VERSION: tracks are then re-analysed in the background
while the old vectors keep serving.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.fft
import scipy.ndimage
import scipy.signal

from player.errors import AnalysisError
from recommender import timbre_model
from recommender.audio import SAMPLE_RATE
from recommender.layout import (  # noqa: F401  (the layout is part of this module's API)
    CONTRAST_EDGES,
    CORR_PAIRS,
    DIMENSIONS,
    FEATURE_VERSION,
    GROUPS,
    LABELS,
    LAYOUT,
    N_CORR,
    N_MFCC,
    Group,
)

N_FFT = 2048
HOP = 512
N_MELS = 40
MEL_RANGE_DB = 80.0
ROLLOFF = 0.85
CHROMA_RANGE = (60.0, 5000.0)
TEMPO_RANGE = (40.0, 240.0)  # BPM
TEMPO_PRIOR_BPM = 120.0
TEMPO_PRIOR_OCTAVES = 1.0  # standard deviation of the log2-tempo preference
SILENCE_LUFS = -70.0
ONSET_FLOOR = 0.1  # dB per frame: onset ripple below this is not a beat
MIN_PULSE = 0.05  # weaker periodicity than this has no tempo; it reads as TEMPO_PRIOR_BPM
FULL_PULSE = 0.3  # from this pulse strength on, the vector holds the tempo as measured
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

# Krumhansl–Kessler probe-tone ratings, tonic first (Krumhansl 1990).
_MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
_MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)

# ITU-R BS.1770 K-weighting, the two biquads as specified for 48 kHz (b, a).
_K_SHELF = ((1.53512485958697, -2.69169618940638, 1.19839281085285),
            (1.0, -1.69065929318241, 0.73248077421585))
_K_HIGHPASS = ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621))


@dataclass(frozen=True, slots=True)
class Description:
    """The feature vector of one excerpt, with the few facts a person reads directly."""

    vector: np.ndarray  # float32, DIMENSIONS long, in LAYOUT order
    tempo_bpm: float
    key: int  # pitch class of the tonic, 0 = C
    mode: str  # "major" or "minor"
    loudness_lufs: float
    centroid_hz: float  # mean spectral centroid

    @property
    def timbre_model(self) -> np.ndarray:
        """The Gaussian timbre model's part of the vector (recommender/timbre_model.py)."""
        return self.vector[GROUPS["gaussian"].slice]

    @property
    def key_name(self) -> str:
        return f"{PITCH_CLASSES[self.key]} {self.mode}"

    @property
    def values(self) -> dict[str, float]:
        """Label → value for every position of the vector."""
        return dict(zip(LABELS, (float(v) for v in self.vector), strict=True))


# -- constant matrices, built once per process and rate ----------------------------------


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


@dataclass(frozen=True)
class _Banks:
    freqs: np.ndarray  # Hz of each rfft bin
    log2_freqs: np.ndarray
    window: np.ndarray
    mel: np.ndarray  # (bins, N_MELS), area-normalised triangles: mel power is a density
    dct: np.ndarray  # (N_MELS, N_MFCC): log-mel → MFCC 1..13
    k_weight: np.ndarray  # power gain of the K-weighting filter at each bin
    power_scale: float  # one-sided weighted |X|² sum → mean signal power of the frame
    chroma: np.ndarray  # (bins, 12)
    contrast_bands: tuple[tuple[int, int], ...]
    contrast_means: np.ndarray  # (bins, bands): power @ it = each band's mean power
    mel_widths: np.ndarray  # (N_MELS,): mel density × width = the band's power
    mel_log2_centres: np.ndarray  # (N_MELS,) log2 Hz
    templates: np.ndarray  # (24, 12) z-scored key profiles: 12 major then 12 minor


@functools.lru_cache(maxsize=4)
def _banks(rate: int) -> _Banks:
    bins = N_FFT // 2 + 1
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / rate)
    window = scipy.signal.get_window("hann", N_FFT, fftbins=True).astype(np.float32)

    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array(30.0)), _hz_to_mel(np.array(rate / 2)),
                                   N_MELS + 2))
    mel = np.zeros((bins, N_MELS), dtype=np.float64)
    for m in range(N_MELS):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        rise = (freqs - lo) / (mid - lo)
        fall = (hi - freqs) / (hi - mid)
        mel[:, m] = np.maximum(0.0, np.minimum(rise, fall)) * 2.0 / (hi - lo)

    dct = scipy.fft.dct(np.eye(N_MELS), type=2, norm="ortho", axis=0)[1:N_MFCC + 1].T

    gain = np.ones(bins)
    for b, a in (_K_SHELF, _K_HIGHPASS):
        _, h = scipy.signal.freqz(b, a, worN=np.minimum(freqs, 23999.0), fs=48000.0)
        gain *= np.abs(h) ** 2
    power_scale = 2.0 / (N_FFT * float(np.sum(window.astype(np.float64) ** 2)))

    chroma = np.zeros((bins, 12))
    usable = (freqs >= CHROMA_RANGE[0]) & (freqs <= CHROMA_RANGE[1])
    midi = 69.0 + 12.0 * np.log2(np.maximum(freqs, 1.0) / 440.0)
    for pc in range(12):
        dist = (midi - pc + 6.0) % 12.0 - 6.0  # semitones to the nearest note of class pc
        chroma[:, pc] = np.where(usable, np.exp(-0.5 * (dist / 0.4) ** 2), 0.0)
    chroma[chroma < 1e-4] = 0.0  # no denormal float32 weights: they make the product slow

    bands = []
    for lo, hi in itertools.pairwise(CONTRAST_EDGES):
        idx = np.flatnonzero((freqs >= lo) & (freqs < hi if hi < rate / 2 else freqs <= hi))
        bands.append((int(idx[0]), int(idx[-1]) + 1))

    means = np.zeros((bins, len(bands)))
    for band, (first, stop) in enumerate(bands):
        means[first:stop, band] = 1.0 / (stop - first)

    templates = []
    for profile in (_MAJOR_PROFILE, _MINOR_PROFILE):
        p = np.asarray(profile)
        for tonic in range(12):
            t = np.roll(p, tonic)
            templates.append((t - t.mean()) / t.std())

    return _Banks(
        freqs=freqs.astype(np.float32),
        log2_freqs=np.log2(np.maximum(freqs, 1.0)).astype(np.float32),
        window=window,
        mel=mel.astype(np.float32),
        dct=dct.astype(np.float32),
        k_weight=gain.astype(np.float32),
        power_scale=power_scale,
        chroma=chroma.astype(np.float32),
        contrast_bands=tuple(bands),
        contrast_means=means.astype(np.float32),
        mel_widths=((edges[2:] - edges[:-2]) / 2.0).astype(np.float32),
        mel_log2_centres=np.log2(edges[1:-1]).astype(np.float32),
        templates=np.asarray(templates),
    )


# -- per segment ---------------------------------------------------------------------------


@dataclass
class _Frames:
    """Frame-level descriptors of one segment (one row per 23 ms frame)."""

    power: np.ndarray  # K-weighted mean signal power of each frame
    mel_db: np.ndarray  # (frames, N_MELS)
    centroid: np.ndarray  # log2 Hz
    bandwidth: np.ndarray  # log2 Hz
    rolloff: np.ndarray  # log2 Hz
    flatness: np.ndarray  # dB
    contrast: np.ndarray  # (frames, bands) dB
    chroma: np.ndarray  # (frames, 12), each row summing to 1 (or 0 in silence)
    zcr: float  # zero crossings per second over the segment
    onset: np.ndarray  # onset envelope, dB per frame
    peak: float  # largest absolute sample


def _stft_magnitude(x: np.ndarray, banks: _Banks) -> np.ndarray:
    """|STFT| of *x*: one row per frame, N_FFT // 2 + 1 bins, float32."""
    if len(x) < N_FFT:
        x = np.pad(x, (0, N_FFT - len(x)))
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP] * banks.window
    return np.abs(scipy.fft.rfft(frames, axis=1))


def _segment_frames(x: np.ndarray, rate: int, banks: _Banks) -> _Frames:
    mag = _stft_magnitude(x, banks)
    power = mag * mag
    eps = np.float32(1e-12)

    mel = power @ banks.mel
    mel_db = 10.0 * np.log10(mel + np.float32(1e-12))
    # Bands more than MEL_RANGE_DB below the loudest are floored: what happens that far
    # down (encoder noise, empty bands of synthetic sounds) is inaudible, and must not steer
    # the MFCCs.
    mel_db = np.maximum(mel_db, mel_db.max() - MEL_RANGE_DB)

    total = mag.sum(axis=1) + eps
    centroid = (mag @ banks.freqs) / total
    spread = (mag @ (banks.freqs ** 2)) / total - centroid ** 2
    bandwidth = np.sqrt(np.maximum(spread, 0.0))
    # Roll-off from the mel bands: their triangles add up to one across the spectrum, so
    # band energies accumulate to the total; interpolated between band centres.
    cumulative = np.cumsum(mel * banks.mel_widths, axis=1)
    target = ROLLOFF * cumulative[:, -1:]
    above = np.minimum(np.argmax(cumulative >= target, axis=1), N_MELS - 1)
    rows = np.arange(len(mel))
    low = np.maximum(above - 1, 0)
    lo_c, hi_c = cumulative[rows, low], cumulative[rows, above]
    share = np.where(hi_c > lo_c, (target[:, 0] - lo_c) / np.maximum(hi_c - lo_c, eps), 1.0)
    centres = banks.mel_log2_centres
    rolloff = centres[low] + np.clip(share, 0.0, 1.0) * (centres[above] - centres[low])

    flatness = 10.0 * (np.mean(np.log10(mel + eps), axis=1) - np.log10(mel.mean(axis=1) + eps))

    peaks = np.stack([power[:, lo:hi].max(axis=1) for lo, hi in banks.contrast_bands], axis=1)
    contrast = 10.0 * np.log10((peaks + eps) / (power @ banks.contrast_means + eps))

    chroma = mag @ banks.chroma
    chroma /= np.maximum(chroma.sum(axis=1, keepdims=True), eps)

    signs = np.signbit(x)
    zcr = float(np.count_nonzero(signs[1:] != signs[:-1])) * rate / max(1, len(x) - 1)

    # Onset envelope: mean rise of the (floored) mel spectrum, minus its local average.
    rise = np.maximum(np.diff(mel_db, axis=0, prepend=mel_db[:1]), 0.0).mean(axis=1)
    local = scipy.ndimage.uniform_filter1d(rise, size=max(1, int(rate / HOP)), mode="nearest")
    onset = np.maximum(rise - local, 0.0)

    return _Frames(
        power=(power @ banks.k_weight) * np.float32(banks.power_scale),
        mel_db=mel_db,
        centroid=np.log2(np.maximum(centroid, 1.0)),
        bandwidth=np.log2(np.maximum(bandwidth, 1.0)),
        rolloff=rolloff.astype(np.float32),
        flatness=flatness,
        contrast=contrast,
        chroma=chroma,
        zcr=zcr,
        onset=onset,
        peak=float(np.max(np.abs(x))) if len(x) else 0.0,
    )


# -- whole excerpt -------------------------------------------------------------------------


def _lufs(power: np.ndarray | float) -> np.ndarray:
    return -0.691 + 10.0 * np.log10(np.maximum(power, 1e-20))


def _dynamics(segments: list[_Frames], fps: float) -> tuple[float, float, float, float]:
    """Loudness (LUFS), loudness range (LU), RMS variation (dB), crest (dB)."""
    block = max(1, round(0.4 * fps))
    step = max(1, round(0.1 * fps))
    short = max(1, round(3.0 * fps))
    short_step = max(1, round(0.5 * fps))
    blocks, shorts = [], []
    for seg in segments:
        p = seg.power.astype(np.float64)
        cum = np.concatenate([[0.0], np.cumsum(p)])

        def windows(size: int, hop: int, cum: np.ndarray = cum, n: int = len(p)) -> np.ndarray:
            if n <= size:
                return np.array([cum[-1] / max(n, 1)])
            starts = np.arange(0, n - size + 1, hop)
            return (cum[starts + size] - cum[starts]) / size

        blocks.append(windows(block, step))
        shorts.append(windows(short, short_step))
    block_power = np.concatenate(blocks)
    audible = block_power[_lufs(block_power) > SILENCE_LUFS]
    if not len(audible):
        raise AnalysisError("the audio is silent")
    relative = _lufs(audible.mean()) - 10.0
    gated = audible[_lufs(audible) > relative]
    loudness = float(_lufs(gated.mean()))

    short_lufs = _lufs(np.concatenate(shorts))
    short_lufs = short_lufs[(short_lufs > SILENCE_LUFS) & (short_lufs > loudness - 20.0)]
    lra = float(np.percentile(short_lufs, 95) - np.percentile(short_lufs, 10)) \
        if len(short_lufs) else 0.0

    frame_db = _lufs(np.concatenate([s.power for s in segments]).astype(np.float64))
    frame_db = frame_db[frame_db > max(SILENCE_LUFS, loudness - 30.0)]
    variation = float(np.std(frame_db)) if len(frame_db) else 0.0

    peak = max(s.peak for s in segments)
    crest = 20.0 * math.log10(max(peak, 1e-10)) - loudness
    return loudness, lra, variation, crest


def _rhythm(segments: list[_Frames], fps: float) -> tuple[float, float, float, float]:
    """Tempo (BPM), pulse strength (0–1), onset rate (per s), onset strength (dB)."""
    lo_lag = math.floor(60.0 * fps / TEMPO_RANGE[1])
    hi_lag = math.ceil(60.0 * fps / TEMPO_RANGE[0])
    acf_sum = np.zeros(hi_lag + 2)
    weight = 0.0
    onsets = 0
    frames = 0
    longest = 0
    strength = []
    for seg in segments:
        env = seg.onset.astype(np.float64)
        frames += len(env)
        longest = max(longest, len(env))
        strength.append(env)
        if len(env) >= 3:
            peaks = (env == scipy.ndimage.maximum_filter1d(env, size=5, mode="nearest"))
            threshold = env.mean() + 0.5 * env.std()
            onsets += int(np.count_nonzero(peaks & (env > threshold) & (env > 0.1)))
        # Smoothing lets a beat whose period falls between two frames still line up.
        smooth = scipy.ndimage.gaussian_filter1d(env, 1.0, mode="nearest")
        centred = smooth - smooth.mean()
        # The floor keeps numerical ripple in a beatless signal from looking like a pulse.
        energy = float(np.dot(centred, centred)) + len(env) * ONSET_FLOOR ** 2
        if len(env) < 2 * lo_lag + 2:
            continue
        spectrum = np.fft.rfft(centred, 2 * len(env))
        acf = np.fft.irfft(spectrum * np.conj(spectrum))[:len(env)] / energy
        usable = min(len(acf), hi_lag + 2)
        acf_sum[:usable] += acf[:usable] * len(env)
        weight += len(env)
    onset_rate = onsets * fps / max(frames, 1)
    onset_strength = float(np.mean(np.concatenate(strength))) if strength else 0.0
    if weight == 0.0:
        return TEMPO_PRIOR_BPM, 0.0, onset_rate, onset_strength

    acf = acf_sum / weight
    lags = np.arange(len(acf), dtype=np.float64)
    bpm = np.where(lags > 0, 60.0 * fps / np.maximum(lags, 1e-9), 0.0)
    prior = np.exp(-0.5 * (np.log2(np.maximum(bpm, 1e-9) / TEMPO_PRIOR_BPM)
                           / TEMPO_PRIOR_OCTAVES) ** 2)
    candidates = np.arange(max(lo_lag, 1), min(hi_lag, len(acf) - 2, longest // 2) + 1)
    if not len(candidates):
        return TEMPO_PRIOR_BPM, 0.0, onset_rate, onset_strength
    best = int(candidates[np.argmax(acf[candidates] * prior[candidates])])
    a, b, c = acf[best - 1], acf[best], acf[best + 1]
    if b < MIN_PULSE:
        return TEMPO_PRIOR_BPM, float(max(b, 0.0)), onset_rate, onset_strength
    denom = a - 2 * b + c
    shift = 0.5 * (a - c) / denom if denom < 0 else 0.0
    lag = best + float(np.clip(shift, -0.5, 0.5))
    tempo = float(np.clip(60.0 * fps / lag, *TEMPO_RANGE))
    return tempo, float(np.clip(b, 0.0, 1.0)), onset_rate, onset_strength


def _tonality(chroma: np.ndarray, banks: _Banks) -> tuple[np.ndarray, int, str, float, float,
                                                           float]:
    """Rotated chroma, tonic, mode, key strength, mode score, circle-of-fifths index."""
    profile = chroma.mean(axis=0).astype(np.float64)
    total = profile.sum()
    if total <= 0:
        return np.zeros(12), 0, "major", 0.0, 0.0, 0.0
    profile /= total
    z = profile - profile.mean()
    norm = z.std()
    corr = banks.templates @ (z / norm) / 12.0 if norm > 0 else np.zeros(24)
    best = int(np.argmax(corr))
    tonic, minor = best % 12, best >= 12
    strength = float(corr[best])
    mode_score = float(corr[:12].max() - corr[12:].max())
    fifths = float(((tonic + 3 if minor else tonic) * 7) % 12)
    return (np.roll(profile, -tonic), tonic, "minor" if minor else "major", strength,
            mode_score, fifths)


def _mfcc_stats(mel_db: np.ndarray, banks: _Banks) -> np.ndarray:
    mfcc = mel_db.astype(np.float32) @ banks.dct
    means = mfcc.mean(axis=0)
    stds = mfcc.std(axis=0)
    if len(mfcc) > 1:
        sub = mfcc[:, :N_CORR].astype(np.float64)
        corr = np.corrcoef(sub, rowvar=False)
        corr = np.nan_to_num(corr, nan=0.0)
        pairs = np.array([corr[i, j] for i, j in CORR_PAIRS])
    else:
        pairs = np.zeros(len(CORR_PAIRS))
    return np.concatenate([means, stds, pairs])


def describe(segments: Sequence[np.ndarray], rate: int = SAMPLE_RATE) -> Description:
    """Describe an excerpt: mono float32 segments at *rate* Hz (see audio.decode_excerpt).

    Raises AnalysisError when there is no audio or the audio is silent (below -70 LUFS
    throughout), since a silent track says nothing about how it sounds.
    """
    segments = [np.asarray(s, dtype=np.float32) for s in segments if len(s)]
    if not segments:
        raise AnalysisError("there is no audio to describe")
    banks = _banks(rate)
    fps = rate / HOP
    frames = [_segment_frames(s, rate, banks) for s in segments]

    loudness, lra, variation, crest = _dynamics(frames, fps)

    power = np.concatenate([f.power for f in frames])
    audible = _lufs(power.astype(np.float64)) > max(SILENCE_LUFS, loudness - 40.0)
    if not audible.any():
        audible[:] = True

    def stat(name: str) -> np.ndarray:
        return np.concatenate([getattr(f, name) for f in frames])[audible]

    mel_db = stat("mel_db")
    timbre = _mfcc_stats(mel_db, banks)
    gaussian = timbre_model.fit_mel_db(mel_db)
    centroid, bandwidth, rolloff, flatness = (stat(n) for n in
                                              ("centroid", "bandwidth", "rolloff", "flatness"))
    seconds = sum(len(s) for s in segments)
    zcr = sum(f.zcr * len(s) for f, s in zip(frames, segments, strict=True)) / seconds
    spectral = np.concatenate([
        [centroid.mean(), centroid.std(), bandwidth.mean(), bandwidth.std(),
         rolloff.mean(), rolloff.std(), flatness.mean(), flatness.std(), zcr],
        stat("contrast").mean(axis=0),
    ])

    tempo, pulse, onset_rate, onset_strength = _rhythm(frames, fps)
    # A faint beat gives an unreliable tempo: the vector's value slides towards the
    # neutral 120 BPM as the pulse fades, so tracks without a beat do not scatter.
    sure = float(np.clip((pulse - MIN_PULSE) / (FULL_PULSE - MIN_PULSE), 0.0, 1.0))
    neutral = math.log2(TEMPO_PRIOR_BPM)
    rhythm = np.array([neutral + sure * (math.log2(tempo) - neutral), pulse, onset_rate,
                       onset_strength])
    dynamics = np.array([loudness, lra, variation, crest])

    rotated, tonic, mode, strength, mode_score, fifths = _tonality(stat("chroma"), banks)
    angle = 2.0 * math.pi * fifths / 12.0
    reach = max(strength, 0.0)
    tonality = np.concatenate([rotated, [strength, mode_score, reach * math.cos(angle),
                                         reach * math.sin(angle)]])

    vector = np.concatenate([timbre, spectral, rhythm, dynamics, tonality,
                             gaussian]).astype(np.float32)
    if vector.shape != (DIMENSIONS,) or not np.all(np.isfinite(vector)):
        raise AnalysisError("the descriptors came out undefined for this audio")
    return Description(
        vector=vector,
        tempo_bpm=tempo,
        key=tonic,
        mode=mode,
        loudness_lufs=loudness,
        centroid_hz=float(np.mean(2.0 ** centroid)),
    )
