"""player/albums.py: which tracks make one album, and whose album it is."""

from __future__ import annotations

from player.albums import VARIOUS_ARTISTS, Album, album_folder, group_albums
from player.models import UNKNOWN_ARTIST


def test_a_compilation_without_album_artist_tags_is_one_album_of_various_artists() -> None:
    rows = [("Hits 1999", None, f"Artist {n}", "/m/Hits 1999") for n in range(5)]
    index, albums = group_albums(rows)
    assert albums == [Album("Hits 1999", VARIOUS_ARTISTS, 5, 0)]
    assert index == [0] * 5


def test_an_album_artist_tag_decides_and_one_shared_artist_names_the_album() -> None:
    rows = [
        ("Low", "David Bowie", "David Bowie", "/m/a"),
        ("Low", "David Bowie", "David Bowie / Brian Eno", "/m/a"),  # a guest on one track
        ("Low", None, "Low Band", "/m/b"),
        ("Low", None, "Low Band", "/m/b"),
        ("Duets", None, "Ann / Bob", "/m/c"),  # the first artist named counts
        ("Duets", None, "Ann", "/m/c"),
        (None, None, "Loose", "/m/d"),
    ]
    index, albums = group_albums(rows)
    assert [(a.title, a.artist, a.tracks) for a in albums] == [
        ("Low", "David Bowie", 2), ("Low", "Low Band", 2), ("Duets", "Ann", 2)]
    assert index == [0, 0, 1, 1, 2, 2, -1]


def test_same_name_in_two_folders_by_two_artists_stays_two_albums() -> None:
    rows = [("Greatest Hits", None, "Queen", "/m/q"), ("Greatest Hits", None, "ABBA", "/m/a")]
    _index, albums = group_albums(rows)
    assert [a.artist for a in albums] == ["Queen", "ABBA"]


def test_disc_folders_belong_to_their_album_and_partial_tags_merge() -> None:
    rows = [
        ("Box", None, "Ann", "/m/Box/CD1"), ("Box", None, "Bob", "/m/Box/CD2"),
        ("Solo", "Cleo", "Cleo", "/m/Solo"), ("solo", None, "cleo", "/m/Solo"),
        ("Nameless", None, None, "/m/n"),
    ]
    index, albums = group_albums(rows)
    assert [(a.title, a.artist, a.tracks) for a in albums] == [
        ("Box", VARIOUS_ARTISTS, 2), ("Solo", "Cleo", 2), ("Nameless", UNKNOWN_ARTIST, 1)]
    assert index == [0, 0, 1, 1, 2]


def test_album_folder_recognises_disc_folders_only() -> None:
    assert album_folder("/m/Box/CD1") == "/m/Box"
    assert album_folder("/m/Box/Disc 2") == "/m/Box"
    assert album_folder("/m/Box/disk_03") == "/m/Box"
    assert album_folder("/m/CD Collection") == "/m/CD Collection"
    assert album_folder("/m/Discovery") == "/m/Discovery"
