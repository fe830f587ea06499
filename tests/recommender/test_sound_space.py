"""recommender/sound_space.py and proximity.py: the Gaussian's embedding, the main axes,
mutual proximity's rescaling."""

from __future__ import annotations

import numpy as np
import pytest
from vector_factory import gaussian_models

from recommender.layout import DESCRIPTORS
from recommender.proximity import RANDOM_PAIR, ProximityStats, rescale
from recommender.sound_space import Axes, gaussian_embedding, whitening_of
from recommender.timbre_model import divergence


def _models(n: int, seed: int = 0) -> np.ndarray:
    return gaussian_models(np.random.default_rng(seed).normal(size=(n, DESCRIPTORS)), seed)


def _embedded_and_exact(models: np.ndarray, a: np.ndarray, b: np.ndarray
                        ) -> tuple[float, float]:
    pair = gaussian_embedding(np.vstack([a, b]).astype(np.float32), whitening_of(models))
    return (float(np.linalg.norm(pair[0] - pair[1])),
            divergence(a.astype(np.float32), b.astype(np.float32)))


def test_the_embedding_follows_the_divergence_of_close_covariances() -> None:
    models = _models(40)
    rng = np.random.default_rng(1)
    for i in range(5):
        base = models[i].astype(np.float64)
        near = base.copy()
        near[20:] *= 1.0 + rng.uniform(0.02, 0.08)  # a slightly louder timbre
        embedded, exact = _embedded_and_exact(models, base, near)
        assert embedded == pytest.approx(exact, rel=0.05)


def test_the_embedding_follows_the_divergence_of_close_means_at_the_typical_spread() -> None:
    """Means are compared under the library's mean covariance (one embedding for every
    track), so for a track of the typical spread the divergence is matched."""
    models = _models(40).astype(np.float64)
    models[:, 20:] = models[:, 20:].mean(axis=0)  # every track with the mean covariance
    rng = np.random.default_rng(2)
    for i in range(5):
        near = models[i].copy()
        near[:20] += rng.normal(size=20) * 0.05
        embedded, exact = _embedded_and_exact(models, models[i], near)
        assert embedded == pytest.approx(exact, rel=0.05)


def test_the_embedding_is_the_same_whatever_linear_map_the_mfccs_went_through() -> None:
    """The divergence ignores an invertible map applied to every track's MFCCs; whitening
    by the library's own mean covariance makes the embedding ignore it too (up to a
    rotation, so distances stay)."""
    models = _models(30)
    means, covs = (models[:, :20].astype(np.float64),
                   np.zeros((30, 20, 20)))
    upper = np.triu_indices(20)
    for i, model in enumerate(models.astype(np.float64)):
        covs[i][upper] = model[20:]
        covs[i] = covs[i] + covs[i].T - np.diag(np.diag(covs[i]))
    scale = np.diag(np.linspace(0.5, 3.0, 20))
    mapped = np.hstack([means @ scale.T, np.array([(scale @ c @ scale.T)[upper] for c in covs])]
                       ).astype(np.float32)
    before = gaussian_embedding(models, whitening_of(models))
    after = gaussian_embedding(mapped, whitening_of(mapped))
    d_before = np.linalg.norm(before[:, None] - before[None], axis=2)
    d_after = np.linalg.norm(after[:, None] - after[None], axis=2)
    np.testing.assert_allclose(d_after, d_before, rtol=0.05, atol=0.05)


def test_the_main_axes_keep_most_of_the_variance_and_scale_it_to_one() -> None:
    rng = np.random.default_rng(2)
    data = rng.normal(size=(500, 3)) @ rng.normal(size=(3, 40))  # three real directions
    data += rng.normal(size=(500, 40)) * 0.01
    axes = Axes.fit(data, 3)
    reduced = axes.apply(data)
    assert reduced.shape == (500, 3)
    assert float(reduced.var(axis=0).mean()) == pytest.approx(1.0, rel=0.02)
    restored = reduced * axes.scale @ axes.basis.T + axes.centre
    assert float(np.abs(restored - data).max()) < 0.1


def test_mutual_proximity_is_zero_for_a_point_itself_and_about_one_at_random() -> None:
    points = np.random.default_rng(3).normal(size=(400, 10)).astype(np.float32)
    stats = ProximityStats.fit(points)
    rows = np.arange(400)
    euclid = np.linalg.norm(points[:, None] - points[None], axis=2)
    d = stats.hub_free(euclid, rows, rows)
    np.testing.assert_allclose(np.diag(d), 0.0, atol=1e-9)
    np.testing.assert_allclose(d, d.T, atol=1e-9)
    assert float(np.median(d[~np.eye(400, dtype=bool)])) == pytest.approx(1.0, abs=0.1)
    assert float(d.max()) <= 1.0 / RANDOM_PAIR + 1e-9
    # For the same two points' statistics it grows with the distance.
    ramp = rescale(np.linspace(0.0, 10.0, 200), stats.take(0), stats.take(1))
    assert ramp[0] == 0.0 and np.all(np.diff(ramp) >= 0.0) and ramp[-1] > 1.0


def test_statistics_of_a_point_added_later_are_measured_as_the_first_ones() -> None:
    points = np.random.default_rng(4).normal(size=(300, 6)).astype(np.float32)
    fitted = ProximityStats.fit(points)
    grown = ProximityStats.fit(points[:250], references=len(fitted.references))
    grown = ProximityStats(fitted.references, *(a[:250] for a in
                                                (fitted.mean, fitted.spread, fitted.zero)))
    grown = grown.extended(points[250:])
    np.testing.assert_allclose(grown.mean, fitted.mean, rtol=1e-6)
    replaced = fitted.extended(points[:1] + 10.0, np.array([5]))
    assert replaced.mean[5] > fitted.mean[5] and replaced.mean[6] == fitted.mean[6]
