"""player/history_io.py: listening history brought in from elsewhere, and taken out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from player.history_io import export_history, import_history
from player.models import PlayOutcome, PlaySource, Track
from player.store import Store


def _library(store: Store) -> tuple[int, int]:
    with store.db.transaction():
        a = store.tracks.upsert(Track(path="/music/Ä song.flac", title="A", duration=200.0))
        b = store.tracks.upsert(Track(path="/music/b.mp3", title="B", duration=100.0))
    return a, b


def test_import_reads_paths_ids_iso_and_unix_times_and_reports_bad_lines(store: Store) -> None:
    a, b = _library(store)
    lines = [
        json.dumps({"track": "/music/Ä song.flac", "started_at": "2024-05-01T20:15:00Z",
                    "listened": 200, "outcome": "completed"}),
        json.dumps({"track": b, "started_at": 1714594500, "listened": 4.5,
                    "outcome": "skipped"}),
        "this is not json",
        json.dumps({"track": "/music/unknown.ogg", "started_at": 1, "listened": 1,
                    "outcome": "completed"}),
        json.dumps({"track": b, "started_at": "yesterday", "listened": 1, "outcome": "stopped"}),
        "",
        json.dumps({"track": b, "started_at": 1714600000, "listened": -3, "outcome": "stopped"}),
        json.dumps({"track": b, "started_at": 1714600000, "listened": 3, "outcome": "paused"}),
        json.dumps({"track": a, "started_at": "2024-05-02 08:00:00", "listened": 120,
                    "outcome": "stopped"}),
    ]
    report = import_history(store, lines)
    assert report.imported == 3
    assert [n for n, _ in report.problems] == [3, 4, 5, 7, 8]
    assert "not JSON" in report.problems[0][1]
    assert "No track matches '/music/unknown.ogg'" in report.problems[1][1]
    assert "started_at 'yesterday'" in report.problems[2][1]
    plays_a = store.plays.for_track(a)
    assert [p.started_at for p in plays_a] == [
        datetime(2024, 5, 1, 20, 15, tzinfo=UTC).timestamp(),
        datetime(2024, 5, 2, 8, 0, tzinfo=UTC).timestamp(),
    ]
    assert [(p.outcome, p.listened, p.source) for p in plays_a] == [
        (PlayOutcome.COMPLETED, 200.0, PlaySource.IMPORT),
        (PlayOutcome.STOPPED, 120.0, PlaySource.IMPORT),
    ]
    (skip,) = store.plays.for_track(b)
    assert (skip.outcome, skip.listened, skip.started_at) == (PlayOutcome.SKIPPED, 4.5,
                                                              1714594500.0)
    assert store.tracks.get(b).skip_count == 1


def test_importing_the_same_file_twice_adds_nothing_twice(store: Store) -> None:
    a, _ = _library(store)
    lines = [json.dumps({"track": a, "started_at": 1000 + i * 300, "listened": 200,
                         "outcome": "completed"}) for i in range(5)]
    assert import_history(store, lines).imported == 5
    again = import_history(store, lines)
    assert (again.imported, again.duplicates) == (0, 5)
    assert store.tracks.get(a).play_count == 5


def test_export_then_import_into_another_library_round_trips(store: Store, tmp_path) -> None:
    a, b = _library(store)
    import_history(store, [
        json.dumps({"track": a, "started_at": 5000, "listened": 200, "outcome": "completed"}),
        json.dumps({"track": b, "started_at": 6000, "listened": 3, "outcome": "skipped"}),
    ])
    exported = list(export_history(store))
    assert [json.loads(line)["track"] for line in exported] == ["/music/Ä song.flac",
                                                                "/music/b.mp3"]
    other = Store.open(tmp_path / "other.sqlite3")
    try:
        _library(other)
        report = import_history(other, exported)
        assert (report.imported, report.problems) == (2, [])
        assert [(p.outcome, p.started_at) for p in other.plays.all()] == [
            (PlayOutcome.COMPLETED, 5000.0), (PlayOutcome.SKIPPED, 6000.0)]
    finally:
        other.close()


def test_an_import_commits_in_short_batches_so_other_writers_get_in(store: Store,
                                                                    db_path) -> None:
    """A long import never holds the write lock for long: between batches another
    connection (here one that waits only 0.2 s) can write."""
    from player.store.database import Database

    a, _ = _library(store)
    other = Database(db_path, busy_timeout=0.2)
    writes = []

    def lines():
        for i in range(3000):
            if i % 700 == 350:  # in the middle of the import, another program rates
                with other.transaction():
                    other.execute("INSERT INTO ratings (track_id, stars, rated_at) "
                                  "VALUES (?, 4, 0)", (a,))
                writes.append(i)
            yield json.dumps({"track": a, "started_at": 10_000 + i * 10, "listened": 5,
                              "outcome": "completed"})

    try:
        report = import_history(store, lines())
    finally:
        other.close()
    assert report.imported == 3000 and len(writes) == 4
    assert store.tracks.get(a).play_count == 3000


def test_a_play_within_a_second_of_a_known_one_is_a_duplicate(store: Store) -> None:
    a, b = _library(store)
    first = [json.dumps({"track": a, "started_at": 1000.0, "listened": 9,
                         "outcome": "completed"})]
    import_history(store, first)
    again = [json.dumps({"track": a, "started_at": t, "listened": 9, "outcome": "completed"})
             for t in (999.2, 1000.9, 1001.5, 998.4)]
    again.append(json.dumps({"track": b, "started_at": 1000.0, "listened": 9,
                             "outcome": "completed"}))
    report = import_history(store, again)
    assert (report.imported, report.duplicates) == (3, 2)


def test_the_duplicate_lookup_is_served_by_an_index(store: Store) -> None:
    from player.store.plays import NEAR_PLAY_SQL

    plan = store.db.explain(NEAR_PLAY_SQL, (1, 1000.0, 1000.0))
    assert "USING INDEX plays_track" in plan or "USING COVERING INDEX plays_track" in plan


def test_export_writes_a_non_utf8_path_as_its_escaped_name(store: Store) -> None:
    name = "/music/caf\udce9.mp3"  # the byte 0xE9 of a Latin-1 file name
    with store.db.transaction():
        tid = store.tracks.upsert(Track(path=name, title="C", duration=60.0))
    import_history(store, [json.dumps({"track": tid, "started_at": 10, "listened": 60,
                                       "outcome": "completed"})])
    (line,) = export_history(store)
    assert json.loads(line)["track"] == name
