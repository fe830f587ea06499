"""Every earlier schema version upgrades to the latest without losing a row.

SEEDERS holds, for each schema version, a function that fills a database of that version
with one of everything that version can hold; CHECKS verifies the data after upgrading.
A new migration adds its seeder here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from player.store import Database, Store
from player.store.migrations import LATEST_VERSION, MIGRATIONS


def _seed_v1(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO roots (path, added_at) VALUES ('/music', 1.0)")
    conn.execute("INSERT INTO settings (key, value) VALUES ('replaygain', '\"album\"')")
    conn.execute(
        "INSERT INTO tracks (id, path, title, artist, artists, duration, added_at, updated_at) "
        "VALUES (1, '/music/a.flac', 'Song', 'A', '[\"A\"]', 200.0, 1.0, 1.0)"
    )
    conn.execute("INSERT INTO features (track_id, version, vector, analysed_at) "
                 "VALUES (1, 1, x'0000803f', 2.0)")
    conn.execute("INSERT INTO plays (track_id, started_at, listened, duration, outcome, source) "
                 "VALUES (1, 3.0, 200.0, 200.0, 'completed', 'auto')")
    conn.execute("INSERT INTO ratings (track_id, stars, rated_at) VALUES (1, 5, 4.0)")


def _seed_v2(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO queue_entries (part, track_id, source, reason, position_ms) "
                 "VALUES ('current', 1, 'auto', 'random pick', 61000)")


def _seed_v3(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO removals (track_id, removed_at) VALUES (1, 5.0)")


def _seed_v4(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE plays SET reason = 'ended' WHERE track_id = 1")


def _seed_v5(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO plays (track_id, started_at, listened, duration, outcome, source, "
                 "reason, learn) VALUES (1, 9.0, 20.0, 200.0, 'skipped', 'user', 'next', 0)")


def _seed_v6(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE tracks SET damage = 'truncated: audio ends at 1:38 of 3:20', "
                 "duration = 98.0 WHERE id = 1")


SEEDERS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _seed_v1, 2: _seed_v2, 3: _seed_v3, 4: _seed_v4, 5: _seed_v5, 6: _seed_v6,
}


def _check_upgraded(store: Store, built_at: int) -> None:
    assert store.db.schema_version == LATEST_VERSION
    assert store.db.integrity_check() == "ok"
    if built_at >= 1:
        track = store.tracks.get(1)
        assert (track.title, track.artists, track.rating) == ("Song", ("A",), 5)
        assert track.play_count == 1  # version 5's play is a skip: no play
        assert track.skip_count == (1 if built_at >= 5 else 0)
        assert store.roots.list() == ["/music"]
        assert store.settings.get("replaygain") == "album"
    if built_at >= 2:
        saved = store.queue_state.load()
        assert [(e.part, e.track_id, e.source, e.reason, e.position_ms) for e in saved] == \
            [("current", 1, "auto", "random pick", 61000)]
    if built_at >= 3:
        assert store.removals.all() == [(1, 5.0)]
    plays = store.plays.for_track(1)
    if built_at >= 4:
        assert (plays[0].outcome, plays[0].reason) == ("completed", "ended")
    assert all(p.learn for p in plays[:1])  # plays before version 5 are learned from
    if built_at >= 5:
        assert [(p.outcome, p.learn) for p in plays[1:]] == [("skipped", False)]
    if built_at >= 6:
        assert store.tracks.damaged() == [("/music/a.flac",
                                           "truncated: audio ends at 1:38 of 3:20")]
        assert store.tracks.get(1).duration == 98.0


def test_every_version_has_a_seeder() -> None:
    assert set(SEEDERS) == {m.version for m in MIGRATIONS}


@pytest.mark.parametrize("version", range(0, LATEST_VERSION + 1))
def test_upgrade_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.sqlite3"
    if version:
        old = Database(path, migrate_to=version)
        assert old.schema_version == version
        with old.transaction():
            for v in range(1, version + 1):
                SEEDERS[v](old.conn)
        old.close()
    store = Store.open(path)
    try:
        _check_upgraded(store, version)
    finally:
        store.close()
