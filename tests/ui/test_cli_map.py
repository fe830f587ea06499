"""`riffle taste` and `riffle path`: the profile, its steering, and sonic paths."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from cli_runner import riffle
from taste_factory import SyntheticLibrary, build_library

from player.models import PlayOutcome, PlaySource
from player.store import Store


@pytest.fixture
def library(db_path: Path) -> SyntheticLibrary:
    store = Store.open(db_path)
    try:
        lib = build_library(store, styles=5, artists_per_style=3, tracks_per_artist=6)
        now = time.time()
        with store.db.transaction():
            for n, tid in enumerate(lib.tracks_of(1)[:4] + lib.tracks_of(4)[:3]):
                started = now - (10 - n) * 86_400.0
                outcome = PlayOutcome.COMPLETED if n % 2 else PlayOutcome.SKIPPED
                pid = store.plays.start(tid, duration=200.0, source=PlaySource.AUTO,
                                        started_at=started)
                store.plays.finish(pid, listened=200.0 if n % 2 else 5.0, outcome=outcome,
                                   ended_at=started + 200.0)
        return lib
    finally:
        store.close()


def _store_counts(db_path: Path) -> dict[str, int]:
    """The judgements as the store holds them, counted straight from its tables."""
    store = Store.open(db_path)
    try:
        ratings = Counter(stars for stars, _ in store.ratings.current().values())
        plays = Counter(p.outcome for p in store.plays.all() if p.learn)
        return {"liked": ratings[4] + ratings[5] + plays["completed"],
                "disliked": ratings[1] + ratings[2] + plays["skipped"]
                + len(store.removals.all())}
    finally:
        store.close()


def test_taste_json_lists_regions_whose_evidence_matches_the_store(
        db_path: Path, library: SyntheticLibrary) -> None:
    for tid, stars in ((library.tracks_of(1)[5], 5), (library.tracks_of(2)[0], 1),
                       (library.tracks_of(3)[0], 4)):
        riffle(db_path, "rate", str(tid), str(stars))
    code, out, _ = riffle(db_path, "taste", "--json")
    profile = json.loads(out)
    assert code == 0 and profile["analysed"] == len(library.style_of)
    regions = profile["regions"]
    assert [r["number"] for r in regions] == list(range(1, len(regions) + 1))
    assert sum(r["liked"] for r in regions) == _store_counts(db_path)["liked"] == 5
    assert sum(r["disliked"] for r in regions) == _store_counts(db_path)["disliked"] == 5
    for region in regions:
        e = region["evidence"]
        assert region["liked"] == e["rated"].get("4", 0) + e["rated"].get("5", 0) + \
            e["completed"]
        assert region["name"] and region["tracks"] >= 1
        assert all({"id", "title", "artist", "evidence", "preference"} <= set(t)
                   for t in region["judged"] + region["typical"])
    code, text, _ = riffle(db_path, "taste")
    assert code == 0 and "regions of 90 analysed tracks" in text
    assert "played to the end" in text and "skipped" in text


def test_taste_less_steers_the_next_picks(db_path: Path, library: SyntheticLibrary) -> None:
    regions = json.loads(riffle(db_path, "taste", "--json")[1])["regions"]
    target = regions[0]
    members = {t["id"] for t in target["typical"]}
    style = Counter(library.style_of[t] for t in members).most_common(1)[0][0]
    code, out, _ = riffle(db_path, "taste", "less", "1")
    assert code == 0 and out.startswith(f"Less of “{target['name']}” from now on")
    assert json.loads(riffle(db_path, "taste", "--json")[1])["regions"][0]["steer"] == "less"
    picks = json.loads(riffle(db_path, "next", "-n", "40", "--seed", "2", "--json")[1])
    share = sum(library.style_of[p["id"]] == style for p in picks) / len(picks)
    assert share < 0.08
    code, _, err = riffle(db_path, "taste", "more", "99")
    assert code == 1 and "There is no region 99" in err
    code, _, err = riffle(db_path, "taste", "less")
    assert code == 1 and "riffle taste less 3" in err


def test_path_json_moves_steadily_from_a_to_b(
        db_path: Path, library: SyntheticLibrary) -> None:
    a, b = library.tracks_of(0)[0], library.tracks_of(3)[0]
    code, out, _ = riffle(db_path, "path", str(a), str(b), "-n", "8", "--json")
    steps = json.loads(out)
    assert code == 0 and steps[0]["id"] == a and steps[-1]["id"] == b
    assert set(steps[0]) == {"id", "path", "title", "artist", "to_end", "step"}
    to_end = [s["to_end"] for s in steps]
    assert to_end == sorted(to_end, reverse=True) and len(set(to_end)) == len(to_end)
    code, text, _ = riffle(db_path, "path", str(a), str(b), "-n", "8")
    assert code == 0 and text.splitlines()[0].startswith("  1. Artist 0.")
    code, _, err = riffle(db_path, "path", str(a), str(a))
    assert code == 1 and "two different tracks" in err
    code, _, err = riffle(db_path, "path", str(a), str(b), "-n", "1")
    assert code == 1 and "-n takes" in err
