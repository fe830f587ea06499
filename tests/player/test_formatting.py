"""player/formatting.py: one way to say times, stars, file names and problems."""

from __future__ import annotations

import os

import pytest

from player.formatting import (
    artist_title,
    cannot_play,
    clock,
    duration,
    path_text,
    star_bar,
    stars,
)


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0:00"), (0.6, "0:01"), (59.99, "1:00"), (187.4, "3:07"), (3599, "59:59"),
    (3723, "1:02:03"),
    (360_000, "100:00:00"),
])
def test_durations_read_like_a_clock(seconds: float, text: str) -> None:
    assert duration(seconds) == text


@pytest.mark.parametrize("seconds", [None, -1.0, float("nan")])
def test_an_unknown_duration_says_what_the_caller_wants(seconds: float | None) -> None:
    assert duration(seconds) == ""
    assert duration(seconds, "-:--") == "-:--"


def test_a_point_in_a_track_counts_whole_seconds() -> None:
    assert (clock(59.99), clock(60.0), clock(None), clock(3723.9)) == \
        ("0:59", "1:00", "0:00", "1:02:03")


def test_stars_and_star_bars() -> None:
    assert (stars(3), stars(None), stars(9)) == ("★★★", "", "★★★★★")
    assert star_bar(2) == "★★☆☆☆" and star_bar(None, "no rating") == "no rating"


def test_a_name_that_is_not_utf8_can_still_be_shown() -> None:
    name = os.fsdecode(b"/music/caf\xe9.mp3")
    assert path_text(name) == "/music/caf\ufffd.mp3"
    assert path_text("/music/café.mp3") == "/music/café.mp3"


def test_sentences() -> None:
    assert artist_title("Band", "Song") == "Band – Song"
    assert cannot_play("the file is gone") == "could not be played: the file is gone"
