"""player/rating_tags.py (and edits.rate with the setting on): ratings between Riffle and
the files' tags, without the scanner taking Riffle's own write for a change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from library_factory import TagSet, make_track
from mutagen import id3

from player import edits
from player import settings as s
from player.errors import PartialWriteError
from player.library import Scanner
from player.models import Track
from player.rating_tags import read_ratings, write_ratings
from player.settings import Settings
from player.store import Store
from player.tags import read_track


def _scanned(store: Store, folder: Path) -> tuple[dict[str, int], list[str]]:
    """Three tagged files scanned into *store*; a list that records every file read."""
    make_track(folder / "a.mp3", TagSet(title="A", artists=["X"]))
    make_track(folder / "b.flac", TagSet(title="B", artists=["X"]))
    make_track(folder / "c.ogg", TagSet(title="C", artists=["X"], extra={"FMPS_RATING": ["0.6"]}))
    reads: list[str] = []

    def counting(path: str, **kwargs: object) -> Track:
        reads.append(os.path.basename(path))
        return read_track(path, **kwargs)  # type: ignore[arg-type]

    with store.db.transaction():
        store.roots.add(str(folder))
    scanner = Scanner(store, reader=counting)
    scanner.scan()
    reads.clear()
    ids = {t.display_title: t.id for t in store.tracks.find("")}
    return ids, reads  # type: ignore[return-value]


def test_written_ratings_are_not_taken_for_changes_by_the_next_scan(store: Store,
                                                                    tmp_path: Path) -> None:
    ids, reads = _scanned(store, tmp_path / "music")
    edits.rate(store, [ids["A"], ids["B"]], 4)
    report = write_ratings(store, [ids["A"], ids["B"]])
    assert (report.done, report.problems) == (2, [])
    for title in ("A", "B"):
        path = store.tracks.get(ids[title]).path
        assert read_track(path).tag_rating == 4
        st = os.stat(path)
        assert (store.tracks.get(ids[title]).mtime_ns, store.tracks.get(ids[title]).size) == \
            (st.st_mtime_ns, st.st_size)
    scanner_report = Scanner(store, reader=lambda p, **k: reads.append(p) or read_track(p)
                             ).scan()
    assert reads == [] and scanner_report.updated == 0


def test_a_file_changed_on_disk_before_the_write_is_still_read_again(
        store: Store, tmp_path: Path) -> None:
    ids, _ = _scanned(store, tmp_path / "music")
    path = Path(store.tracks.get(ids["A"]).path)
    audio = id3.ID3(path)
    audio.add(id3.TALB(encoding=3, text=["Changed elsewhere"]))
    audio.save()
    edits.rate(store, [ids["A"]], 2)
    write_ratings(store, [ids["A"]])
    assert Scanner(store).scan().updated == 1
    assert store.tracks.get(ids["A"]).album == "Changed elsewhere"


def test_write_all_skips_what_already_agrees_and_read_takes_what_the_files_say(
        store: Store, tmp_path: Path) -> None:
    ids, _ = _scanned(store, tmp_path / "music")
    assert store.ratings.get(ids["C"]) == 3  # the tag's rating became its first rating
    edits.rate(store, [ids["A"]], 5)
    report = write_ratings(store, ids.values(), only_different=True)
    assert (report.done, report.unchanged) == (1, 2)  # C agrees, B has no rating
    assert write_ratings(store, ids.values(), only_different=True).done == 0
    # another player changes the ratings in the files
    from player.tag_writer import write_rating
    write_rating(store.tracks.get(ids["B"]).path, 1)
    write_rating(store.tracks.get(ids["C"]).path, 4)
    report, changes = read_ratings(store, ids.values())
    assert (report.done, report.unchanged, changes.ratings) == (2, 1, {ids["B"], ids["C"]})
    assert [store.ratings.get(ids[t]) for t in "ABC"] == [5, 1, 4]
    assert store.ratings.history(ids["B"])[-1].source == "tag"


def test_rate_writes_the_tags_only_with_the_setting_on(store: Store, tmp_path: Path) -> None:
    ids, _ = _scanned(store, tmp_path / "music")
    path = store.tracks.get(ids["A"]).path
    edits.rate(store, [ids["A"]], 5)
    assert read_track(path).tag_rating is None
    edits.save_settings(store, {s.RATINGS_IN_TAGS: True})
    assert Settings(store.settings).get(s.RATINGS_IN_TAGS) is True
    assert edits.rate(store, [ids["A"]], 4).ratings == {ids["A"]}
    assert read_track(path).tag_rating == 4
    edits.rate(store, [ids["A"]], 0)
    assert read_track(path).tag_rating is None and store.ratings.get(ids["A"]) is None


def test_a_file_that_cannot_be_written_is_reported_and_the_rating_kept(
        store: Store, tmp_path: Path) -> None:
    ids, _ = _scanned(store, tmp_path / "music")
    edits.save_settings(store, {s.RATINGS_IN_TAGS: True})
    gone = store.tracks.get(ids["B"]).path
    kept = Path(gone).read_bytes()
    os.rename(gone, gone + ".moved")
    with pytest.raises(PartialWriteError, match=r"could not be written into 1 file: .*b\.flac"
                       r" \(cannot be opened: No such file or directory\)") as caught:
        edits.rate(store, [ids["A"], ids["B"]], 3)
    assert caught.value.changes.ratings == {ids["A"], ids["B"]}
    assert store.ratings.get(ids["B"]) == 3 and store.ratings.get(ids["A"]) == 3
    assert read_track(store.tracks.get(ids["A"]).path).tag_rating == 3
    assert Path(gone + ".moved").read_bytes() == kept
