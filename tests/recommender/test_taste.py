"""recommender/taste.py: judgements become preferences; neighbours predict the rest."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.taste import (
    DAY,
    Signal,
    SignalKind,
    TasteModel,
    neighbourhood_scale,
    preferences,
)

NOW = 1_800_000_000.0


def test_stars_are_the_strongest_signal_and_three_stars_is_a_shrug() -> None:
    prefs = preferences([Signal(1, SignalKind.RATING, NOW, 5), Signal(2, SignalKind.RATING, NOW, 1),
                         Signal(3, SignalKind.RATING, NOW, 3),
                         Signal(4, SignalKind.COMPLETED, NOW)], NOW)
    assert prefs[1] > 0.99 and prefs[2] < -0.99
    assert abs(prefs[3]) < 0.25
    assert 0.2 < prefs[4] < 0.5


def test_repeated_skips_weigh_more_than_one() -> None:
    one = preferences([Signal(1, SignalKind.SKIPPED, NOW)], NOW)[1]
    three = preferences([Signal(1, SignalKind.SKIPPED, NOW)] * 3, NOW)[1]
    assert three < one < 0


def test_removal_is_mildly_negative() -> None:
    removed = preferences([Signal(1, SignalKind.REMOVED, NOW)], NOW)[1]
    skipped = preferences([Signal(1, SignalKind.SKIPPED, NOW)], NOW)[1]
    assert skipped < removed < 0


def test_older_signals_fade() -> None:
    fresh = preferences([Signal(1, SignalKind.COMPLETED, NOW)], NOW)[1]
    old = preferences([Signal(1, SignalKind.COMPLETED, NOW - 240 * DAY)], NOW)[1]
    assert old == pytest.approx(np.tanh(np.arctanh(fresh) / 4), rel=1e-6)  # two half-lives


def test_a_skip_outweighs_nothing_but_not_a_five_star_rating() -> None:
    prefs = preferences([Signal(1, SignalKind.RATING, NOW, 5), Signal(1, SignalKind.SKIPPED, NOW)],
                        NOW)
    assert 0.9 < prefs[1] < 0.999


def _two_clusters() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    a = rng.normal(size=(30, 8)) * 0.3
    b = rng.normal(size=(30, 8)) * 0.3 + 5.0
    return a, b


def test_neighbours_predict_the_preference_of_their_region() -> None:
    a, b = _two_clusters()
    judged = np.vstack([a[:3], b[:3]])
    model = TasteModel(np.arange(6), judged, np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0]),
                       neighbourhood_scale(np.vstack([a, b])))
    prediction = model.predict(np.vstack([a[3:], b[3:]]))
    liked, disliked = prediction.preference[:27], prediction.preference[27:]
    assert (liked > 0.2).all() and (disliked < -0.2).all()
    assert liked.mean() > 0.45 and disliked.mean() < -0.45
    assert set(prediction.backer[:27].tolist()) <= {0, 1, 2}
    assert set(prediction.backer[27:].tolist()) == {-1}  # a disliked region backs no liking


def test_confidence_grows_with_closeness() -> None:
    a, b = _two_clusters()
    model = TasteModel(np.arange(3), a[:3], np.ones(3), neighbourhood_scale(np.vstack([a, b])))
    near = model.predict(a[3:4])
    far = model.predict(a[3:4] + 3.0)
    assert near.confidence[0] > far.confidence[0]
    assert abs(near.preference[0]) > abs(far.preference[0])


def test_no_judgements_predict_nothing() -> None:
    model = TasteModel(np.empty(0), np.empty((0, 4)), np.empty(0), 1.0)
    prediction = model.predict(np.zeros((3, 4)))
    assert not model.has_judgements
    assert prediction.preference.tolist() == [0.0, 0.0, 0.0]
    assert prediction.backer.tolist() == [-1, -1, -1]


def test_the_neighbourhood_scale_is_the_typical_distance_to_the_tenth_neighbour() -> None:
    grid = np.arange(100, dtype=np.float64).reshape(-1, 1)  # points 1 apart on a line
    assert neighbourhood_scale(grid, k=10) == pytest.approx(5.0, abs=0.5)
