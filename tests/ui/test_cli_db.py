"""`riffle db check|backup|restore|backups`: looking after the library database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_runner import riffle

from player.models import Track
from player.store import Store


@pytest.fixture
def library(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = Store.open(db_path)
    try:
        with store.db.transaction():
            for name in ("a", "b", "c"):
                store.tracks.upsert(Track(path=f"/m/{name}.ogg", title=name.upper()))
    finally:
        store.close()
    return db_path


def test_check_says_ok_or_lists_the_problems(library: Path) -> None:
    assert riffle(library, "db", "check") == (0, f"{library}: ok\n", "")
    conn = sqlite3.connect(library)
    conn.execute("UPDATE tracks SET genres = 'rock' WHERE id = 2")
    conn.commit()
    conn.close()
    code, out, err = riffle(library, "db", "check")
    assert code == 1
    assert out == f"{library}: track 2: genres is not a list of names\n"
    assert err == "riffle db check: 1 problem; riffle db restore puts the latest backup back\n"


def test_backup_then_restore_the_latest_keeping_what_it_replaces(library: Path,
                                                                 tmp_path: Path) -> None:
    code, out, _ = riffle(library, "db", "backup")
    assert code == 0 and out.startswith(f"backed up to {tmp_path / 'data'}")
    made = Path(out.strip().removeprefix("backed up to "))
    assert riffle(library, "db", "backups")[1] == f"{made}\n"
    riffle(library, "rate", "1", "5")  # after the backup
    code, out, err = riffle(library, "db", "restore")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"restored {library} from {made}"
    kept = Path(lines[1].removeprefix("the database it replaced is kept as "))
    assert kept.exists() and kept.parent == library.parent
    assert riffle(library, "list")[1].count("★★★★★") == 0  # the rating came after
    store = Store.open(kept)
    try:
        assert store.ratings.get(1) == 5  # and is kept in the replaced file
    finally:
        store.close()


def test_restore_refuses_while_riffle_runs_and_names_no_backup_it_lacks(
        library: Path, tmp_path: Path) -> None:
    code, _, err = riffle(library, "db", "restore")
    assert code == 1 and err == f"riffle: There is no backup of {library} yet.\n"
    made = tmp_path / "mine.sqlite3"
    assert riffle(library, "db", "backup", str(made))[0] == 0
    code, _, err = riffle(library, "db", "backup", str(made))
    assert code == 1 and "already exists" in err
    code, _, err = riffle(library, "db", "backup", str(library), "--force")
    assert code == 1 and "the library database itself" in err
    running = Store.open(library)  # the window, say
    try:
        before = library.read_bytes()
        code, _, err = riffle(library, "db", "restore", str(made))
        assert code == 1 and "Riffle is running on the library" in err
        assert library.read_bytes() == before
    finally:
        running.close()


def test_a_damaged_library_names_its_latest_backup(library: Path) -> None:
    code, out, _ = riffle(library, "db", "backup")
    made = out.strip().removeprefix("backed up to ")
    library.write_bytes(b"\x00not any more" * 1000)
    code, out, err = riffle(library, "list")
    assert code == 1 and out == ""
    assert err.startswith("riffle: ") and err.endswith(f" The latest backup: {made}\n")
    assert "riffle db restore" in err and err.count("\n") == 1
