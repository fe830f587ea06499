"""What musicnn hears: the Slaney mel bank, log-mel patches, and a track's embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from audio_factory import sine, write_audio
from music_factory import STYLES, render

from player.errors import AnalysisError
from recommender.musicnn import EMBEDDING_SIZE, N_MELS, PATCH_FRAMES, Musicnn
from recommender.musicnn_input import (
    HOP,
    N_FFT,
    PATCH_SAMPLES,
    PATCHES,
    SAMPLE_RATE,
    embed_segments,
    embed_track,
    hz_to_mel,
    log_mel,
    mel_filters,
    mel_to_hz,
    patches,
)
from recommender.musicnn_weights import find_weights, load_network

needs_musicnn = pytest.mark.skipif(
    find_weights() is None, reason="musicnn's weights are not installed "
                                   "(scripts/bootstrap.sh installs them)")


def test_slaney_mel_scale() -> None:
    assert hz_to_mel(np.array(0.0)) == 0.0
    assert hz_to_mel(np.array(1000.0)) == pytest.approx(15.0)
    assert hz_to_mel(np.array(200.0)) == pytest.approx(3.0)  # linear below 1 kHz
    assert hz_to_mel(np.array(6400.0)) == pytest.approx(42.0)  # 27 mel per factor 6.4
    hz = np.array([0.0, 50.0, 999.0, 1000.0, 1001.0, 4000.0, 8000.0])
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(hz)), hz, rtol=1e-12, atol=1e-9)


def test_mel_bank_triangles_have_unit_area_and_rise_with_frequency() -> None:
    bank = mel_filters()
    assert bank.shape == (N_FFT // 2 + 1, N_MELS) and bank.dtype == np.float32
    assert np.all(bank >= 0)
    bin_hz = SAMPLE_RATE / N_FFT
    areas = bank.sum(axis=0) * bin_hz
    # Wide bands (above ~1 kHz) are sampled finely enough for the sum to be the area, up
    # to where each triangle's corners fall between bins.
    np.testing.assert_allclose(areas[40:-1], 1.0, rtol=0.1)
    assert np.mean(areas[40:-1]) == pytest.approx(1.0, rel=0.01)
    peaks = np.argmax(bank, axis=0)
    assert np.all(np.diff(peaks) >= 0) and peaks[-1] > peaks[0]
    # Below 1 kHz the bands are equally spaced in Hz (Slaney's linear part).
    centres = mel_to_hz(np.linspace(0, hz_to_mel(np.array(SAMPLE_RATE / 2)), N_MELS + 2))
    low = centres[1:20]
    np.testing.assert_allclose(np.diff(low), np.diff(low)[0], rtol=1e-9)


def test_log_mel_frames() -> None:
    assert log_mel(np.zeros(PATCH_SAMPLES, dtype=np.float32)).shape == (PATCH_FRAMES, N_MELS)
    assert np.all(log_mel(np.zeros(PATCH_SAMPLES, dtype=np.float32)) == 0.0)  # log10(1 + 0)
    assert log_mel(np.zeros(10, dtype=np.float32)).shape == (1, N_MELS)
    tone = sine(1000.0, 1.0, SAMPLE_RATE, amplitude=0.3)
    frames = log_mel(tone)
    assert len(frames) == 1 + (len(tone) - N_FFT) // HOP
    loudest = int(np.argmax(frames.mean(axis=0)))
    centre_hz = mel_to_hz(np.linspace(0, hz_to_mel(np.array(8000.0)), N_MELS + 2))[loudest + 1]
    assert centre_hz == pytest.approx(1000.0, rel=0.05)
    assert log_mel(2 * tone).mean() > frames.mean()


def test_patches_one_per_segment_or_spread_over_one_piece() -> None:
    rng = np.random.default_rng(0)
    segments = [rng.standard_normal(PATCH_SAMPLES).astype(np.float32) * 0.1 for _ in range(3)]
    cut = patches(segments)
    assert cut.shape == (3, PATCH_FRAMES, N_MELS)
    np.testing.assert_array_equal(cut[1], log_mel(segments[1]))

    long_piece = np.concatenate(segments)
    spread = patches([long_piece])
    assert spread.shape == (PATCHES, PATCH_FRAMES, N_MELS)
    whole = log_mel(long_piece)
    np.testing.assert_array_equal(spread[0], whole[:PATCH_FRAMES])
    np.testing.assert_array_equal(spread[-1], whole[-PATCH_FRAMES:])

    short = patches([segments[0][:PATCH_SAMPLES // 3]])  # one second: repeated to 3 s
    assert short.shape == (1, PATCH_FRAMES, N_MELS)
    n = len(log_mel(segments[0][:PATCH_SAMPLES // 3]))
    np.testing.assert_array_equal(short[0, n:2 * n], short[0, :n])

    with pytest.raises(AnalysisError):
        patches([np.zeros(0, dtype=np.float32)])


# -- whole tracks ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def network() -> Musicnn:
    loaded = load_network()
    if not isinstance(loaded, Musicnn):
        pytest.skip(loaded.reason)
    return loaded


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@needs_musicnn
def test_a_track_is_one_embedding_that_survives_its_encoding(tmp_path: Path,
                                                             network: Musicnn) -> None:
    rate = 44100
    rock = render(STYLES["rock"], 40.0, seed=4, rate=rate)
    ambient = render(STYLES["ambient"], 40.0, seed=5, rate=rate)
    flac = embed_track(network, str(write_audio(tmp_path / "rock.flac", rock, rate)))
    mp3 = embed_track(network, str(write_audio(tmp_path / "rock.mp3", rock, rate)))
    other = embed_track(network, str(write_audio(tmp_path / "ambient.flac", ambient, rate)))
    assert flac.shape == (EMBEDDING_SIZE,) and flac.dtype == np.float32
    assert np.all(np.isfinite(flac))
    assert _cosine(flac, mp3) > 0.97
    assert np.linalg.norm(flac - mp3) < 0.5 * np.linalg.norm(flac - other)


@needs_musicnn
def test_the_embedding_is_the_mean_of_the_patches(network: Musicnn) -> None:
    rng = np.random.default_rng(1)
    segments = [rng.standard_normal(PATCH_SAMPLES).astype(np.float32) * s for s in
                (0.02, 0.1, 0.4)]
    expected = network.embed(patches(segments)).mean(axis=0)
    np.testing.assert_allclose(embed_segments(network, segments), expected, atol=1e-5)


@needs_musicnn
def test_short_and_damaged_files(tmp_path: Path, network: Musicnn) -> None:
    short = write_audio(tmp_path / "short.ogg", sine(330.0, 1.5, 22050), 22050)
    assert embed_track(network, str(short)).shape == (EMBEDDING_SIZE,)
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"\x00" * 1000)
    with pytest.raises(AnalysisError):
        embed_track(network, str(broken))
