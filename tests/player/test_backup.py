"""player/store/backup.py: daily online backups, checks, and restores that lose nothing."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from player.errors import DatabaseLockedError, NotARiffleDatabaseError, StoreError
from player.models import Track
from player.store import Store
from player.store import backup as backups

DAY = 24 * 3600.0
NOW = time.mktime((2025, 3, 10, 12, 0, 0, 0, 0, -1))


def _fill(store: Store, count: int, start: int = 0) -> None:
    with store.db.transaction():
        for i in range(start, start + count):
            tid = store.tracks.upsert(Track(path=f"/m/{i}.flac", title=f"T{i}", duration=9.0))
            store.ratings.set(tid, 1 + i % 5)


def _tracks_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM tracks").fetchone()[0]
    finally:
        conn.close()


def test_one_backup_a_day_and_the_last_seven_kept(store: Store, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _fill(store, 3)
    made = [backups.daily_backup(store.db, data_dir=data, now=NOW + d * DAY)
            for d in range(10)]
    assert all(m is not None for m in made)
    assert backups.daily_backup(store.db, data_dir=data, now=NOW + 9 * DAY + 60) is None
    kept = sorted(p.name for p in backups.backup_folder(store.path, data).iterdir())
    assert kept == [f"daily-2025-03-{day:02d}.sqlite3" for day in range(13, 20)]
    assert backups.latest_backup(store.path, data) == made[-1]
    assert _tracks_in(made[-1]) == 3
    assert backups.backup_folder(store.path, data).parent == data / "backups"


def test_a_backup_is_a_consistent_standalone_copy_taken_while_others_write(
        store: Store, db_path: Path, tmp_path: Path) -> None:
    _fill(store, 200)
    other = Store.open(db_path)
    try:
        with other.db.transaction():  # another connection is half way through a write
            other.tracks.upsert(Track(path="/m/new.flac", title="New"))
            made = backups.backup_to(store.db, tmp_path / "copy.sqlite3")
    finally:
        other.close()
    assert _tracks_in(made) == 200  # the write had not committed: it is not in the copy
    assert not Path(f"{made}-wal").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy")] == []


def test_a_damaged_database_never_pushes_a_good_backup_out(store: Store, db_path: Path,
                                                           tmp_path: Path) -> None:
    data = tmp_path / "data"
    _fill(store, 300)
    good = backups.daily_backup(store.db, data_dir=data, now=NOW)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db_path.read_bytes())
    page = 4096
    raw[3 * page:6 * page] = b"\xa5" * (3 * page)  # scribble over a few pages
    db_path.write_bytes(bytes(raw))
    damaged = Store.open(db_path)
    try:
        with pytest.raises(StoreError):
            backups.daily_backup(damaged.db, data_dir=data, now=NOW + DAY)
    finally:
        damaged.close()
    assert backups.backups(store.path, data) == [good]


def test_restore_keeps_the_replaced_database_and_brings_the_backup_back(
        db_path: Path, tmp_path: Path) -> None:
    store = Store.open(db_path)
    _fill(store, 5)
    made = backups.backup_to(store.db, tmp_path / "saved.sqlite3")
    _fill(store, 7, start=5)  # what happened after the backup
    store.close()
    before = db_path.read_bytes()
    kept = backups.restore(db_path, made, now=NOW)
    assert kept.name == "library.sqlite3.replaced-20250310-120000"
    assert kept.read_bytes() == before
    restored = Store.open(db_path)
    try:
        assert restored.tracks.count() == 5
        assert restored.db.integrity_check() == "ok"
    finally:
        restored.close()
    assert _tracks_in(kept) == 12


def test_restore_refuses_while_riffle_has_the_library_open(db_path: Path,
                                                           tmp_path: Path) -> None:
    store = Store.open(db_path)
    _fill(store, 2)
    made = backups.backup_to(store.db, tmp_path / "saved.sqlite3")
    try:
        before = db_path.read_bytes()
        with pytest.raises(DatabaseLockedError, match="Riffle is running on the library"):
            backups.restore(db_path, made)
        assert db_path.read_bytes() == before
    finally:
        store.close()


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100, None])
def test_restore_refuses_what_is_no_sound_riffle_database(db_path: Path, tmp_path: Path,
                                                         content: bytes | None) -> None:
    Store.open(db_path).close()
    source = tmp_path / "bad.sqlite3"
    if content is None:  # an SQLite database of another program
        conn = sqlite3.connect(source)
        conn.execute("CREATE TABLE notes (text)")
        conn.commit()
        conn.close()
    else:
        source.write_bytes(content)
    before = db_path.read_bytes()
    with pytest.raises(NotARiffleDatabaseError):
        backups.restore(db_path, source)
    assert db_path.read_bytes() == before
    assert not list(tmp_path.glob("*.replaced-*"))


def test_check_names_integrity_schema_and_odd_values(store: Store, db_path: Path) -> None:
    _fill(store, 2)
    assert backups.check(store.db) == []
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE tracks SET artists = '{broken' WHERE id = 1")
    conn.execute("UPDATE tracks SET year = 'soon' WHERE id = 2")
    conn.execute("INSERT INTO settings VALUES ('playback.volume', '1e999x')")
    conn.execute("CREATE TRIGGER t AFTER INSERT ON plays BEGIN SELECT 1; END")
    conn.commit()
    conn.close()
    assert backups.check(store.db) == ["triggers Riffle never makes: t"]
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER t")
    conn.commit()
    conn.close()
    assert backups.check(store.db) == [
        "track 1: artists is not a list of names",
        "track 2: a number column holds text or bytes",
        "setting playback.volume: '1e999x' is not a value",
    ]
