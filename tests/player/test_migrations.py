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


def _seed_v7(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO features (track_id, kind, version, vector, analysed_at) "
                 "VALUES (1, 'musicnn', 1, x'00000040', 7.0)")


def _seed_v8(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO playlists (id, name, query, created_at, updated_at) "
                 "VALUES (1, 'Mix', NULL, 6.0, 7.0), (2, 'Loved', 'rating:>=4', 6.0, 6.0)")
    conn.execute("INSERT INTO playlist_entries (playlist_id, position, track_id, location, "
                 "artist, title) VALUES (1, 0, 1, '/music/a.flac', 'A', 'Song')")
    conn.execute("INSERT INTO playlist_entries (playlist_id, position, location, title, "
                 "duration) VALUES (1, 1, 'C:\\Music\\gone.mp3', 'Gone', 61.0)")
    conn.execute("INSERT INTO plays (track_id, started_at, listened, duration, outcome, source, "
                 "origin) VALUES (1, 11.0, 200.0, 200.0, 'completed', 'import', 'lastfm')")


def _seed_v9(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO steering (id, action, label, steered_at) "
                 "VALUES (1, 'less', 'loud · A', 10.0)")
    conn.execute("INSERT INTO steering_tracks (steering_id, track_id) VALUES (1, 1)")


SEEDERS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _seed_v1, 2: _seed_v2, 3: _seed_v3, 4: _seed_v4, 5: _seed_v5, 6: _seed_v6,
    7: _seed_v7, 8: _seed_v8, 9: _seed_v9,
}


def _check_upgraded(store: Store, built_at: int) -> None:
    assert store.db.schema_version == LATEST_VERSION
    assert store.db.integrity_check() == "ok"
    if built_at >= 1:
        track = store.tracks.get(1)
        assert (track.title, track.artists, track.rating) == ("Song", ("A",), 5)
        assert track.play_count == 1 + (built_at >= 8)  # version 5's play is a skip
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
        assert [(p.outcome, p.learn) for p in plays[1:2]] == [("skipped", False)]
    if built_at >= 1:
        assert store.features.vector(1, 1).tolist() == [1.0]  # the first pass's, kept
    if built_at >= 7:
        assert store.features.vector(1, 1, kind="musicnn").tolist() == [2.0]
    if built_at >= 8:
        mix, loved = sorted(store.playlists.all(), key=lambda p: p.id)
        assert (mix.name, mix.query, mix.entries, mix.unmatched) == ("Mix", None, 2, 1)
        assert (loved.name, loved.smart) == ("Loved", True)
        entries = store.playlists.entries(1)
        assert [(e.track_id, e.text.location, e.text.title) for e in entries] == \
            [(1, "/music/a.flac", "Song"), (None, "C:\\Music\\gone.mp3", "Gone")]
        assert [p.origin for p in plays] == [None, None, "lastfm"]
    else:
        assert all(p.origin is None for p in plays)
    if built_at >= 6:
        assert store.tracks.damaged() == [("/music/a.flac",
                                           "truncated: audio ends at 1:38 of 3:20")]
        assert store.tracks.get(1).duration == 98.0
    if built_at >= 9:
        assert [(s.action, s.label, s.at, s.track_ids) for s in store.steering.all()] == \
            [("less", "loud · A", 10.0, frozenset({1}))]


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
