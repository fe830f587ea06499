"""`riffle why`: the rule that keeps a track out, or what speaks for it, and its rank."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from cli_runner import riffle
from taste_factory import SyntheticLibrary, build_library

from player.models import PlayOutcome, PlaySource
from player.store import Store


@pytest.fixture
def library(store: Store) -> SyntheticLibrary:
    return build_library(store, styles=4, artists_per_style=4, tracks_per_artist=6)


def _why(db: Path, track: int, *extra: str) -> dict[str, object]:
    status, out, err = riffle(db, "why", str(track), "--json", *extra)
    assert status == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _play(store: Store, track: int, outcome: PlayOutcome, hours_ago: float) -> None:
    started = time.time() - hours_ago * 3600
    with store.db.transaction():
        play = store.plays.start(track, duration=200.0, source=PlaySource.AUTO,
                                 started_at=started)
        store.plays.finish(play, listened=5.0 if outcome is PlayOutcome.SKIPPED else 200.0,
                           outcome=outcome, ended_at=started + 200)


def test_a_missing_file_is_kept_out(store: Store, library: SyntheticLibrary) -> None:
    track = library.tracks_of(0)[0]
    with store.db.transaction():
        store.tracks.mark_missing([track])
    assert _why(store.path, track)["excluded"] == "its file is missing"


def test_a_track_that_failed_to_play_is_kept_out(store: Store,
                                                library: SyntheticLibrary) -> None:
    track = library.tracks_of(0)[1]
    with store.db.transaction():
        store.tracks.set_play_error(track, "cannot be decoded")
    assert _why(store.path, track)["excluded"] == \
        "it failed to play the last time it was tried"


def test_one_star_is_kept_out(store: Store, library: SyntheticLibrary) -> None:
    track = library.tracks_of(1)[0]
    with store.db.transaction():
        store.ratings.set(track, 1)
    why = _why(store.path, track)
    assert why["excluded"] == "you rated it ★" and why["own_preference"] < -0.9  # type: ignore[operator]


def test_a_recent_play_is_kept_out_with_when(store: Store, library: SyntheticLibrary) -> None:
    track = library.tracks_of(2)[0]
    _play(store, track, PlayOutcome.COMPLETED, hours_ago=3)
    _play(store, library.tracks_of(3)[0], PlayOutcome.COMPLETED, hours_ago=1)
    assert _why(store.path, track)["excluded"] == \
        "it played 3 hours ago: nothing played in the last 12 hours comes back"


def test_the_same_artist_as_what_plays_is_kept_out(store: Store,
                                                   library: SyntheticLibrary) -> None:
    playing, same_artist = library.tracks_of(1)[0], library.tracks_of(1)[1]
    assert library.artist_of[playing] == library.artist_of[same_artist]
    why = _why(store.path, same_artist, "--after", str(playing))
    title = store.tracks.get(playing).display_title
    assert why["excluded"] == (f"it is by the same artist as '{title}', which plays just "
                               "before it")
    assert why["rank"] is None and why["score"] is None


def test_judged_neighbours_explain_a_prediction_and_the_rank(store: Store,
                                                             library: SyntheticLibrary) -> None:
    loved, skipped = library.tracks_of(0)[0], library.tracks_of(0)[1]
    with store.db.transaction():
        store.ratings.set(loved, 5)
    _play(store, skipped, PlayOutcome.SKIPPED, hours_ago=48)
    _play(store, skipped, PlayOutcome.SKIPPED, hours_ago=40)
    asked = library.tracks_of(0)[4]  # same style as both: they sound alike
    why = _why(store.path, asked, "--after", str(library.tracks_of(3)[0]))
    assert why["excluded"] is None
    influences = {i["track_id"]: i for i in why["influences"]}  # type: ignore[union-attr]
    assert influences[loved]["preference"] > 0.9 and influences[loved]["evidence"] == \
        "rated ★★★★★"
    assert influences[skipped]["preference"] < 0 and influences[skipped]["evidence"] == \
        "skipped twice"
    assert 1 <= why["rank"] <= why["eligible"]  # type: ignore[operator]
    assert why["reason"]

    status, out, _err = riffle(store.path, "why", str(asked), "--after",
                               str(library.tracks_of(3)[0]))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"Artist 0.0 – {store.tracks.get(asked).display_title}"
    assert any(line.strip().startswith("may be picked next: rank") for line in lines)
    assert any("(rated ★★★★★): pulls towards" in line for line in lines)
    assert any("(skipped twice): pulls away" in line for line in lines)
