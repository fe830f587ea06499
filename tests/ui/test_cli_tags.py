"""`riffle tags ...` and `riffle rate` with ratings in tags: files written, read, refused."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import riffle
from library_factory import TagSet, make_track
from unprivileged import as_unprivileged, hand_over

from player.tags import read_track


def _library(folder: Path) -> list[Path]:
    return [make_track(folder / name, TagSet(title=name.split(".")[0], artists=["Band"]))
            for name in ("one.mp3", "two.flac", "three.ogg")]


def _ids(db: Path) -> dict[str, int]:
    return {t["title"]: t["id"] for t in json.loads(riffle(db, "list", "--json")[1])}


def test_write_then_read_ratings_and_the_auto_setting(db_path: Path, tmp_path: Path) -> None:
    one, two, three = _library(tmp_path / "music")
    riffle(db_path, "scan", str(tmp_path / "music"))
    ids = _ids(db_path)
    riffle(db_path, "rate", str(ids["one"]), "5")
    riffle(db_path, "rate", str(ids["two"]), "2")
    code, out, err = riffle(db_path, "tags", "write-ratings")
    assert (code, err) == (0, "")
    assert out == ("wrote 2 ratings into their files; 1 held theirs already or are unrated; "
                   "0 could not be written\n")
    assert [read_track(str(p)).tag_rating for p in (one, two, three)] == [5, 2, None]
    assert riffle(db_path, "tags", "write-ratings")[1].startswith("wrote 0 ratings")
    assert riffle(db_path, "scan")[1] == "added 0, updated 0, moved 0, missing 0, errors 0\n"

    code, out, _ = riffle(db_path, "tags", "auto")
    assert out == "new ratings are kept in Riffle only (off)\n"
    riffle(db_path, "tags", "auto", "on")
    riffle(db_path, "rate", str(ids["three"]), "4")
    assert read_track(str(three)).tag_rating == 4

    riffle(db_path, "tags", "auto", "off")
    from player.tag_writer import write_rating  # another player rates in the files
    write_rating(str(one), 1)
    code, out, _ = riffle(db_path, "tags", "read-ratings", "title:one")
    assert out == ("took 1 ratings from the files' tags; 0 were the same or hold none; "
                   "0 could not be read\n")
    listed = {t["title"]: t["rating"] for t in json.loads(riffle(db_path, "list", "--json")[1])}
    assert listed == {"one": 1, "two": 2, "three": 4}


def test_a_read_only_file_is_reported_and_left_as_it_was(world_folder: Path) -> None:
    one, two, three = _library(world_folder / "music")
    db = world_folder / "library.sqlite3"
    riffle(db, "scan", str(world_folder / "music"))
    ids = _ids(db)
    for title in ("one", "two", "three"):
        riffle(db, "rate", str(ids[title]), "3")
    hand_over(world_folder)
    two.chmod(0o444)
    kept = two.read_bytes()
    result = as_unprivileged("riffle", str(db), ["tags", "write-ratings"])
    assert result["code"] == 1
    assert result["out"] == ("wrote 2 ratings into their files; 0 held theirs already or are "
                             "unrated; 1 could not be written\n")
    assert result["err"] == (f"riffle tags: cannot write into {two}: the file is read-only\n")
    assert two.read_bytes() == kept
    assert [read_track(str(p)).tag_rating for p in (one, three)] == [3, 3]

    as_unprivileged("riffle", str(db), ["tags", "auto", "on"])
    result = as_unprivileged("riffle", str(db), ["rate", str(ids["two"]), "5"])
    assert result["code"] == 1
    assert result["err"] == (f"riffle: Rated ★★★★★, but the rating could not be written into "
                             f"1 file: {two} (the file is read-only).\n")
    assert two.read_bytes() == kept
    listed = {t["title"]: t["rating"] for t in json.loads(riffle(db, "list", "--json")[1])}
    assert listed["two"] == 5
