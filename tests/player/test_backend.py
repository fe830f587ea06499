"""player/backend.py: the ReplayGain maths that every engine applies."""

from __future__ import annotations

import math

import pytest

from player.backend import MAX_GAIN_DB, engine_volume, replaygain_db


@pytest.mark.parametrize("gain", [1e308, 99999999999 / 256 + 5, math.inf, -1e308, -math.inf])
def test_an_absurd_stored_gain_is_bounded_and_never_raises(gain: float) -> None:
    applied = replaygain_db("track", gain, None, None, None)
    assert -MAX_GAIN_DB <= applied <= MAX_GAIN_DB
    assert 0 <= engine_volume(80, applied) <= 200


def test_a_nan_gain_or_peak_counts_as_missing() -> None:
    assert replaygain_db("track", math.nan, 0.5, -6.0, 0.9) == -6.0
    assert replaygain_db("track", 6.0, math.nan, None, None) == 6.0
    assert replaygain_db("track", 6.0, 1e308, None, None) == 6.0  # a junk peak limits nothing


def test_engine_volume_never_raises() -> None:
    assert engine_volume(80, 1e308) == 200
    assert engine_volume(80, -1e308) == 0
    assert engine_volume(80, math.nan) == 80
