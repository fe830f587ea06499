"""recommender/features.py: descriptors follow signals whose properties are known."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from audio_factory import sine, write_audio
from music_factory import STYLES, render

from player.errors import AnalysisError
from recommender.analysis import analyse_path
from recommender.audio import SAMPLE_RATE, decode_excerpt
from recommender.features import DIMENSIONS, GROUPS, LABELS, LAYOUT, Description, describe
from recommender.index import SoundIndex

R = SAMPLE_RATE


def _describe_file(path: Path) -> Description:
    excerpt = decode_excerpt(str(path))
    return describe(excerpt.segments, excerpt.rate)


def _clicks(bpm: float, seconds: float = 20.0) -> np.ndarray:
    """Short 1 kHz blips on every beat."""
    out = np.zeros(int(seconds * R), dtype=np.float32)
    n = int(0.01 * R)
    blip = np.sin(2 * np.pi * 1000 * np.arange(n) / R) * np.exp(-np.arange(n) / (0.002 * R))
    for start in np.arange(0.0, seconds, 60.0 / bpm):
        i = int(start * R)
        out[i:i + n] += blip[:len(out) - i].astype(np.float32)
    return 0.8 * out


def _chord(*freqs: float, seconds: float = 8.0) -> np.ndarray:
    return sum(sine(f, seconds, R, amplitude=0.25) for f in freqs)  # type: ignore[return-value]


def _noise(kind: str, seconds: float = 8.0, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(int(seconds * R)))
    if kind == "pink":  # power falling 3 dB per octave
        spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    noise = np.fft.irfft(spectrum)
    return (0.1 * noise / noise.std()).astype(np.float32)


def test_the_layout_names_every_value_once_in_contiguous_groups() -> None:
    assert [g.name for g in LAYOUT] == ["timbre", "spectral", "rhythm", "dynamics", "tonality",
                                       "gaussian"]
    assert LAYOUT[0].start == 0 and LAYOUT[-1].stop == DIMENSIONS == len(LABELS)
    assert all(a.stop == b.start for a, b in itertools.pairwise(LAYOUT))
    assert len(set(LABELS)) == len(LABELS)
    assert GROUPS["rhythm"].labels == ("tempo", "pulse_strength", "onset_rate",
                                       "onset_strength")


@pytest.mark.parametrize(("bpm", "ext"), [(90, ".flac"), (140, ".mp3"), (90, ".ogg"),
                                          (140, ".wav")])
def test_tempo_of_a_click_track_within_four_percent(tmp_path: Path, bpm: float,
                                                    ext: str) -> None:
    description = _describe_file(write_audio(tmp_path / f"clicks{ext}", _clicks(bpm)))
    assert description.tempo_bpm == pytest.approx(bpm, rel=0.04)
    assert description.values["pulse_strength"] > 0.5
    assert description.values["onset_rate"] == pytest.approx(bpm / 60.0, rel=0.15)


def test_a_sine_at_440_hz_is_in_a_and_a_chord_of_a_c_e_is_a_minor(tmp_path: Path) -> None:
    tone = _describe_file(write_audio(tmp_path / "a440.flac", sine(440.0, 8.0, R, 0.5)))
    assert tone.key == 9  # A
    assert tone.values["chroma0"] > 0.5  # the tonic's pitch class holds most of the energy
    a_minor = _describe_file(write_audio(tmp_path / "am.flac",
                                         _chord(220.0, 261.63, 329.63, 440.0)))
    assert a_minor.key_name == "A minor"
    assert a_minor.values["mode"] < 0
    c_major = _describe_file(write_audio(tmp_path / "c.flac",
                                         _chord(261.63, 329.63, 392.0, 523.25)))
    assert c_major.key_name == "C major"
    assert c_major.values["mode"] > 0
    # A steady tone or chord has no beat: tempo falls back to the neutral 120 BPM.
    assert tone.values["pulse_strength"] < 0.05 and tone.tempo_bpm == 120.0


def test_white_noise_is_brighter_and_flatter_than_pink_noise(tmp_path: Path) -> None:
    white = _describe_file(write_audio(tmp_path / "white.flac", _noise("white")))
    pink = _describe_file(write_audio(tmp_path / "pink.flac", _noise("pink")))
    assert white.centroid_hz > 1.3 * pink.centroid_hz
    assert white.centroid_hz == pytest.approx(R / 4, rel=0.1)  # the middle of 0..11 kHz
    assert white.values["flatness_mean"] > pink.values["flatness_mean"] + 2.0
    assert white.values["flatness_mean"] > -3.0  # white noise is nearly flat


def test_loudness_is_calibrated_and_follows_the_gain(tmp_path: Path) -> None:
    # A 997 Hz sine at half scale is -9.0 LUFS by the BS.1770 definition.
    tone = _describe_file(write_audio(tmp_path / "tone.flac", sine(997.0, 6.0, R, 0.5)))
    assert tone.loudness_lufs == pytest.approx(-9.03, abs=0.3)
    music = render(STYLES["rock"], 20.0, seed=5)
    loud = _describe_file(write_audio(tmp_path / "loud.flac", music))
    quiet = _describe_file(write_audio(tmp_path / "quiet.flac", music * 10 ** (-12 / 20)))
    assert loud.loudness_lufs - quiet.loudness_lufs == pytest.approx(12.0, abs=1.0)
    timbre = GROUPS["timbre"].slice
    assert np.allclose(loud.vector[timbre], quiet.vector[timbre], rtol=0.02, atol=0.3)


def test_a_long_track_and_a_one_second_track_are_both_described(tmp_path: Path) -> None:
    long = write_audio(tmp_path / "long.flac", render(STYLES["folk"], 150.0, seed=2), R)
    short = write_audio(tmp_path / "short.flac", render(STYLES["folk"], 1.0, seed=2), R)
    long_desc = _describe_file(long)
    short_desc = _describe_file(short)
    for description in (long_desc, short_desc):
        assert description.vector.shape == (DIMENSIONS,)
        assert description.vector.dtype == np.float32
        assert np.all(np.isfinite(description.vector))
    low, high = STYLES["folk"].tempo  # the band the folk style draws its tempo from
    assert low * 0.96 <= long_desc.tempo_bpm <= high * 1.04


def test_flac_and_mp3_of_the_same_music_give_nearly_the_same_vector(tmp_path: Path) -> None:
    vectors, names = [], []
    for i, style in enumerate(("rock", "ballad", "folk")):
        # 45 s: long enough to be read by seeking; 44.1 kHz as on a CD, so the encoder's
        # low-pass (16 kHz and up) lies above what the analysis looks at.
        music = render(STYLES[style], 45.0, seed=40 + i, rate=44100)
        for ext in (".flac", ".mp3"):
            vectors.append(_describe_file(write_audio(tmp_path / f"{style}{ext}", music,
                                                      44100)))
            names.append(f"{style}{ext}")
    for flac, mp3 in zip(vectors[::2], vectors[1::2], strict=True):
        assert mp3.loudness_lufs == pytest.approx(flac.loudness_lufs, abs=0.6)
        assert mp3.tempo_bpm == pytest.approx(flac.tempo_bpm, rel=0.02)
        assert mp3.centroid_hz == pytest.approx(flac.centroid_hz, rel=0.05)
    index = SoundIndex(np.arange(len(vectors)), np.array([v.vector for v in vectors]))
    for row in range(0, len(vectors), 2):
        twin, nearest_other = index.neighbours(row, 2)
        assert twin.track_id == row + 1, names[row]
        assert twin.distance < 0.3 * nearest_other.distance


def test_silence_and_emptiness_are_refused_with_a_reason(tmp_path: Path) -> None:
    silent = write_audio(tmp_path / "silent.flac", np.zeros(3 * R, dtype=np.float32))
    assert analyse_path(str(silent))[:2] == (None, "the audio is silent")
    with pytest.raises(AnalysisError, match="no audio"):
        describe([np.zeros(0, dtype=np.float32)])
    vector, error, *_ = analyse_path(str(tmp_path / "never.ogg"))
    assert vector is None and error is not None and "No such file" in error
