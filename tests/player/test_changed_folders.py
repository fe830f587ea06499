"""Folders to scan after changes on disk: the closest existing folder, never past a
library folder, nothing outside the library."""

from __future__ import annotations

from pathlib import Path

from player.changed_folders import folders_to_scan


def test_a_changed_file_scans_its_folder(tmp_path: Path) -> None:
    album = tmp_path / "lib" / "Band" / "Album"
    album.mkdir(parents=True)
    (album / "01.mp3").write_bytes(b"x")
    roots = [str(tmp_path / "lib")]
    assert folders_to_scan([str(album / "01.mp3"), str(album / "02.mp3")], roots) == [
        str(album)]


def test_an_emptied_or_removed_folder_is_scanned_from_its_parent(tmp_path: Path) -> None:
    band = tmp_path / "lib" / "Band"
    (band / "Empty").mkdir(parents=True)
    (band / "Kept").mkdir()
    (band / "Kept" / "a.flac").write_bytes(b"x")
    roots = [str(tmp_path / "lib")]
    assert folders_to_scan([str(band / "Empty" / "gone.mp3")], roots) == [str(band)]
    assert folders_to_scan([str(band / "Removed" / "Deeper" / "x.mp3")], roots) == [
        str(band)]


def test_a_library_folder_that_is_gone_is_not_stepped_over(tmp_path: Path) -> None:
    root = tmp_path / "disk"  # unplugged: not there at all
    assert folders_to_scan([str(root / "Band" / "x.mp3"), str(root)], [str(root)]) == [
        str(root)]


def test_outside_paths_are_ignored_and_nested_folders_merged(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "A" / "B").mkdir(parents=True)
    (lib / "A" / "B" / "x.mp3").write_bytes(b"x")
    (lib / "A" / "y.mp3").write_bytes(b"x")
    changed = [str(lib / "A" / "y.mp3"), str(lib / "A" / "B" / "x.mp3"),
               str(tmp_path / "elsewhere" / "z.mp3")]
    assert folders_to_scan(changed, [str(lib)]) == [str(lib / "A")]


def test_a_new_folder_is_scanned_itself_and_an_empty_new_one_not_at_all(
        tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "New" / "Album").mkdir(parents=True)
    (lib / "Empty").mkdir()
    (lib / "New" / "Album" / "a.mp3").write_bytes(b"x")
    assert folders_to_scan([str(lib / "New" / "Album")], [str(lib)]) == [
        str(lib / "New" / "Album")]
    assert folders_to_scan([str(lib / "Empty")], [str(lib)]) == []
