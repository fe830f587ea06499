"""recommender/taste.py: judgements become preferences; neighbours predict the rest."""

from __future__ import annotations

import numpy as np
import pytest

from recommender.taste import (
    DAY,
    Distances,
    Signal,
    SignalKind,
    TasteModel,
    judged_reach,
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


def _euclidean(points: np.ndarray) -> Distances:
    """Euclidean distances between rows of *points*."""
    return lambda a, b: np.linalg.norm(points[a][:, None] - points[b][None], axis=2)


def _two_clusters() -> np.ndarray:
    """60 points: rows 0–29 around the origin, rows 30–59 far from it."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(30, 8)) * 0.3
    b = rng.normal(size=(30, 8)) * 0.3 + 5.0
    return np.vstack([a, b])


def test_neighbours_predict_the_preference_of_their_region() -> None:
    points = _two_clusters()
    rng = np.random.default_rng(1)
    twins = points[[0, 1, 2, 30, 31, 32]] + rng.normal(size=(6, 8)) * 0.02
    points = np.vstack([points, twins])  # rows 60–65: near copies of the judged tracks
    distances = _euclidean(points)
    judged = np.array([0, 1, 2, 30, 31, 32])
    model = TasteModel(judged, judged + 1000, np.array([1.0, 1.0, 1.0, -1.0, -1.0, -1.0]),
                       distances, judged_reach(distances, np.arange(60), judged))
    near = model.predict(np.arange(60, 66))
    assert (near.preference[:3] > 0.5).all() and (near.preference[3:] < -0.5).all()
    assert near.backer[:3].tolist() == [1000, 1001, 1002]
    assert near.backer[3:].tolist() == [-1, -1, -1]  # a disliked region backs no liking
    # Liking lifts what sounds much alike; disliking pushes its whole region away.
    region = model.predict(np.r_[3:30, 33:60])
    liked, disliked = region.preference[:27], region.preference[27:]
    assert (liked >= 0).all() and liked.max() > 0.3
    assert (disliked < -0.2).all() and disliked.mean() < -0.4
    assert set(region.backer[:27].tolist()) <= {-1, 1000, 1001, 1002}
    assert set(region.backer[27:].tolist()) == {-1}
    assert model.influences(60)[0][:1] == (1000,)  # its twin pulls most
    assert all(pref > 0 or weight < 0.5 for _, weight, pref in model.influences(60))


def test_confidence_grows_with_closeness() -> None:
    points = _two_clusters()
    points = np.vstack([points, points[3] + 3.0])  # row 60: row 3 moved away
    distances = _euclidean(points)
    model = TasteModel(np.arange(3), np.arange(3), np.ones(3), distances,
                       judged_reach(distances, np.arange(60), np.arange(3)))
    near, far = model.predict(np.array([3])), model.predict(np.array([60]))
    assert near.confidence[0] > far.confidence[0]
    assert abs(near.preference[0]) > abs(far.preference[0])


def test_no_judgements_predict_nothing() -> None:
    model = TasteModel(np.empty(0), np.empty(0), np.empty(0), _euclidean(np.zeros((3, 4))),
                       1.0)
    prediction = model.predict(np.arange(3))
    assert not model.has_judgements
    assert prediction.preference.tolist() == [0.0, 0.0, 0.0]
    assert prediction.backer.tolist() == [-1, -1, -1]
    assert model.influences(0) == []


def test_judgements_reach_as_far_as_they_are_sparse() -> None:
    """The reach is the typical distance from a track to its nearest judged track: one
    judgement on a line of 100 points reaches far, one every ten points reaches about 2."""
    grid = np.arange(100, dtype=np.float64).reshape(-1, 1)  # points 1 apart on a line
    distances = _euclidean(grid)
    rows = np.arange(100)
    sparse = judged_reach(distances, rows, np.array([50]))
    dense = judged_reach(distances, rows, np.arange(5, 100, 10))
    assert sparse == pytest.approx(25.0, abs=3.0)
    assert dense == pytest.approx(3.0, abs=0.6)
    assert judged_reach(distances, rows, np.empty(0, dtype=np.int64)) == 1.0
