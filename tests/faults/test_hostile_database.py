"""A library database that was tampered with, damaged, full, read-only, locked or newer:
every command answers with one clear line (or works around the bad rows), never a
traceback, and a file Riffle cannot use is left exactly as it was."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
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


# -- surroundings: a full disk, a read-only file, a lock, a newer Riffle ----------------------


def test_a_newer_riffles_database_is_refused_untouched(tmp_path: Path) -> None:
    from player.store.migrations import LATEST_VERSION

    db = tmp_path / "library.sqlite3"
    good_library(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = db.read_bytes()
    for argv in (["list"], ["rate", "1", "3"]):
        result = run_riffle(db, *argv)
        _one_clear_line(result, may_succeed=False)
        assert "newer Riffle" in result.err
    assert db.read_bytes() == before


def test_a_locked_database_makes_a_writer_give_up_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    good_library(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for a long while
    holder.execute("INSERT INTO settings VALUES ('held', '1')")
    try:
        result = run_riffle(db, "rate", "1", "3")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    _one_clear_line(result, may_succeed=False)
    assert "locked by another program" in result.err
    assert rows_of(db, "SELECT count(*) FROM ratings") == [(1,)]


def test_a_read_only_database_gives_one_line_and_stays_as_it_was(world_folder: Path) -> None:
    from unprivileged import as_unprivileged, hand_over

    db = world_folder / "library.sqlite3"
    good_library(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    hand_over(world_folder)
    db.chmod(0o444)
    before = db.read_bytes()
    answer = as_unprivileged("riffle", str(db), ["rate", "1", "3"], cwd=world_folder)
    assert "Traceback" not in answer["err"] and answer["code"] == 1
    (line,) = [line for line in answer["err"].splitlines() if line.strip()]
    assert line.startswith("riffle: ") and "cannot be written" in line
    assert db.read_bytes() == before


def test_a_full_disk_gives_one_line_and_loses_nothing(tmp_path: Path) -> None:
    """On a small file system filled to the brim: riffle fails with one line and, once
    space is free again, every play is there and the file is sound."""
    from unprivileged import running_as_root

    if not running_as_root():
        pytest.skip("mounting a small file system to fill needs root (CI runs as root); "
                    "test_a_disk_full_error_is_explained covers the message")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=True)
    try:
        db = disk / "library.sqlite3"
        good_library(db)
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as out, contextlib.suppress(OSError):
            while True:  # fill the disk to the last block
                out.write(b"\0" * 4096)
        before = db.read_bytes()
        lines = "".join(json.dumps({"track": 1 + i % 2, "started_at": 10_000 + 60 * i,
                                    "listened": 30, "outcome": "completed"}) + "\n"
                        for i in range(5000))
        result = run_riffle(db, "history", "import", "-", stdin=lines)
        _one_clear_line(result, may_succeed=False)
        assert "is full" in result.err
        assert db.read_bytes() == before
        filler.unlink()  # space again: nothing was lost, and the import goes through
        assert run_riffle(db, "history", "import", "-", stdin=lines).code == 0
        assert rows_of(db, "PRAGMA integrity_check") == [("ok",)]
        assert rows_of(db, "SELECT count(*) FROM plays") == [(5001,)]
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_disk_full_error_is_explained(tmp_path: Path) -> None:
    """SQLite's 'database or disk is full', made here by capping the file's size."""
    from player.errors import DiskFullError

    db = tmp_path / "library.sqlite3"
    good_library(db)
    store = Store.open(db)
    try:
        pages = store.db.scalar("PRAGMA page_count")
        store.db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(DiskFullError, match="is full; nothing was changed"), \
                store.db.transaction():
            for i in range(2000):
                store.settings.set(f"filler.{i}", "x" * 500)
        assert store.settings.get("filler.0") is None
    finally:
        store.close()


def rows_of(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
