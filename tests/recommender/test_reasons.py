"""Every reason the auto-shuffle gives is a true sentence about what is in the store."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest
from cli_runner import riffle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taste_factory import build_library

from player.models import PlayOutcome, PlaySource
from player.store import Store
from recommender.index import SoundIndex
from recommender.reasons import DAY, GROUP_WORDS, NEW_DAYS

_SIMILAR = r"(?: — similar (?P<words>.+))?"
RATED = re.compile(rf"^because you rated (?P<stars>★+) '(?P<title>.+?)'{_SIMILAR}$")
PLAYED = re.compile(rf"^like '(?P<title>.+?)', which you play to the end{_SIMILAR}$")
FLOWS = re.compile(rf"^flows on from '(?P<title>.+?)'{_SIMILAR}$")
OWN_RATED = re.compile(r"^you rated it (?P<stars>★+)$")
NOT_FOR = re.compile(r"^not played for (?P<n>\d+) (?P<unit>days?|months|years?)$")
GENERIC = {"something different", "shuffled in from your library"}


class Facts:
    """What the store says of each track, to hold every reason against."""

    def __init__(self, store: Store, now: float) -> None:
        self.now = now
        self.by_title = {t.display_title: t for t in store.tracks.all()}
        assert len(self.by_title) == store.tracks.count(), "titles must be unique here"
        self.index = SoundIndex.from_store(store)
        self.outcomes: dict[int, Counter[str]] = {}
        self.last: dict[int, float] = {}
        for play in store.plays.all():
            self.outcomes.setdefault(play.track_id, Counter())[str(play.outcome)] += 1
            if play.outcome is not PlayOutcome.ERROR:
                self.last[play.track_id] = max(self.last.get(play.track_id, 0.0),
                                               play.started_at)

    def plays_to_the_end(self, track_id: int) -> bool:
        counts = self.outcomes.get(track_id, Counter())
        return counts["completed"] > 0 and counts["skipped"] <= counts["completed"]

    def shares(self, words: str | None, a: int, b: int) -> bool:
        """The 'similar …' words name groups in which the two tracks really agree."""
        if not words:
            return True
        said = set(words.split(" and "))
        agreeing = {GROUP_WORDS.get(g, g) for g in self.index.agreeing_groups(a, b)}
        return said <= agreeing


def check(reason: str, pick: dict[str, object], before: int | None, facts: Facts,
          store: Store) -> None:
    """Fail unless *reason*, given for *pick* after track *before*, is true now."""
    track = facts.by_title[str(pick["title"])]
    assert track.id == pick["id"]
    if reason in GENERIC:
        return
    if m := RATED.match(reason):
        backer = facts.by_title[m["title"]]
        assert store.ratings.get(backer.id) == len(m["stars"]), reason  # type: ignore[arg-type]
        assert facts.shares(m["words"], track.id, backer.id), reason  # type: ignore[arg-type]
    elif m := PLAYED.match(reason):
        backer = facts.by_title[m["title"]]
        assert facts.plays_to_the_end(backer.id), reason  # type: ignore[arg-type]
        assert facts.shares(m["words"], track.id, backer.id), reason  # type: ignore[arg-type]
    elif m := OWN_RATED.match(reason):
        assert store.ratings.get(track.id) == len(m["stars"]), reason  # type: ignore[arg-type]
    elif reason == "one you usually play to the end":
        assert facts.plays_to_the_end(track.id), reason  # type: ignore[arg-type]
    elif m := FLOWS.match(reason):
        anchor = facts.by_title[m["title"]]
        assert anchor.id == before, reason
        assert facts.shares(m["words"], track.id, anchor.id), reason  # type: ignore[arg-type]
    elif reason == "played today":
        assert facts.now - facts.last[track.id] < DAY, reason  # type: ignore[index]
    elif reason in ("new in your library", "never played yet"):
        assert track.id not in facts.last, reason
        if reason == "new in your library":
            assert facts.now - (track.added_at or 0) < NEW_DAYS * DAY, reason
    elif m := NOT_FOR.match(reason):
        days = (facts.now - facts.last[track.id]) / DAY  # type: ignore[index]
        unit = {"day": 1, "days": 1, "months": 30, "year": 365, "years": 365}[m["unit"]]
        assert int(m["n"]) * unit <= days + 1, reason
    else:
        pytest.fail(f"a reason no rule explains: {reason!r}")


JUDGEMENTS = st.lists(st.tuples(
    st.integers(0, 59),  # which track
    st.sampled_from(["rate", "completed", "skipped", "stopped", "error"]),
    st.integers(0, 5),  # stars, for a rating
    st.floats(0.0, 400.0),  # days ago
), max_size=60)


@given(judgements=JUDGEMENTS, seed=st.integers(0, 10_000), added=st.sampled_from([5, 400]))
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_reason_of_next_is_true_in_the_store(
        tmp_path_factory: pytest.TempPathFactory,
        judgements: list[tuple[int, str, int, float]], seed: int, added: int) -> None:
    db = Path(tmp_path_factory.mktemp("reasons")) / "lib.sqlite3"
    store = Store.open(db)
    try:
        lib = build_library(store, styles=4, artists_per_style=3, tracks_per_artist=5,
                            seed=seed % 7, added_days_ago=added)
        ids = sorted(lib.style_of)
        now = time.time()
        with store.db.transaction():
            for which, kind, stars, days in judgements:
                track, at = ids[which], now - days * DAY
                if kind == "rate":
                    store.ratings.set(track, stars, now=at)
                    continue
                play = store.plays.start(track, duration=200.0, source=PlaySource.AUTO,
                                         started_at=at)
                store.plays.finish(play, listened=10.0 if kind == "skipped" else 200.0,
                                   outcome=PlayOutcome(kind), ended_at=at + 200)
        facts = Facts(store, now)
        after = ids[seed % len(ids)]
        status, out, err = riffle(db, "next", "-n", "50", "--json", "--seed", str(seed),
                                  "--after", str(after))
        assert status == 0, err
        before: int | None = after
        for pick in json.loads(out):
            check(str(pick["reason"]), pick, before, facts, store)
            before = int(pick["id"])  # type: ignore[call-overload]
    finally:
        store.close()


def test_a_track_liked_only_by_its_disliked_neighbours_is_never_said_to_be_liked(
        store: Store) -> None:
    """Neighbours rated one star push a prediction down; none of them may be cited."""
    lib = build_library(store, styles=3, artists_per_style=3, tracks_per_artist=6)
    hated = lib.tracks_of(0)[:6]
    with store.db.transaction():
        for track in hated:
            store.ratings.set(track, 1)
    status, out, _err = riffle(store.path, "next", "-n", "40", "--json", "--seed", "3")
    assert status == 0
    titles = {store.tracks.get(t).display_title for t in hated}
    for pick in json.loads(out):
        assert not any(f"'{title}'" in str(pick["reason"]) for title in titles), pick


def test_old_skips_still_count_against_playing_to_the_end(store: Store) -> None:
    """Faded skips no longer weigh much in the taste, but a track skipped twice and played
    through once is not one the listener 'plays to the end'."""
    lib = build_library(store, styles=3, artists_per_style=3, tracks_per_artist=6)
    liked = lib.tracks_of(1)[0]
    now = time.time()
    with store.db.transaction():
        for days, outcome in ((350, PlayOutcome.SKIPPED), (340, PlayOutcome.SKIPPED),
                              (1, PlayOutcome.COMPLETED)):
            play = store.plays.start(liked, duration=200.0, source=PlaySource.AUTO,
                                     started_at=now - days * DAY)
            store.plays.finish(play, listened=200.0, outcome=outcome)
    title = store.tracks.get(liked).display_title
    for seed in range(4):
        status, out, _err = riffle(store.path, "next", "-n", "30", "--json", "--seed",
                                   str(seed))
        assert status == 0
        assert not any(f"like '{title}'" in str(p["reason"]) for p in json.loads(out))
