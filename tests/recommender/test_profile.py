"""recommender/profile.py and regions.py: regions of the similarity space, named, with the
evidence the store holds."""

from __future__ import annotations

import time

import numpy as np
from taste_factory import build_library

from player import edits
from player.models import PlayOutcome, PlaySource
from player.store import Store
from recommender.layout import LAYOUT
from recommender.profile import build_profile, region_name
from recommender.profile_types import Evidence, evidence_text
from recommender.regions import MAX_REGIONS, find_regions, region_count
from recommender.shuffle import AutoShuffle
from recommender.sound_words import SoundWords


def _play(store: Store, track_id: int, outcome: PlayOutcome, *, learn: bool = True) -> None:
    started = time.time() - 3 * 86_400.0
    with store.db.transaction():
        pid = store.plays.start(track_id, duration=200.0, source=PlaySource.USER,
                                started_at=started)
        store.plays.finish(pid, listened=10.0, outcome=outcome, ended_at=started + 10.0)
        if not learn:
            store.plays.set_learn(pid, False)


def test_region_count_grows_with_the_library_up_to_a_readable_list() -> None:
    assert [region_count(n) for n in (0, 1, 2, 9, 300, 100_000)] == \
        [0, 1, 1, 2, 10, MAX_REGIONS]


def test_regions_follow_well_separated_styles_and_are_numbered_by_size() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 12)) * 10
    sizes = [40, 25, 60, 10]
    points = np.vstack([c + rng.normal(size=(n, 12)) for c, n in zip(centres, sizes,
                                                                      strict=True)])
    truth = np.repeat(np.arange(4), sizes)
    labels = find_regions(points, 4)
    for style in range(4):
        assert len(set(labels[truth == style])) == 1
    assert [int((labels == r).sum()) for r in range(4)] == sorted(sizes, reverse=True)
    # past the Ward limit, k-means micro-clusters joined by Ward find them too
    many = np.vstack([c + rng.normal(size=(1500, 12)) for c in centres])
    labels = find_regions(many, 4)
    assert all(len(set(labels[i * 1500:(i + 1) * 1500])) == 1 for i in range(4))


def test_profile_covers_every_analysed_track_and_its_evidence_matches_the_store(
        store: Store) -> None:
    lib = build_library(store, styles=5, artists_per_style=3, tracks_per_artist=6)
    some = lib.tracks_of(0)[:7] + lib.tracks_of(3)[:7]
    edits.rate(store, some[:3], 5)
    edits.rate(store, some[3:5], 1)
    edits.rate(store, some[5:6], 3)
    for tid in some[6:9]:
        _play(store, tid, PlayOutcome.COMPLETED)
    for tid in some[9:11]:
        _play(store, tid, PlayOutcome.SKIPPED)
    _play(store, some[11], PlayOutcome.SKIPPED, learn=False)  # not a judgement
    edits.record_removals(store, [some[12]])
    snapshot = AutoShuffle.over(store).snapshot
    assert snapshot is not None
    profile = build_profile(snapshot, store.tracks.names(), SoundWords.from_store(store))
    members = [t for r in profile.regions for t in r.track_ids]
    assert sorted(members) == sorted(lib.style_of)
    total = Evidence()
    for region in profile.regions:
        e = region.evidence
        total = Evidence({s: total.rated.get(s, 0) + e.rated.get(s, 0) for s in range(1, 6)},
                         total.completed + e.completed, total.skipped + e.skipped,
                         total.removed + e.removed)
        assert e.liked == e.rated.get(4, 0) + e.rated.get(5, 0) + e.completed
    assert (total.rated[5], total.rated[1], total.rated[3]) == (3, 2, 1)
    assert (total.completed, total.skipped, total.removed) == (3, 2, 1)
    # each style is one region here, named after its genre and artists
    for style in (0, 3):
        region = profile.region(profile.region_of[lib.tracks_of(style)[0]])
        assert set(region.track_ids) == set(lib.tracks_of(style))
        assert f"Style{style}".casefold() in region.name.casefold()
        assert region.judged and all(t.evidence for t in region.judged)
    liked = profile.region(profile.region_of[some[0]])
    assert liked.preference > 0


def test_forgotten_evidence_is_counted_apart(store: Store) -> None:
    lib = build_library(store, styles=4, artists_per_style=3, tracks_per_artist=5)
    region = lib.tracks_of(2)
    edits.rate(store, region[:2], 5)
    _play(store, region[2], PlayOutcome.SKIPPED)
    edits.steer(store, "forget", region, "Style 2")
    snapshot = AutoShuffle.over(store).snapshot
    assert snapshot is not None
    profile = build_profile(snapshot, store.tracks.names())
    found = profile.region(profile.region_of[region[0]])
    assert (found.evidence.liked, found.evidence.disliked, found.evidence.forgotten) == (0, 0, 3)
    assert "3 forgotten" in evidence_text(found.evidence)


def test_names_and_evidence_read_as_sentences() -> None:
    assert region_name(("slow", "dark"), ("ambient",), ("Sigrid Vale", "Alpha Lake")) == \
        "Slow, dark — Ambient · Sigrid Vale, Alpha Lake"
    assert region_name((), (), ()) == "Mixed"
    text = evidence_text(Evidence({5: 2, 1: 1}, completed=3, skipped=1))
    assert text == ("liked 5 (rated ★★★★★ twice, played to the end 3 times) · "
                    "disliked 2 (rated ★ once, skipped once)")
    assert evidence_text(Evidence()) == "no judgements yet"


def test_sound_words_say_how_a_group_differs_from_the_library() -> None:
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(200, LAYOUT[-1].stop)).astype(np.float32)
    column = {label: g.start + i for g in LAYOUT for i, label in enumerate(g.labels)}
    ids = np.arange(1, 201)
    matrix[:20, column["tempo"]] -= 6.0  # twenty slow tracks
    matrix[:20, column["centroid_mean"]] -= 2.0  # and dark
    words = SoundWords.of(ids, matrix, LAYOUT)
    said = words.describe(range(1, 21))
    assert said[:2] == ("slow", "dark")
    assert words.describe(range(100, 200)) == ()  # the middle of the library says nothing
    assert words.describe([999]) == ()
