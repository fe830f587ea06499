"""The Gaussian timbre model: fitting, storing, and the Jensen–Shannon-style distance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from music_factory import STYLES, render

from player.errors import AnalysisError
from recommender.audio import SAMPLE_RATE
from recommender.features import describe
from recommender.layout import DIMENSIONS
from recommender.timbre_model import (
    N_COEFFS,
    RIDGE,
    VECTOR_SIZE,
    TimbreModels,
    divergence,
    fit,
    fit_mel_db,
    mfcc,
    unpack,
)


def _frames(seed: int, n: int = 400, shift: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((N_COEFFS, N_COEFFS)) * 0.4 + np.eye(N_COEFFS)
    return rng.standard_normal((n, N_COEFFS)) @ mix * 5.0 + shift + rng.standard_normal(N_COEFFS)


@pytest.fixture(scope="module")
def models() -> np.ndarray:
    return np.stack([fit(_frames(seed, shift=seed % 3)) for seed in range(12)])


def test_fit_stores_mean_and_covariance_flat() -> None:
    x = _frames(1)
    vector = fit(x)
    assert vector.shape == (VECTOR_SIZE,) == (230,) and vector.dtype == np.float32
    means, covs = unpack(vector)
    np.testing.assert_allclose(means[0], x.mean(axis=0), rtol=1e-5, atol=1e-4)
    expected = np.cov(x, rowvar=False) + RIDGE * np.eye(N_COEFFS)
    np.testing.assert_allclose(covs[0], expected, rtol=1e-5, atol=1e-4)
    assert np.array_equal(covs[0], covs[0].T)


def test_fit_refuses_what_is_not_frames() -> None:
    with pytest.raises(AnalysisError):
        fit(np.zeros((0, N_COEFFS)))
    with pytest.raises(AnalysisError):
        fit(np.full((30, N_COEFFS), np.nan))
    # One frame, or constant frames, still give a usable (ridge-only) covariance.
    one = TimbreModels(np.stack([fit(np.ones((1, N_COEFFS))), fit(np.ones((50, N_COEFFS)))]))
    assert np.all(np.isfinite(one.logdets))
    assert one.one_to_many(0)[1] == 0.0


def test_distances_are_symmetric_non_negative_and_zero_on_the_diagonal(
        models: np.ndarray) -> None:
    d = TimbreModels(models).pairwise()
    assert d.shape == (12, 12)
    assert np.array_equal(d, d.T)
    assert np.all(np.diag(d) == 0.0)
    off = d[~np.eye(12, dtype=bool)]
    assert np.all(off > 0.0) and np.all(np.isfinite(off))


def test_one_to_many_many_to_many_and_pairs_agree(models: np.ndarray) -> None:
    set_ = TimbreModels(models)
    full = set_.pairwise()
    np.testing.assert_allclose(set_.one_to_many(4), full[4], rtol=1e-12)
    np.testing.assert_allclose(set_.to_vector(models[4]), full[4], rtol=1e-12, atol=1e-9)
    others = TimbreModels(models[7:])
    np.testing.assert_allclose(set_.pairwise(others), full[:, 7:], rtol=1e-12)
    assert divergence(models[2], models[9]) == pytest.approx(full[2, 9], rel=1e-12)


def test_equal_covariances_give_the_closed_form() -> None:
    # With Σ1 = Σ2 = Σ: Σm = Σ + δδᵀ/4, so JS = ½ ln(1 + δᵀΣ⁻¹δ / 4).
    cov = np.diag(np.linspace(1.0, 4.0, N_COEFFS))
    upper = cov[np.triu_indices(N_COEFFS)]
    delta = np.zeros(N_COEFFS)
    delta[0], delta[5] = 2.0, -1.0
    a = np.concatenate([np.zeros(N_COEFFS), upper]).astype(np.float32)
    b = np.concatenate([delta, upper]).astype(np.float32)
    mahalanobis = float(delta @ np.linalg.solve(cov, delta))
    assert divergence(a, b) == pytest.approx(math.sqrt(0.5 * math.log1p(mahalanobis / 4)),
                                             rel=1e-6)


def test_a_shared_linear_map_changes_nothing() -> None:
    rng = np.random.default_rng(3)
    transform = rng.standard_normal((N_COEFFS, N_COEFFS)) + 3 * np.eye(N_COEFFS)
    x, y = _frames(10), _frames(11, shift=2.0)
    # The ridge is added after the map: scale the frames up so that it is negligible.
    plain = divergence(fit(x * 100), fit(y * 100))
    mapped = divergence(fit(x @ transform * 100), fit(y @ transform * 100))
    assert mapped == pytest.approx(plain, rel=1e-3)


def test_a_damaged_model_is_infinitely_far() -> None:
    good = fit(_frames(1))
    bad = good.copy()
    bad[N_COEFFS] = -5.0  # a negative variance
    d = TimbreModels(np.stack([good, bad])).pairwise()
    assert d[0, 0] == 0.0
    assert np.isinf(d[0, 1]) and np.isinf(d[1, 0])


def test_mfcc_zero_is_the_scaled_mean_band_level() -> None:
    mel_db = np.tile(np.linspace(-60, 0, 40, dtype=np.float32), (5, 1))
    coeffs = mfcc(mel_db)
    assert coeffs.shape == (5, N_COEFFS)
    assert coeffs[0, 0] == pytest.approx(mel_db[0].mean() * math.sqrt(40), rel=1e-5)
    with pytest.raises(ValueError):
        mfcc(np.zeros((5, 12)))
    assert fit_mel_db(mel_db).shape == (VECTOR_SIZE,)


def test_the_fast_pass_carries_the_model_and_it_hears_styles() -> None:
    def model(style: str, seed: int) -> np.ndarray:
        description = describe([render(STYLES[style], 12.0, seed=seed, rate=SAMPLE_RATE)])
        assert description.vector.shape == (DIMENSIONS,)
        assert description.timbre_model.shape == (VECTOR_SIZE,)
        assert np.all(np.isfinite(description.timbre_model))
        return description.timbre_model

    rock_a, rock_b, ambient = model("rock", 1), model("rock", 2), model("ambient", 3)
    assert divergence(rock_a, rock_b) < divergence(rock_a, ambient)
    assert divergence(rock_a, rock_b) < divergence(rock_b, ambient)
