"""player/transfer_export.py and transfer_import.py: a library's history taken to another
machine, where the auto-shuffle then picks exactly as it did."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from cli_runner import riffle
from taste_factory import build_library
from window_rig import make_music

from player import edits
from player import settings as s
from player.errors import RiffleError
from player.foreign_history import import_listens
from player.history import ChangeReason
from player.library import Scanner
from player.listen_files import Listen
from player.models import PlayOutcome, PlaySource
from player.settings import Settings
from player.store import Store
from player.transfer_export import export_library, library_document
from player.transfer_import import import_library

DAY = 86_400.0


def _history(store: Store) -> None:
    """Ratings with a history, plays of every kind, removals, playlists and settings."""
    library = {t.id: t for t in store.tracks.find("")}
    ids = sorted(library)
    now = time.time()
    with store.db.transaction():
        for n, tid in enumerate(ids[:12]):
            store.ratings.set(tid, 1 + n % 5, now=now - (40 - n) * DAY)
        store.ratings.set(ids[3], 0, now=now - 3 * DAY)  # cleared since
        store.ratings.set(ids[5], 5, now=now - 2 * DAY, source="tag")
        for n, tid in enumerate(ids[20:60]):
            outcome = PlayOutcome.SKIPPED if n % 4 == 0 else PlayOutcome.COMPLETED
            started = now - (30 - n / 2) * DAY
            play = store.plays.start(tid, duration=200.0, source=PlaySource.AUTO,
                                     started_at=started, learn=n % 9 != 0)
            store.plays.finish(play, listened=20.0 if n % 4 == 0 else 200.0, outcome=outcome,
                               ended_at=started + 200, reason=str(ChangeReason.NEXT))
        for tid in ids[70:74]:
            store.removals.add(tid, now=now - 5 * DAY)
    import_listens(store, [Listen("line 1", now - 50 * DAY, library[ids[80]].artist,
                                  library[ids[80]].title or "")], "lastfm")
    edits.create_playlist(store, "Road trip", [ids[1], ids[30], ids[2]])
    road = edits.playlist_by_name(store, "Road trip").id
    with store.db.transaction():
        from player.store.playlists import EntryText
        store.playlists.append(road, [(None, EntryText("C:\\gone.mp3", "Nobody", "Gone"))])
    edits.create_playlist(store, "Loved", query="rating:>=4")
    edits.save_settings(store, {s.DISCOVER: 0.35, s.RECENT_PLAYS: 20, s.REPEAT: "queue"})


def _next(db: Path, seed: int) -> list[dict[str, object]]:
    code, out, err = riffle(db, "next", "-n", "12", "--seed", str(seed), "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_round_trip_into_an_empty_database_picks_exactly_alike(tmp_path: Path) -> None:
    old_db, new_db = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    old = Store.open(old_db)
    build_library(old, seed=3)
    _history(old)
    old.close()
    before = [_next(old_db, seed) for seed in (1, 7)]
    assert any("you rated" in str(p["reason"]) for picks in before for p in picks)
    code, _, err = riffle(old_db, "export", str(tmp_path / "library.json"))
    assert code == 0
    assert err == (f"exported to {tmp_path / 'library.json'}: 57 tracks, 14 ratings, 41 plays, "
                   "4 removals, 2 playlists, 3 settings\n")

    new = Store.open(new_db)
    build_library(new, seed=3)  # the same music, scanned and analysed on the new machine
    new.close()
    code, out, err = riffle(new_db, "import", str(tmp_path / "library.json"))
    assert (code, err) == (0, "")
    assert out == ("tracks: 57 (57 by path, 0 by tags, 0 by the end of their path, 0 not "
                   "found here: kept as missing until a scan finds them)\n"
                   "ratings: 14 added, 0 already here; plays: 41 added, 0 already here; "
                   "removals: 4 added, 0 already here; playlists: 2 added, 0 already here; "
                   "settings: 3\n")
    assert [_next(new_db, seed) for seed in (1, 7)] == before

    code, out, _ = riffle(new_db, "import", str(tmp_path / "library.json"))
    assert "ratings: 0 added, 14 already here; plays: 0 added, 41 already here; " \
        "removals: 0 added, 4 already here; playlists: 0 added, 2 already here" in out
    old, new = Store.open(old_db), Store.open(new_db)
    try:
        first, second = library_document(old), library_document(new)
        for key in ("tracks", "ratings", "plays", "removals", "playlists", "settings"):
            assert first[key] == second[key], key
        assert Settings(new.settings).get(s.REPEAT) == "queue"
        road = edits.playlist_by_name(new, "Road trip")
        assert [e.text.location for e in new.playlists.entries(road.id)][-1] == "C:\\gone.mp3"
        assert [p.learn for p in new.plays.in_order_written()].count(False) == 5
        assert [p.origin for p in new.plays.in_order_written()][-1] == "lastfm"
    finally:
        old.close()
        new.close()


def test_a_reorganised_library_is_matched_by_tags(store: Store, tmp_path: Path) -> None:
    build_library(store, seed=1, styles=2, artists_per_style=2, tracks_per_artist=4)
    ids = sorted(t.id for t in store.tracks.find(""))  # type: ignore[type-var]
    edits.rate(store, ids[:3], 5)
    export_library(store, tmp_path / "x.json")
    other = Store.open(tmp_path / "other.sqlite3")
    try:
        with other.db.transaction():  # the same tags, other folders and file names
            for track in reversed(store.tracks.find("")):
                track.path = track.path.replace("/music/", "/srv/Audio/").replace(".flac",
                                                                                  ".ogg")
                track.id = None
                other.tracks.upsert(track)
        report, changes = import_library(other, tmp_path / "x.json")
        assert report.found == {"tags": 3}
        rated = {t.title for t in other.tracks.find("rating:5")}
        assert rated == {t.title for t in store.tracks.find("rating:5")}
        assert len(changes.ratings) == 3
    finally:
        other.close()


def test_tracks_found_nowhere_are_kept_missing_until_a_scan_finds_their_files(
        tmp_path: Path) -> None:
    music = make_music(tmp_path / "music", seconds=0.5)
    old = Store.open(tmp_path / "old.sqlite3")
    Scanner(old).scan([str(music)])
    dawn = old.tracks.find("title:dawn")[0]
    edits.rate(old, [dawn.id], 4)  # type: ignore[list-item]
    export_library(old, tmp_path / "x.json")
    old.close()
    moved = tmp_path / "elsewhere"  # the new machine keeps the music in another folder
    shutil.move(music, moved)
    new = Store.open(tmp_path / "new.sqlite3")
    try:
        report, changes = import_library(new, tmp_path / "x.json")
        assert report.found == {"missing": 1} and changes.tracks
        (kept,) = new.tracks.all()
        assert (kept.missing, kept.rating, kept.title) == (True, 4, "Dawn")
        Scanner(new).scan([str(moved)])
        found = new.tracks.find("title:dawn")[0]
        assert (found.id, found.rating, found.missing) == (kept.id, 4, False)
        assert found.path.startswith(str(moved))
    finally:
        new.close()


def test_what_cannot_be_read_is_refused_or_listed(store: Store, tmp_path: Path) -> None:
    build_library(store, seed=2, styles=1, artists_per_style=1, tracks_per_artist=3)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(RiffleError, match="not a Riffle library export"):
        import_library(store, bad)
    bad.write_text(json.dumps({"riffle_library": 99}))
    with pytest.raises(RiffleError, match="export layout 99"):
        import_library(store, bad)
    track = store.tracks.find("")[0]
    bad.write_text(json.dumps({
        "riffle_library": 1,
        "tracks": [{"path": track.path, "title": track.title}, {"title": "no path"}],
        "ratings": [[0, 4, 100.0, "user"], [0, 9, 100.0, "user"], [5, 3, 1.0, "user"]],
        "plays": [{"track": 0, "started_at": "yesterday", "outcome": "completed"},
                  {"track": 0, "started_at": 50.0, "outcome": "completed", "listened": 3}],
        "settings": {"shuffle.discover": 7, "someday.feature": True}}))
    report, _ = import_library(store, bad)
    assert report.problems == [
        "tracks[1]: no path", "ratings[1]: stars 9 are not 0–5",
        "ratings[2]: names no track (5)", "plays[0]: 'yesterday' is not a number of seconds",
        "settings['shuffle.discover']: 7 is not a valid value"]
    assert report.skipped_settings == ["someday.feature"]
    assert (report.added["ratings"], report.added["plays"]) == (1, 1)
    assert store.ratings.get(track.id) == 4  # type: ignore[arg-type]
    with pytest.raises(RiffleError, match="library database itself"):
        export_library(store, store.path)
