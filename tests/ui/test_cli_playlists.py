"""`riffle playlist ...`: playlists from other players' files, shown, written back out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import riffle
from window_rig import make_music


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_music(tmp_path_factory.mktemp("music"), seconds=0.5)


@pytest.fixture
def scanned(db_path: Path, music: Path) -> Path:
    assert riffle(db_path, "scan", str(music))[0] == 0
    return db_path


def _playlist(tmp_path: Path, music: Path) -> Path:
    path = tmp_path / "From Windows.m3u8"
    path.write_text("\n".join([
        "#EXTM3U",
        "#EXTINF:3,Alpha Lake - Dawn",
        "C:\\Users\\bob\\Music\\Alpha Lake\\First Light\\01 Dawn.flac",
        "#EXTINF:3,Beta Engine - Redline",
        "D:\\gone\\redline.wma",
        f"{music}/Gamma Choir/Été indien/03 Orage.ogg",
        "#EXTINF:200,Nobody - Nowhere",
        "E:\\nothing\\here.mp3",
    ]) + "\n", encoding="utf-8")
    return path


def test_import_reports_what_matched_and_lists_the_rest_with_their_lines(
        scanned: Path, music: Path, tmp_path: Path) -> None:
    source = _playlist(tmp_path, music)
    code, out, err = riffle(scanned, "playlist", "import", str(source))
    assert code == 0
    assert out == ("From Windows: 4 entries, 3 found (1 by path, 1 by tags, 1 by tail), "
                   "1 not found (kept as missing)\n")
    assert err == f"{source}:8: not found: E:\\nothing\\here.mp3 (Nobody – Nowhere)\n"
    code, out, _ = riffle(scanned, "playlist", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["name"], listed["entries"], listed["unmatched"], listed["query"]) == \
        ("From Windows", 4, 1, None)
    code, out, _ = riffle(scanned, "playlist", "show", "from windows")
    lines = out.splitlines()
    assert lines[0] == "From Windows: 4 entries, 1 not found in the library"
    assert "Alpha Lake – Dawn" in lines[1] and "Beta Engine – Redline" in lines[2]
    assert "Gamma Choir – Orage" in lines[3]
    assert lines[4].strip() == "not found: E:\\nothing\\here.mp3 (Nobody – Nowhere)"
    items = json.loads(riffle(scanned, "playlist", "show", "From Windows", "--json")[1])["items"]
    assert [i["track"]["title"] if i["track"] else None for i in items] == \
        ["Dawn", "Redline", "Orage", None]
    assert items[3]["location"] == "E:\\nothing\\here.mp3"


def test_export_round_trips_and_import_json(scanned: Path, music: Path,
                                            tmp_path: Path) -> None:
    riffle(scanned, "playlist", "import", str(_playlist(tmp_path, music)), "--name", "Trip")
    out = tmp_path / "trip.xspf"
    code, _, err = riffle(scanned, "playlist", "export", "Trip", str(out))
    assert code == 0 and err == f"wrote 4 entries of Trip to {out}\n"
    code, _, err = riffle(scanned, "playlist", "export", "Trip", str(out))
    assert code == 1 and "already exists" in err
    code, text, _ = riffle(scanned, "playlist", "import", str(out), "--name", "Trip 2",
                           "--json")
    (report,) = json.loads(text)
    assert (report["entries"], report["matched"]) == (4, {"path": 3})
    assert report["unmatched"] == [{"line": 26, "location": "file:///E:/nothing/here.mp3",
                                    "artist": "Nobody", "title": "Nowhere"}]


def test_smart_playlists_follow_ratings_and_rename_and_delete(scanned: Path) -> None:
    code, out, _ = riffle(scanned, "playlist", "smart", "Loved", "rating:>=4")
    assert (code, out) == (0, "Loved: rating:>=4 (0 tracks now)\n")
    tracks = json.loads(riffle(scanned, "list", "artist:beta", "--json")[1])
    for track in tracks[:2]:
        riffle(scanned, "rate", str(track["id"]), "5")
    shown = json.loads(riffle(scanned, "playlist", "show", "loved", "--json")[1])
    assert [t["id"] for t in shown["tracks"]] == [t["id"] for t in tracks[:2]]
    code, out, _ = riffle(scanned, "playlist", "smart", "Loved", "--replace", "artist:alpha")
    assert out == "Loved: artist:alpha (3 tracks now)\n"
    code, _, err = riffle(scanned, "playlist", "smart", "Bad", "rating:lots")
    assert code == 1 and "rating:lots" in err
    assert riffle(scanned, "playlist", "rename", "loved", "Alpha")[1] == \
        "renamed: Loved → Alpha\n"
    code, _, err = riffle(scanned, "playlist", "show", "Loved")
    assert code == 1 and "No playlist named 'Loved' (the playlists: 'Alpha')" in err
    assert riffle(scanned, "playlist", "delete", "alpha")[1] == "deleted: Alpha\n"
    assert riffle(scanned, "playlist", "list")[1].startswith("no playlists yet")


@pytest.mark.slow
def test_play_a_playlist_in_its_order(scanned: Path, music: Path, tmp_path: Path) -> None:
    source = tmp_path / "two.m3u"
    source.write_text(f"{music}/Gamma Choir/Été indien/03 Orage.ogg\n"
                      f"{music}/Alpha Lake/First Light/01 Dawn.flac\n"
                      "D:\\not\\here.mp3\n", encoding="utf-8")
    riffle(scanned, "playlist", "import", str(source))
    code, out, err = riffle(scanned, "play", "--playlist", "two", "--aout", "dummy")
    assert code == 0, err
    assert [line.rsplit("  [", 1)[0] for line in out.splitlines()] == [
        "▶ Gamma Choir – Orage (Été indien)", "▶ Alpha Lake – Dawn (First Light)"]
    code, _, err = riffle(scanned, "play", "--playlist", "nope", "--aout", "dummy")
    assert code == 1 and "No playlist named 'nope'" in err
