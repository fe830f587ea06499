"""A library database that was tampered with, damaged, full, read-only, locked or newer:
every command answers with one clear line (or works around the bad rows), never a
traceback, and a file Riffle cannot use is left exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_db import Result, good_library, run_riffle, tamper

from player.store import Store

PLAY_LINE = json.dumps({"track": 1, "started_at": 5000, "listened": 3, "outcome": "skipped"})

#: case → the commands that reach the tampered part, and whether each may still succeed.
COMMANDS: dict[str, list[tuple[list[str], bool]]] = {
    "version": [(["list"], False), (["rate", "1", "3"], False)],
    "trigger": [(["rate", "1", "3"], False), (["history", "import", "-"], False)],
    "json": [(["list"], True), (["next", "-n", "2"], True), (["similar", "1"], False)],
    "listened": [(["history", "export"], True), (["next", "-n", "2"], True)],
    "outcome": [(["history", "export"], True), (["next", "-n", "2"], True)],
    "setting": [(["next", "-n", "2"], True)],
}


def _one_clear_line(result: Result, may_succeed: bool) -> None:
    """No traceback; at most one line about the database, and besides it at most the
    command's own answer (such as "not analysed yet")."""
    assert "Traceback" not in result.err, result.err
    about_db = [line for line in result.err_lines if "database" in line]
    assert len(about_db) <= 1 and len(result.err_lines) <= 2, result.err
    assert all(len(line) < 500 for line in result.err_lines), result.err
    if not may_succeed or result.code:
        assert result.code == 1, result
        assert result.err_lines[-1].startswith("riffle")


@pytest.mark.parametrize("case", list(COMMANDS))
def test_a_tampered_database_gives_one_clear_line(tmp_path: Path, case: str) -> None:
    db = tmp_path / "library.sqlite3"
    good_library(db)
    tamper(db, case)
    for argv, may_succeed in COMMANDS[case]:
        before = db.read_bytes()
        result = run_riffle(db, *argv, stdin=PLAY_LINE + "\n")
        _one_clear_line(result, may_succeed)
        if result.code:
            assert db.read_bytes() == before, argv  # refused: the file is untouched


def test_a_schema_version_set_back_names_the_problem(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    good_library(db)
    tamper(db, "version")
    result = run_riffle(db, "list")
    assert "schema" in result.err and "removals" in result.err


def test_a_refusing_trigger_is_reported_and_nothing_is_half_written(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    good_library(db)
    tamper(db, "trigger")
    result = run_riffle(db, "rate", "1", "3")
    assert "no ratings today" in result.err
    store = Store.open(db)
    try:
        assert store.ratings.get(1) is None and store.ratings.get(2) == 4
    finally:
        store.close()


def test_bad_rows_are_read_as_well_as_they_can_be(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    good_library(db)
    for case in ("json", "columns", "listened", "outcome"):
        tamper(db, case)
    result = run_riffle(db, "list", "--json")
    tracks = {t["id"]: t for t in json.loads(result.out)}
    assert tracks[1]["artist"] == "Xenia" and tracks[1]["artists"] == ["Xenia"]
    assert tracks[1]["genres"] == ["Pop"]
    assert tracks[2]["albumartist"] == "Yusuf"
    assert (tracks[2]["title"], tracks[2]["duration"], tracks[2]["year"]) == ("A\ufffd", None,
                                                                              None)
    (play,) = [json.loads(line) for line in run_riffle(db, "history", "export").out.splitlines()]
    assert (play["listened"], play["outcome"], play["source"]) == (0, "stopped", "user")


def test_settings_that_are_no_numbers_fall_back_to_their_defaults(tmp_path: Path) -> None:
    from player.settings import AUTO_AHEAD, DISCOVER, RECENT_HOURS, VOLUME, Settings

    db = tmp_path / "library.sqlite3"
    good_library(db)
    tamper(db, "setting")
    store = Store.open(db)
    try:
        settings = Settings(store.settings)
        assert [settings.get(s) for s in (VOLUME, DISCOVER, AUTO_AHEAD, RECENT_HOURS)] == [
            VOLUME.default, DISCOVER.default, AUTO_AHEAD.default, RECENT_HOURS.default]
    finally:
        store.close()
