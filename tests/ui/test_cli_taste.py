"""`riffle next|rate|history`: the auto-shuffle and the taste on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import riffle
from taste_factory import SyntheticLibrary, build_library

from player.models import PlayOutcome
from player.store import Store
from ui.cli.app import build_parser


@pytest.fixture
def library(db_path: Path) -> SyntheticLibrary:
    store = Store.open(db_path)
    try:
        return build_library(store, styles=5, artists_per_style=3, tracks_per_artist=6)
    finally:
        store.close()


def test_next_json_is_repeatable_with_a_seed_and_has_reasons(db_path: Path,
                                                             library: SyntheticLibrary) -> None:
    code, out, _ = riffle(db_path, "next", "-n", "8", "--seed", "5", "--json")
    picks = json.loads(out)
    assert code == 0 and len(picks) == 8
    assert set(picks[0]) == {"id", "path", "title", "artist", "reason"}
    assert all(p["reason"] and p["artist"].startswith("Artist ") for p in picks)
    assert json.loads(riffle(db_path, "next", "-n", "8", "--seed", "5", "--json")[1]) == picks
    assert json.loads(riffle(db_path, "next", "-n", "8", "--seed", "6", "--json")[1]) != picks


def test_rate_changes_what_next_picks_and_why(db_path: Path, library: SyntheticLibrary) -> None:
    liked = library.tracks_of(3)[:2]
    for tid in liked:
        code, out, _ = riffle(db_path, "rate", str(tid), "5")
        assert code == 0 and out.endswith(": ★★★★★\n")
    picks = json.loads(riffle(db_path, "next", "-n", "10", "--seed", "1", "--json")[1])
    styles = [library.style_of[p["id"]] for p in picks]
    assert styles.count(3) >= 4
    assert any(p["reason"].startswith("because you rated ★★★★★") for p in picks)
    code, out, _ = riffle(db_path, "rate", str(liked[0]), "0")
    assert (code, out.endswith(": no rating\n")) == (0, True)
    store = Store.open(db_path)
    try:
        assert store.ratings.get(liked[0]) is None
        assert store.ratings.get(liked[1]) == 5
    finally:
        store.close()


def test_next_after_a_one_star_track_moves_away_from_it(db_path: Path,
                                                        library: SyntheticLibrary) -> None:
    hated = library.tracks_of(1)[0]
    riffle(db_path, "rate", str(hated), "1")
    for seed in range(8):
        out = riffle(db_path, "next", "-n", "1", "--after", str(hated), "--seed", str(seed),
                     "--json")[1]
        assert library.style_of[json.loads(out)[0]["id"]] != 1


def test_rate_unknown_track_and_bad_stars_are_clear_errors(db_path: Path,
                                                           library: SyntheticLibrary) -> None:
    code, _, err = riffle(db_path, "rate", "/nowhere/song.mp3", "4")
    assert code == 1 and "No track matches '/nowhere/song.mp3'" in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["rate", "1", "7"])


def test_history_import_reports_bad_lines_and_export_round_trips(
        db_path: Path, library: SyntheticLibrary, tmp_path: Path) -> None:
    first, second = library.tracks_of(0)[:2]
    lines = "\n".join([
        json.dumps({"track": first, "started_at": "2025-01-02T10:00:00+01:00", "listened": 181,
                    "outcome": "completed"}),
        "{broken",
        json.dumps({"track": second, "started_at": 1735800000, "listened": 3,
                    "outcome": "skipped"}),
    ])
    source = tmp_path / "plays.jsonl"
    source.write_text(lines + "\n", encoding="utf-8")
    code, out, err = riffle(db_path, "history", "import", str(source))
    assert code == 1
    assert out == "imported 2 plays, 0 already there, 1 lines with problems\n"
    assert err.startswith(f"{source}:2: not JSON")
    code, out, _ = riffle(db_path, "history", "import", "-", stdin=lines)
    assert out.startswith("imported 0 plays, 2 already there")
    code, out, _ = riffle(db_path, "history", "export")
    exported = [json.loads(line) for line in out.splitlines()]
    # oldest first: 1735800000 is 06:40 UTC, before 10:00+01:00
    assert [(e["outcome"], e["listened"]) for e in exported] == [("skipped", 3),
                                                                 ("completed", 181)]
    store = Store.open(db_path)
    try:
        assert store.plays.for_track(second)[0].outcome is PlayOutcome.SKIPPED
        assert store.tracks.get(first).play_count == 1
    finally:
        store.close()


def _play_line(track: int) -> str:
    return json.dumps({"track": track, "started_at": 1735800000, "listened": 3,
                       "outcome": "skipped"})


def test_history_export_refuses_the_library_database_itself(
        db_path: Path, library: SyntheticLibrary) -> None:
    riffle(db_path, "history", "import", "-", stdin=_play_line(library.tracks_of(0)[0]))
    before = db_path.read_bytes()
    for target in (db_path, db_path.parent / "." / db_path.name):
        code, out, err = riffle(db_path, "history", "export", str(target), "--force")
        assert code == 1 and out == ""
        assert err.strip() == (f"riffle: {target} is the library database itself; "
                               "export to another file.")
    assert db_path.read_bytes() == before
    store = Store.open(db_path)
    try:
        assert len(store.plays.all()) == 1 and store.tracks.count() == 90
    finally:
        store.close()


def test_history_export_keeps_an_existing_file_unless_forced(
        db_path: Path, library: SyntheticLibrary, tmp_path: Path) -> None:
    riffle(db_path, "history", "import", "-", stdin=_play_line(library.tracks_of(0)[0]))
    target = tmp_path / "plays.jsonl"
    target.write_text("precious\n")
    code, _, err = riffle(db_path, "history", "export", str(target))
    assert code == 1 and "already exists" in err and "--force" in err
    assert target.read_text() == "precious\n"
    code, _, err = riffle(db_path, "history", "export", str(target), "--force")
    assert code == 0 and err == f"exported 1 plays to {target}\n"
    assert json.loads(target.read_text())["outcome"] == "skipped"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("plays")) == [
        "plays.jsonl"]  # no temporary file left beside it


def test_a_failed_export_leaves_the_old_file_as_it_was(
        db_path: Path, library: SyntheticLibrary, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import player.history_io as history_io
    from player.errors import StoreError

    def broken(store):  # the database fails half way through
        yield "{}"
        raise StoreError("The library database failed to read: disk I/O error")

    monkeypatch.setattr(history_io, "export_history", broken)
    target = tmp_path / "plays.jsonl"
    target.write_text("precious\n")
    code, _, err = riffle(db_path, "history", "export", str(target), "--force")
    assert code == 1 and "disk I/O error" in err
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("plays")] == ["plays.jsonl"]
