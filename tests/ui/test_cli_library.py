"""`riffle scan|list|stats|errors`: the library commands, their text and their JSON."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import Terminal, riffle
from library_factory import (
    BAD_FILES,
    NON_UTF8_NAME,
    STANDARD_READABLE,
    TagSet,
    make_track,
    standard_library,
)

from player.models import PlayOutcome, PlaySource
from player.store import Store

ROOT_DIR = Path(__file__).resolve().parents[2]
REQUIRED_KEYS = {"id", "path", "title", "artist", "album", "albumartist", "genre", "year",
                 "track", "duration", "rating", "play_count", "skip_count", "last_played",
                 "missing"}




@pytest.fixture
def music(tmp_path: Path) -> Path:
    return standard_library(tmp_path / "music")


@pytest.fixture
def scanned(db_path: Path, music: Path) -> Path:
    code, _, _ = riffle(db_path, "scan", str(music))
    assert code == 0
    return db_path


def test_scan_adds_the_folder_and_prints_the_summary(db_path: Path, music: Path) -> None:
    code, out, err = riffle(db_path, "scan", str(music))
    assert code == 0
    assert out == (f"added {len(STANDARD_READABLE)}, updated 0, moved 0, missing 0, "
                   f"errors {len(BAD_FILES)}\n")
    assert err == "riffle scan: 3 files could not be read; see: riffle errors\n"
    assert riffle(db_path, "roots")[1] == f"{music}\n"
    code, out, _ = riffle(db_path, "scan")
    assert (code, out) == (0, "added 0, updated 0, moved 0, missing 0, errors 0\n")


def test_scan_json_report(db_path: Path, music: Path) -> None:
    code, out, _ = riffle(db_path, "scan", "--json", str(music))
    report = json.loads(out)
    assert code == 0
    assert {k: report[k] for k in ("added", "updated", "moved", "missing", "errors",
                                   "unchanged", "cancelled", "absent_roots")} == {
        "added": len(STANDARD_READABLE), "updated": 0, "moved": 0, "missing": 0,
        "errors": len(BAD_FILES), "unchanged": 0, "cancelled": False, "absent_roots": []}


def test_scan_progress_bar_only_on_a_terminal(db_path: Path, music: Path) -> None:
    terminal = Terminal()
    riffle(db_path, "scan", str(music), stderr=terminal)
    assert "Reading tags" in terminal.getvalue()
    riffle(db_path, "scan", "--retry-errors", str(music))
    code, _, err = riffle(db_path, "scan", "--retry-errors", str(music))
    assert code == 0 and "Reading tags" not in err and "\r" not in err


def test_scan_refuses_what_is_not_a_folder_and_an_empty_library(db_path: Path,
                                                                tmp_path: Path) -> None:
    code, out, err = riffle(db_path, "scan", str(tmp_path / "nope"))
    assert (code, out, err) == (2, "", f"riffle scan: {tmp_path / 'nope'} is not a folder\n")
    code, _, err = riffle(db_path, "scan")
    assert code == 2 and "no library folders yet" in err


def test_scan_reports_an_absent_root(scanned: Path, music: Path,
                                    caplog: pytest.LogCaptureFixture) -> None:
    music.rename(music.with_name("unplugged"))
    with caplog.at_level(logging.WARNING):
        code, out, err = riffle(scanned, "scan")
    assert code == 0 and out.startswith("added 0, updated 0, moved 0, missing 0, errors 0")
    assert err == (f"riffle scan: {music} is not there (a disk not mounted?); its tracks "
                   "were left as they were\n")
    assert caplog.records == []  # said once, by the command line, not again as a warning


def test_scan_reports_an_empty_root_once(db_path: Path, tmp_path: Path,
                                         caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "mount point").mkdir()
    with caplog.at_level(logging.WARNING):
        code, out, err = riffle(db_path, "scan", str(tmp_path / "mount point"))
    assert (code, out) == (0, "added 0, updated 0, moved 0, missing 0, errors 0\n")
    assert err.count("is empty") == 1 and caplog.records == []


def _by_title(items: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {item["title"]: item for item in items}


def test_list_json_has_every_field(scanned: Path, music: Path) -> None:
    code, out, _ = riffle(scanned, "list", "--json")
    assert code == 0
    items = json.loads(out)
    assert len(items) == len(STANDARD_READABLE)  # unreadable files are under `errors`
    assert all(item.keys() >= REQUIRED_KEYS for item in items)
    blue = _by_title(items)["Blue Monday"]
    assert {k: blue[k] for k in REQUIRED_KEYS - {"id", "duration"}} == {
        "path": str(music / "New Order/Power Corruption and Lies/03 Blue Monday.ogg"),
        "title": "Blue Monday", "artist": "New Order", "album": "Power, Corruption & Lies",
        "albumartist": None, "genre": "Synth-pop / Dance", "year": 1983, "track": 3,
        "rating": None, "play_count": 0, "skip_count": 0, "last_played": None,
        "missing": False,
    }
    assert blue["genres"] == ["Synth-pop", "Dance"] and blue["duration"] == pytest.approx(0.504)
    untagged = _by_title(items)["just a file name"]
    assert (untagged["artist"], untagged["artists"], untagged["album"]) == (
        "Unknown Artist", [], None)
    starálfur = _by_title(items)["Starálfur"]
    assert starálfur["rating"] == 4


def test_list_json_keeps_a_non_utf8_path_exact(scanned: Path, music: Path) -> None:
    _, out, _ = riffle(scanned, "list", "--json", "title:café")
    out.encode("utf-8")  # the document itself is valid UTF-8
    [item] = json.loads(out)
    assert os.fsencode(item["path"]) == os.fsencode(str(music / "Odd Names" / NON_UTF8_NAME))
    assert os.path.exists(item["path"])


@pytest.mark.parametrize(("query", "titles"), [
    (['artist:"new order"'], {"Blue Monday", "Age of Consent"}),
    (["artist:new", "order"], {"Blue Monday", "Age of Consent"}),
    (["rating:>=4"], {"Starálfur"}),
    (["year:1990..1992"], {"PCM Song", "Apple Song", "Pack Song"}),
    (["ágætis"], {"Svefn-g-englar", "Starálfur"}),
    (["genre:dance"], {"Blue Monday"}),
    (["nothing", "matches", "this"], set()),
])
def test_list_query(scanned: Path, query: list[str], titles: set[str]) -> None:
    code, out, _ = riffle(scanned, "list", "--json", *query)
    assert code == 0
    assert {item["title"] for item in json.loads(out)} == titles


def test_list_text_lines(scanned: Path) -> None:
    code, out, _ = riffle(scanned, "list", "rating:4")
    store = Store.open(scanned)
    try:
        track_id = store.tracks.all("rating = 4")[0].id
    finally:
        store.close()
    assert code == 0
    assert out.splitlines() == [
        f"{track_id:>6}  ★★★★☆  Sigur Rós – Starálfur  (Ágætis byrjun, 1999)  0:01"]
    code, out, _ = riffle(scanned, "list", "just a file")
    assert out.splitlines()[0].endswith("Unknown Artist – just a file name  0:00")


def test_bad_query_is_a_clear_message(scanned: Path) -> None:
    code, out, err = riffle(scanned, "list", "colour:blue")
    assert (code, out) == (1, "")
    assert err.startswith("riffle: Unknown filter 'colour:' in 'colour:blue'.")
    assert "Traceback" not in err


def test_errors_text_and_json(scanned: Path, music: Path) -> None:
    code, out, _ = riffle(scanned, "errors", "--json")
    assert code == 0
    assert json.loads(out) == [{"path": str(music / p), "reason": r, "kind": "scan"}
                               for p, r in sorted(BAD_FILES.items())]
    code, out, _ = riffle(scanned, "errors")
    assert out.splitlines() == [f"{music / p}: {r}" for p, r in sorted(BAD_FILES.items())]


def test_stats(scanned: Path, music: Path) -> None:
    code, out, _ = riffle(scanned, "stats", "--json")
    stats = json.loads(out)
    assert code == 0
    assert {k: stats[k] for k in ("tracks", "missing", "errors", "rated", "plays", "skips",
                                  "never_played", "roots")} == {
        "tracks": len(STANDARD_READABLE), "missing": 0, "errors": len(BAD_FILES), "rated": 1,
        "plays": 0, "skips": 0, "never_played": len(STANDARD_READABLE), "roots": [str(music)]}
    assert stats["codecs"] == {"flac": 3, "mp3": 2, "pcm": 3, "vorbis": 2, "aac": 1, "alac": 1,
                               "ape": 1, "musepack": 1, "opus": 1, "wavpack": 1, "wma": 1}
    # Album artist first, then artist: "Various Artists" counts once for its two tracks.
    # "Lossless" is one album: one title in one folder, five artists (player/albums.py).
    assert stats["artists"] == 13 and stats["albums"] == 6
    code, out, _ = riffle(scanned, "stats")
    assert out.splitlines()[0].startswith(f"tracks        {len(STANDARD_READABLE)} (")
    assert "unreadable    3" in out


def test_the_real_command_line_without_a_terminal(tmp_path: Path, music: Path) -> None:
    db = tmp_path / "cli.sqlite3"
    result = subprocess.run(
        [sys.executable, str(ROOT_DIR / "main.py"), "--db", str(db), "scan", str(music)],
        capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith(f"added {len(STANDARD_READABLE)}, updated 0, moved 0")
    assert "\r" not in result.stderr and "Reading tags" not in result.stderr


def test_a_library_folder_with_a_non_utf8_name(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / os.fsdecode(b"Mus\xe9")
    make_track(folder / "song.ogg", TagSet(title="Song", artists=["A"]))
    code, out, err = riffle(db_path, "scan", str(folder))
    assert (code, out, err) == (0, "added 1, updated 0, moved 0, missing 0, errors 0\n", "")
    code, out, _ = riffle(db_path, "roots")
    assert (code, out) == (0, f"{tmp_path}/Mus\ufffd\n")  # printable, whatever the terminal
    _, out, _ = riffle(db_path, "stats", "--json")
    assert [os.fsencode(r) for r in json.loads(out)["roots"]] == [os.fsencode(str(folder))]
    code, out, _ = riffle(db_path, "scan")  # every root, read back from the store
    assert (code, out) == (0, "added 0, updated 0, moved 0, missing 0, errors 0\n")
    code, out, _ = riffle(db_path, "roots", "remove", str(folder))
    assert (code, riffle(db_path, "roots")[1]) == (0, "")


def _listed(db: Path) -> dict[str, dict[str, object]]:
    return {item["path"]: item for item in json.loads(riffle(db, "list", "--json")[1])}


def _rate_and_play(db: Path, path: Path) -> int:
    store = Store.open(db)
    try:
        track = store.tracks.by_path(str(path))
        assert track is not None and track.id is not None
        with store.db.transaction():
            store.ratings.set(track.id, 5)
        play = store.plays.start(track.id, duration=0.5, source=PlaySource.USER)
        store.plays.finish(play, listened=0.5, outcome=PlayOutcome.COMPLETED)
        return track.id
    finally:
        store.close()


def test_a_file_moved_into_a_folder_scanned_on_its_own_keeps_its_history(
        db_path: Path, tmp_path: Path) -> None:
    old = make_track(tmp_path / "music" / "a" / "song.ogg", TagSet(title="Song", artists=["A"]))
    make_track(tmp_path / "music" / "b.ogg", TagSet(title="Stays", artists=["B"]))
    riffle(db_path, "scan", str(tmp_path / "music"))
    track_id = _rate_and_play(db_path, old)
    new = tmp_path / "newroot" / "moved song.ogg"
    new.parent.mkdir()
    old.rename(new)
    code, out, _ = riffle(db_path, "scan", str(new.parent))
    assert (code, out) == (0, "added 0, updated 0, moved 1, missing 0, errors 0\n")
    code, out, _ = riffle(db_path, "scan")  # every folder: the old path is not missing
    assert (code, out) == (0, "added 0, updated 0, moved 0, missing 0, errors 0\n")
    moved = _listed(db_path)[str(new)]
    assert (moved["id"], moved["rating"], moved["play_count"], moved["missing"]) == (
        track_id, 5, 1, False)
    assert len(_listed(db_path)) == 2


def test_a_copy_in_another_folder_is_a_new_track(db_path: Path, tmp_path: Path) -> None:
    old = make_track(tmp_path / "music" / "song.ogg", TagSet(title="Song", artists=["A"]))
    riffle(db_path, "scan", str(tmp_path / "music"))
    track_id = _rate_and_play(db_path, old)
    copy = tmp_path / "copies" / "song.ogg"
    copy.parent.mkdir()
    shutil.copy(old, copy)
    code, out, _ = riffle(db_path, "scan", str(copy.parent))
    assert (code, out) == (0, "added 1, updated 0, moved 0, missing 0, errors 0\n")
    assert _listed(db_path)[str(old)]["id"] == track_id
    assert _listed(db_path)[str(copy)]["play_count"] == 0


def test_a_track_on_an_unplugged_disk_does_not_move_to_a_lookalike(db_path: Path,
                                                                   tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    old = make_track(disk / "song.ogg", TagSet(title="Song", artists=["A"]))
    riffle(db_path, "scan", str(disk))
    track_id = _rate_and_play(db_path, old)
    lookalike = tmp_path / "laptop" / "song.ogg"
    lookalike.parent.mkdir()
    shutil.copy(old, lookalike)
    disk.rename(tmp_path / "unplugged")
    code, out, _ = riffle(db_path, "scan", str(lookalike.parent))
    assert (code, out) == (0, "added 1, updated 0, moved 0, missing 0, errors 0\n")
    assert _listed(db_path)[str(old)]["id"] == track_id


def test_a_play_error_is_listed_counted_and_forgotten_when_the_file_changes(
        db_path: Path, tmp_path: Path) -> None:
    song = make_track(tmp_path / "music" / "song.ogg", TagSet(title="Song", artists=["A"]))
    make_track(tmp_path / "music" / "other.ogg", TagSet(title="Other", artists=["B"]))
    riffle(db_path, "scan", str(tmp_path / "music"))
    store = Store.open(db_path)
    try:
        track = store.tracks.by_path(str(song))
        assert track is not None and track.id is not None
        store.tracks.set_play_error(track.id, "no decoder")
    finally:
        store.close()
    _, out, _ = riffle(db_path, "errors", "--json")
    assert json.loads(out) == [{"path": str(song), "reason": "no decoder", "kind": "play"}]
    assert riffle(db_path, "errors")[1] == f"{song}: could not be played: no decoder\n"
    _, out, _ = riffle(db_path, "stats", "--json")
    assert (json.loads(out)["play_errors"], json.loads(out)["tracks"]) == (1, 2)
    assert "unplayable    1" in riffle(db_path, "stats")[1]
    riffle(db_path, "scan")  # the same file: it would fail again
    assert json.loads(riffle(db_path, "errors", "--json")[1]) != []
    make_track(song, TagSet(title="Song", artists=["A"]), seconds=1.0)  # replaced
    code, out, _ = riffle(db_path, "scan")
    assert (code, out) == (0, "added 0, updated 1, moved 0, missing 0, errors 0\n")
    assert json.loads(riffle(db_path, "errors", "--json")[1]) == []
    assert riffle(db_path, "errors")[1] == "no unreadable or unplayable files\n"
    assert json.loads(riffle(db_path, "stats", "--json")[1])["play_errors"] == 0


def test_removing_a_library_folder_takes_its_tracks_out_until_it_is_added_again(
        db_path: Path, tmp_path: Path) -> None:
    music = tmp_path / "music"
    song = make_track(music / "song.ogg", TagSet(title="Song", artists=["A"]))
    nested = make_track(music / "kept" / "kept.ogg", TagSet(title="Kept", artists=["B"]))
    other = make_track(tmp_path / "other" / "other.ogg", TagSet(title="Other", artists=["C"]))
    riffle(db_path, "scan", str(music), str(music / "kept"), str(other.parent))
    track_id = _rate_and_play(db_path, song)
    code, out, _ = riffle(db_path, "roots", "remove", str(music))
    assert (code, out) == (0, f"removed: {music}; its 1 track is now missing, with plays and "
                              "ratings kept (add the folder again and scan to bring them back)\n")
    riffle(db_path, "scan")
    listed = _listed(db_path)
    assert (listed[str(song)]["missing"], listed[str(nested)]["missing"]) == (True, False)
    assert json.loads(riffle(db_path, "list", "--json", "title:song")[1])[0]["missing"]
    stats = json.loads(riffle(db_path, "stats", "--json")[1])
    assert (stats["tracks"], stats["missing"]) == (2, 1)
    code, _, err = riffle(db_path, "play", "title:song")
    assert (code, err) == (1, "riffle play: no playable track matches 'title:song'\n")
    assert riffle(db_path, "roots", "remove", str(music))[1] == f"not a library folder: {music}\n"
    code, out, _ = riffle(db_path, "scan", str(music))
    assert (code, out) == (0, "added 0, updated 0, moved 0, missing 0, errors 0, back 1\n")
    back = _listed(db_path)[str(song)]
    assert (back["id"], back["rating"], back["play_count"], back["missing"]) == (
        track_id, 5, 1, False)
