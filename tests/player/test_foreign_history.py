"""player/foreign_history.py with listen_files.py and store/foreign_db.py: history from
ListenBrainz, Last.fm, Strawberry and Clementine, in the forms they export it (written
here, with their real field, table and column names)."""

from __future__ import annotations

import json
import sqlite3
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from foreign_files import clementine_db, listenbrainz_listen, strawberry_db
from taste_factory import build_library

from main import make_filler
from player.changes import Changes
from player.foreign_history import import_listens, import_play_counts
from player.listen_files import BadEntry, Listen, lastfm_csv, listenbrainz
from player.models import PlayOutcome, PlaySource, Track
from player.queue import FillContext
from player.store import Store
from player.store.foreign_db import ForeignDatabaseError, read_collection
from player.work import InlineWork

DAY = 86_400.0


def _library(store: Store) -> dict[str, int]:
    tracks = {
        "hyper": Track(path="/music/Björk/Homogenic/01 Hunter.flac", title="Hunter",
                       artists=("Björk",), album="Homogenic", duration=255.0),
        "joga": Track(path="/music/Björk/Homogenic/02 Jóga.flac", title="Jóga",
                      artists=("Björk",), album="Homogenic", duration=305.0),
        "joga_live": Track(path="/music/Björk/Live/Jóga (live).flac", title="Jóga",
                           artists=("Björk",), album="Live Box", duration=320.0),
        "dont": Track(path="/music/Portishead/Dummy/Sour Times.mp3", title="Sour Times",
                      artists=("Portishead",), album="Dummy", duration=254.0),
    }
    with store.db.transaction():
        return {key: store.tracks.upsert(t) for key, t in tracks.items()}


def test_a_listenbrainz_zip_export_is_matched_by_tags_and_imported_once(
        store: Store, tmp_path: Path) -> None:
    ids = _library(store)
    t0 = datetime(2024, 1, 5, 20, 0, tzinfo=UTC).timestamp()
    listen = listenbrainz_listen
    january = [listen(t0, "bjork", "HUNTER"), listen(t0 + 300, "Björk", "Jóga", "Homogenic"),
               listen(t0 + 700, "Björk", "Joga", "Live Box")]
    february = [listen(t0 + 40 * DAY, "Björk", "Jóga", duration_ms=321_000),
                listen(t0 + 41 * DAY, "Nobody", "Nothing"),
                listen(t0 + 42 * DAY, "Nobody", "Nothing")]
    archive = tmp_path / "listenbrainz_ann_1700000000.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("user.json", json.dumps({"user_name": "ann"}))
        zf.writestr("listens/2024/1.jsonl", "\n".join(map(json.dumps, january)) + "\n")
        zf.writestr("listens/2024/2.jsonl",
                    "\n".join([*map(json.dumps, february), "{not json"]) + "\n")
    report = import_listens(store, listenbrainz(str(archive)), "listenbrainz")
    assert (report.entries, report.matched, report.imported, report.duplicates) == (6, 4, 4, 0)
    assert report.unmatched == {("Nobody", "Nothing"): 2}
    assert report.first_seen[("Nobody", "Nothing")] == "listens/2024/2.jsonl:2"
    assert report.problems == [("listens/2024/2.jsonl:4", "not JSON (Expecting property name "
                                "enclosed in double quotes)")]
    assert report.changes() == Changes(plays=frozenset({ids["hyper"], ids["joga"],
                                                        ids["joga_live"]}))
    (hunter,) = store.plays.for_track(ids["hyper"])
    assert (hunter.started_at, hunter.listened, hunter.outcome, hunter.source, hunter.origin) \
        == (t0, 255.0, PlayOutcome.COMPLETED, PlaySource.IMPORT, "listenbrainz")
    assert [p.started_at for p in store.plays.for_track(ids["joga_live"])] == \
        [t0 + 700, t0 + 40 * DAY]  # the album, then the length chose the live take
    again = import_listens(store, listenbrainz(str(archive)), "listenbrainz")
    assert (again.imported, again.duplicates) == (0, 4)


def test_an_older_listenbrainz_json_array_reads_too(tmp_path: Path) -> None:
    export = tmp_path / "listens.json"
    export.write_text(json.dumps([listenbrainz_listen(1_700_000_000, "A", "B"), {"listened_at": 5},
                                  listenbrainz_listen(1_700_000_000_123, "C", "D")]))
    entries = list(listenbrainz(str(export)))
    assert entries[0] == Listen("listen 1", 1_700_000_000.0, "A", "B")
    assert entries[1] == BadEntry("listen 2", "no track_metadata")
    assert isinstance(entries[2], Listen) and entries[2].at == 1_700_000_000.123


def test_lastfm_csv_with_and_without_a_header(store: Store, tmp_path: Path) -> None:
    ids = _library(store)
    plain = tmp_path / "ann.csv"
    plain.write_text("Portishead,Dummy,Sour Times,31 Jan 2020 20:15\n"
                     "Björk,Homogenic,Hunter,\"31 Jan 2020, 20:20\"\n"
                     "Björk,Homogenic,Hunter,31 Jan 2020 20:20\n"  # listed twice
                     "Portishead,Dummy,Glory Box,yesterday\n"
                     "Nobody,,Nothing,01 Feb 2020 09:00\n", encoding="utf-8")
    report = import_listens(store, lastfm_csv(str(plain)), "lastfm")
    assert (report.entries, report.matched, report.imported, report.duplicates) == (4, 3, 2, 1)
    assert report.problems == [("line 4", "the date 'yesterday' is not one Riffle reads")]
    assert store.plays.for_track(ids["dont"])[0].started_at == \
        datetime(2020, 1, 31, 20, 15, tzinfo=UTC).timestamp()
    headed = tmp_path / "scrobbles.csv"
    headed.write_text("uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid\n"
                      "1580501700,\"31 Jan 2020, 20:15\",Portishead,,Dummy,,Sour Times,\n"
                      "1580502100,\"31 Jan 2020, 20:21\",Björk,,Homogenic,,Jóga,\n",
                      encoding="utf-8")
    report = import_listens(store, lastfm_csv(str(headed)), "lastfm")
    assert (report.imported, report.duplicates) == (1, 1)  # Sour Times came before
    assert store.tracks.get(ids["joga"]).play_count == 1


def test_strawberry_counts_skips_and_ratings_arrive_once_and_grow_by_the_difference(
        store: Store, tmp_path: Path) -> None:
    ids = _library(store)
    added, last = 1_600_000_000, 1_700_000_000
    rows = [
        {"title": "Hunter", "artist": "Björk", "album": "Homogenic", "length": 255 * 10**9,
         "url": "file:///home/ann/Music/Bj%C3%B6rk/Homogenic/01%20Hunter.flac",
         "playcount": 3, "skipcount": 1, "lastplayed": last, "ctime": added, "rating": 0.8},
        {"title": "Sour Times", "artist": "Portishead", "album": "Dummy", "length": 0,
         "url": "file:///D:/old/sour.mp3", "playcount": 1, "lastplayed": last - 100,
         "ctime": added, "rating": -1},
        {"title": "Glory Box", "artist": "Portishead", "url": "file:///x/glory.mp3",
         "playcount": 7, "lastplayed": last},
        {"title": "Roads", "artist": "Portishead", "url": "file:///x/roads.mp3"},  # never
    ]
    db = strawberry_db(tmp_path / "strawberry.db", rows)
    songs = read_collection(db, "strawberry")
    assert [s.title for s in songs] == ["Hunter", "Sour Times", "Glory Box"]
    report = import_play_counts(store, songs, "strawberry", now=last + 10)
    assert (report.entries, report.matched, report.imported, report.duplicates) == (3, 2, 5, 0)
    assert (report.ratings, report.unmatched) == (1, {("Portishead", "Glory Box"): 1})
    plays = store.plays.for_track(ids["hyper"])
    completed = [p.started_at for p in plays if p.outcome is PlayOutcome.COMPLETED]
    assert completed == [added, (added + last) / 2, last]
    assert [p.outcome for p in plays].count(PlayOutcome.SKIPPED) == 1
    assert all(p.origin == "strawberry" and p.source is PlaySource.IMPORT for p in plays)
    assert store.ratings.get(ids["hyper"]) == 4
    assert store.tracks.get(ids["dont"]).last_played == last - 100

    again = import_play_counts(store, read_collection(db, "strawberry"), "strawberry")
    assert (again.imported, again.duplicates, again.ratings) == (0, 5, 0)
    # played twice more in Strawberry since, and rated in Riffle meanwhile
    conn = sqlite3.connect(db)
    conn.execute("UPDATE songs SET playcount = 5, lastplayed = ?, rating = 0.4 "
                 "WHERE title = 'Hunter'", (last + 2000,))
    conn.commit()
    conn.close()
    store.ratings.set(ids["hyper"], 5)
    grown = import_play_counts(store, read_collection(db, "strawberry"), "strawberry")
    assert (grown.imported, grown.duplicates, grown.ratings, grown.ratings_kept) == (2, 5, 0, 1)
    completed = [p.started_at for p in store.plays.for_track(ids["hyper"])
                 if p.outcome is PlayOutcome.COMPLETED]
    assert completed[-2:] == [last + 1000, last + 2000]
    assert store.ratings.get(ids["hyper"]) == 5


def test_clementine_is_read_by_its_filename_column(store: Store, tmp_path: Path) -> None:
    ids = _library(store)
    db = clementine_db(tmp_path / "clementine.db", [
        {"title": "Jóga", "artist": "Björk", "album": "Live Box",
         "filename": "file:///media/music/Bj%C3%B6rk/Live/J%C3%B3ga%20(live).flac",
         "ctime": 1_500_000_000, "playcount": 2, "lastplayed": 1_600_000_000,
         "rating": 1.0, "skipcount": 0, "length": 320 * 10**9},
        {"title": "Hunter", "artist": "Björk", "filename": "file:///y/h.flac", "ctime": 0,
         "playcount": 0, "lastplayed": None, "rating": None},
    ])
    report = import_play_counts(store, read_collection(db, "clementine"), "clementine")
    assert (report.entries, report.matched, report.imported, report.ratings) == (1, 1, 2, 1)
    assert store.tracks.get(ids["joga_live"]).play_count == 2
    assert store.ratings.get(ids["joga_live"]) == 5
    with pytest.raises(ForeignDatabaseError, match="looks like Clementine's: --from clementine"):
        read_collection(db, "strawberry")
    (tmp_path / "junk.db").write_bytes(b"SQLite format 2\0" + bytes(200))
    with pytest.raises(ForeignDatabaseError, match="cannot be read as an SQLite database"):
        read_collection(tmp_path / "junk.db", "clementine")
    plain = sqlite3.connect(tmp_path / "other.db")
    plain.execute("CREATE TABLE notes (text)")
    plain.close()
    with pytest.raises(ForeignDatabaseError, match="has no songs table"):
        read_collection(tmp_path / "other.db", "clementine")


def test_the_foreign_database_is_not_written(store: Store, tmp_path: Path) -> None:
    db = strawberry_db(tmp_path / "strawberry.db", [
        {"title": "Hunter", "artist": "Björk", "url": "file:///h.flac", "playcount": 1}])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    db.parent.chmod(0o555)
    try:
        songs = read_collection(db, "strawberry")
    finally:
        db.parent.chmod(0o755)
    assert [s.title for s in songs] == ["Hunter"]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_imported_plays_teach_the_auto_shuffle_and_its_reasons_cite_them(
        store: Store) -> None:
    library = build_library(store, styles=4, artists_per_style=3, tracks_per_artist=6)
    loved = library.tracks_of(2)[:6]
    tracks = store.tracks.get_many(loved)
    start = time.time() - 20 * DAY
    listens = [Listen(f"line {n}", start + n * 3600, tracks[tid].artist,
                      tracks[tid].title or "") for n, tid in
               enumerate(tid for tid in loved for _ in range(6))]
    report = import_listens(store, listens, "listenbrainz")
    assert report.imported == 36
    assert len(store.judgements.since().plays) == 36
    reasons, styles = [], []
    for seed in range(4):
        filler = make_filler(store, InlineWork(store), seed=seed)
        filler.follow(Changes.everything())
        for pick in filler.fill(8, FillContext(None, (), ())):
            reasons.append(pick.reason)
            styles.append(library.style_of[pick.track_id])
    titles = {f"'{tracks[tid].title}'" for tid in loved}
    assert any("play to the end" in r and (any(t in r for t in titles) or "usually" in r)
               for r in reasons)
    assert styles.count(2) > len(styles) / 4


def test_a_database_the_player_has_open_is_read_with_what_its_log_holds(
        tmp_path: Path) -> None:
    db = strawberry_db(tmp_path / "strawberry.db", [])
    running = sqlite3.connect(db)  # Strawberry running: its last write still in the log
    try:
        running.execute("PRAGMA wal_autocheckpoint = 0")
        running.execute("INSERT INTO songs (title, url, playcount) VALUES ('New', 'file:///n', 2)")
        running.commit()
        assert (tmp_path / "strawberry.db-wal").stat().st_size > 0
        assert [(s.title, s.play_count) for s in read_collection(db, "strawberry")] == \
            [("New", 2)]
    finally:
        running.close()
