"""player/store: opening, pragmas, transactions, and the clear errors for bad databases."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from unprivileged import as_unprivileged, hand_over

from player.errors import DatabaseLockedError, NotARiffleDatabaseError, RiffleError
from player.models import PlayOutcome, PlaySource, Track
from player.store import Database, Store
from player.store.migrations import APPLICATION_ID, LATEST_VERSION


def test_new_database_is_wal_with_foreign_keys_and_latest_schema(store: Store) -> None:
    db = store.db
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA application_id") == APPLICATION_ID
    assert db.schema_version == LATEST_VERSION
    tables = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"tracks", "features", "plays", "ratings", "roots", "settings"} <= tables


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.db.transaction():
        store.roots.add("/music/a")
        with store.db.transaction():  # nested joins the outer one
            store.roots.add("/music/b")
        raise RuntimeError("boom")
    assert store.roots.list() == []


def test_track_round_trip_keeps_multi_values_and_stats(store: Store) -> None:
    track = Track(path="/m/a.flac", title="Song", artists=("A", "B"), genres=("Rock", "Pop"),
                  year=2004, track_number=3, track_total=12, duration=181.5, mtime_ns=5, size=10)
    with store.db.transaction():
        tid = store.tracks.upsert(track)
        store.ratings.set(tid, 4)
        pid = store.plays.start(tid, duration=181.5, source=PlaySource.AUTO, started_at=100.0)
        store.plays.finish(pid, listened=10.0, outcome=PlayOutcome.SKIPPED, ended_at=110.0)
    got = store.tracks.get(tid)
    assert got.artists == ("A", "B") and got.artist == "A / B"
    assert got.genres == ("Rock", "Pop")
    assert (got.year, got.track_number, got.track_total) == (2004, 3, 12)
    assert (got.rating, got.play_count, got.skip_count, got.last_played) == (4, 0, 1, 100.0)
    assert store.tracks.resolve(str(tid)).path == "/m/a.flac"
    assert store.tracks.resolve("/m/a.flac").id == tid


def test_rating_zero_clears_and_history_is_kept(store: Store) -> None:
    with store.db.transaction():
        tid = store.tracks.upsert(Track(path="/m/x.mp3"))
        store.ratings.set(tid, 5, now=1.0)
        store.ratings.set(tid, 0, now=2.0)
    assert store.ratings.get(tid) is None
    assert [c.stars for c in store.ratings.history(tid)] == [5, 0]


def test_a_file_of_another_program_is_refused_clearly(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotARiffleDatabaseError, match="another program"):
        Database(other)


def test_a_file_that_is_not_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is a shopping list, not a database\n" * 100)
    with pytest.raises(NotARiffleDatabaseError, match="not a Riffle library"):
        Database(junk)
    assert junk.read_bytes().startswith(b"this is a shopping list")  # nothing overwritten


def test_a_database_from_a_newer_riffle_is_refused(db_path: Path) -> None:
    Database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(NotARiffleDatabaseError, match="newer Riffle"):
        Database(db_path)


def test_a_locked_database_gives_a_clear_error(db_path: Path) -> None:
    holder = Database(db_path)
    other = Database(db_path, busy_timeout=0.2)
    with holder.transaction():
        holder.execute("INSERT INTO settings VALUES ('k', '1')")
        with pytest.raises(DatabaseLockedError, match="locked by another program"), \
                other.transaction():
            pass
    holder.close()
    other.close()


def test_a_read_only_database_gives_a_clear_error(world_folder: Path) -> None:
    db_path = world_folder / "library.sqlite3"
    Database(db_path).close()
    hand_over(world_folder)
    db_path.chmod(0o444)
    world_folder.chmod(0o555)
    try:
        reason = as_unprivileged("write_setting", str(db_path), cwd=world_folder)
    finally:
        world_folder.chmod(0o755)
        db_path.chmod(0o644)
    assert reason is not None and reason.startswith("ReadOnlyDatabaseError: ")
    assert "cannot be written" in reason


def test_a_play_error_lasts_only_while_the_file_is_the_same(store: Store) -> None:
    track = Track(path="/m/a.ogg", title="A", mtime_ns=1, size=100)
    with store.db.transaction():
        track_id = store.tracks.upsert(track)
        store.tracks.set_play_error(track_id, "no decoder")
        store.tracks.upsert(track)  # read again (--retry-errors), unchanged
    assert store.tracks.get(track_id).play_error == "no decoder"
    with store.db.transaction():
        store.tracks.move(track_id, Track(path="/m/b.ogg", title="A", mtime_ns=1, size=100))
    assert store.tracks.get(track_id).play_error == "no decoder"
    with store.db.transaction():
        store.tracks.upsert(Track(path="/m/b.ogg", title="A", mtime_ns=2, size=100))
    assert store.tracks.get(track_id).play_error is None
    with store.db.transaction():
        store.tracks.set_play_error(track_id, "no decoder")
        store.tracks.move(track_id, Track(path="/m/c.ogg", title="A", mtime_ns=2, size=90))
    assert store.tracks.get(track_id).play_error is None
    with store.db.transaction():
        store.tracks.set_play_error(track_id, "no decoder")
        store.tracks.record_error("/m/c.ogg", 3, 90, "damaged")
    assert store.tracks.get(track_id).play_error is None


def test_steering_keeps_each_steer_with_its_tracks(store: Store) -> None:
    ids = [store.tracks.upsert(Track(path=f"/m/{n}.flac", title=str(n))) for n in range(3)]
    assert store.steering.mark() == 0 and store.steering.all() == []
    first = store.steering.add("less", ids[:2], label="Loud", now=10.0)
    second = store.steering.add("forget", [ids[2], ids[2]], now=11.0)
    assert store.steering.mark() == second > first
    steers = store.steering.all()
    assert [(s.action, s.label, s.at, s.track_ids) for s in steers] == [
        ("less", "Loud", 10.0, frozenset(ids[:2])), ("forget", "", 11.0, frozenset(ids[2:]))]
    with pytest.raises(RiffleError, match="more, less, clear, forget"):
        store.steering.add("louder", ids)
    with pytest.raises(RiffleError, match="no tracks"):
        store.steering.add("more", [])
    store.tracks.delete(ids[0])  # a deleted track leaves its steers
    assert store.steering.all()[0].track_ids == frozenset(ids[1:2])
