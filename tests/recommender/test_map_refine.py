"""recommender/map_refine.py: the polish that keeps more neighbours on the map."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.map_layout import embed, neighbour_preservation
from recommender.map_refine import REFINE_LIMIT, K, kept_share, nearest_in_space, refine


def _clouds(n: int = 300, dims: int = 30, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, dims)) * 3
    return centres[rng.integers(0, 6, n)] + rng.normal(size=(n, dims))


def test_nearest_in_space_is_exact() -> None:
    points = _clouds(120)
    found = nearest_in_space(points)
    d = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.fill_diagonal(d, np.inf)
    assert found.shape == (120, K)
    assert np.array_equal(np.sort(found, axis=1), np.sort(np.argsort(d, axis=1)[:, :K], axis=1))


@pytest.mark.slow
def test_the_polish_keeps_more_neighbours_and_never_fewer() -> None:
    points = _clouds()
    xy = embed(points)
    polished = refine(points, xy, budget=8)
    true = nearest_in_space(points)
    before, after = kept_share(true, xy), kept_share(true, polished)
    assert after > before + 0.02
    assert abs(after - neighbour_preservation(points, polished, sample=None)) < 1e-9
    assert polished.shape == xy.shape and np.isfinite(polished).all()


def test_the_polish_leaves_tiny_and_huge_maps_and_stops_when_asked() -> None:
    points = _clouds(20)
    xy = embed(points)
    assert refine(points, xy) is xy
    big = np.zeros((REFINE_LIMIT + 1, 2), np.float32)
    assert refine(np.zeros((REFINE_LIMIT + 1, 3)), big) is big
    points = _clouds()
    xy = embed(points)
    stopped = refine(points, xy, cancelled=lambda: True)
    assert np.allclose(stopped, xy, atol=1e-6)
