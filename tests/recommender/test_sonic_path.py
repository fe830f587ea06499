"""recommender/sonic_path.py and flow_order.py: steady paths and flowing orders."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from taste_factory import SyntheticLibrary, build_library

from player import edits
from player.models import PlayOutcome, PlaySource
from player.queue import FillContext
from player.store import Store
from recommender.flow_order import order_for_flow, tour_length
from recommender.shuffle import AutoShuffle
from recommender.snapshot import Snapshot
from recommender.sonic_path import NoPathError, sonic_path


@pytest.fixture
def library(store: Store) -> SyntheticLibrary:
    return build_library(store, styles=6, artists_per_style=4, tracks_per_artist=8,
                         spread=1.0, separation=2.0)


def _snapshot(store: Store) -> Snapshot:
    snapshot = AutoShuffle.over(store).snapshot
    assert snapshot is not None
    return snapshot


def _skip(store: Store, track_id: int, days_ago: float = 3.0) -> None:
    started = time.time() - days_ago * 86_400.0
    with store.db.transaction():
        pid = store.plays.start(track_id, duration=200.0, source=PlaySource.AUTO,
                                started_at=started)
        store.plays.finish(pid, listened=5.0, outcome=PlayOutcome.SKIPPED,
                           ended_at=started + 5.0)


def test_a_path_moves_steadily_from_a_to_b(store: Store, library: SyntheticLibrary) -> None:
    snapshot = _snapshot(store)
    a, b = library.tracks_of(0)[0], library.tracks_of(5)[0]
    steps = sonic_path(snapshot, a, b, 12)
    ids = [s.track_id for s in steps]
    assert ids[0] == a and ids[-1] == b and len(ids) == 12 == len(set(ids))
    to_end = [s.to_end for s in steps]
    assert all(later < earlier for earlier, later in itertools.pairwise(to_end))
    assert to_end[-1] == 0.0
    artists = [library.artist_of[t] for t in ids]
    assert all(x != y for x, y in itertools.pairwise(artists))
    # the steps are even-ish: none takes more than half the way
    assert max(s.step for s in steps) < 0.5 * sum(s.step for s in steps)


def test_a_path_avoids_what_the_listener_dislikes_and_what_played_lately(
        store: Store, library: SyntheticLibrary) -> None:
    a, b = library.tracks_of(1)[0], library.tracks_of(4)[0]
    first = [s.track_id for s in sonic_path(_snapshot(store), a, b, 14)][1:-1]
    low, skipped, queued = first[0], first[1], first[2]
    edits.rate(store, [low], 2)
    _skip(store, skipped)
    _skip(store, skipped)
    snapshot = _snapshot(store)
    again = [s.track_id for s in sonic_path(snapshot, a, b, 14,
                                            context=FillContext(None, (), (queued,)))]
    assert not {low, skipped, queued} & set(again)
    assert again[0] == a and again[-1] == b and len(again) >= 10


def test_the_ends_stand_even_when_disliked_and_unanalysed_ends_are_refused(
        store: Store, library: SyntheticLibrary) -> None:
    a, b = library.tracks_of(2)[0], library.tracks_of(3)[0]
    edits.rate(store, [b], 1)
    steps = sonic_path(_snapshot(store), a, b, 6)
    assert steps[-1].track_id == b
    with pytest.raises(NoPathError):
        sonic_path(_snapshot(store), a, a, 6)
    with store.db.transaction():
        store.features.clear([a])
    with pytest.raises(NoPathError, match="has not listened"):
        sonic_path(_snapshot(store), a, b, 6)


def test_order_for_flow_keeps_the_tracks_and_shortens_the_way(
        store: Store, library: SyntheticLibrary) -> None:
    snapshot = _snapshot(store)
    rng = np.random.default_rng(2)
    chosen = [int(t) for t in rng.choice(sorted(library.style_of), 40, replace=False)]
    ordered = order_for_flow(snapshot, chosen)
    assert sorted(ordered) == sorted(chosen)
    assert tour_length(snapshot, ordered) < 0.7 * tour_length(snapshot, chosen)
    styles = [library.style_of[t] for t in ordered]
    changes = sum(x != y for x, y in itertools.pairwise(styles))
    assert changes <= len(set(styles)) + 3  # styles come together, not scattered


def test_order_for_flow_puts_unanalysed_tracks_last(store: Store,
                                                    library: SyntheticLibrary) -> None:
    chosen = library.tracks_of(0)[:5] + library.tracks_of(1)[:5]
    with store.db.transaction():
        store.features.clear([chosen[2]])
    ordered = order_for_flow(_snapshot(store), chosen)
    assert ordered[-1] == chosen[2] and sorted(ordered) == sorted(chosen)
