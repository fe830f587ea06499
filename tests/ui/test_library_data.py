"""ui/library_data.py: the table's fast filter finds exactly what player.query finds."""

from __future__ import annotations

import pytest

from player.models import PlayOutcome, PlaySource, Track
from player.query import parse
from player.store import Store
from player.store.listing import library_rows
from ui.library_data import Column, LibraryData, narrows

QUERIES = [
    "", "love", "LOVE", "été", "ÉTÉ", '"blue moon"', "artist:straße", "artist:STRASSE",
    "album:low", "genre:jazz", "title:song", "year:1979", "year:1990..", "year:..1980",
    "rating:>=4", "rating:0", "plays:>0", "skips:1", "love year:1970..1990", "03",
    "artist:various", "05 file", "flac", "m/",
]


def _library(store: Store) -> None:
    samples = [
        ("Love Song", ("Straße",), "Low Life", ("Jazz",), 1979, None),
        ("Été indien", ("Joe",), "Été", ("Chanson", "Pop"), 1975, ("Various",)),
        (None, (), None, (), None, None),
        ("Blue Moon", ("Billie",), "Lady", ("Jazz",), 1995, None),
        ("Another", ("A", "B"), "Mixed", ("Rock",), 2004, ("Various Artists",)),
    ]
    with store.db.transaction():
        for n, (title, artists, album, genres, year, albumartists) in enumerate(samples * 3):
            tid = store.tracks.upsert(Track(
                path=f"/m/{n:02d} file.flac", title=title, artists=artists, album=album,
                genres=genres, year=year, albumartists=albumartists or (),
                duration=61.0 * n if title else None))
            if n % 4 == 0:
                store.ratings.set(tid, n % 5 + 1)
            if n % 3 == 0:
                play = store.plays.start(tid, duration=10.0, source=PlaySource.USER,
                                         started_at=1000.0 + n)
                store.plays.finish(play, listened=10.0, outcome=PlayOutcome.COMPLETED)


@pytest.mark.parametrize("text", QUERIES)
def test_filter_agrees_with_the_query_module(store: Store, text: str) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    query = parse(text)
    expected = {t.id for t in store.tracks.all() if query.matches(t)}
    got = {data.ids[i] for i in data.filter(query, list(range(len(data))))}
    assert got == expected


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(("column", "values"), [
    (Column.YEAR, "years"), (Column.ARTIST, "artists"), (Column.ALBUM, "albums"),
    (Column.GENRE, "genres"), (Column.RATING, "ratings"), (Column.PLAYS, "plays"),
    (Column.DURATION, "durations"), (Column.LAST_PLAYED, "last_played"),
])
def test_sort_puts_empty_values_last_in_both_directions(store: Store, column: Column,
                                                        values: str, descending: bool) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    shown = getattr(data, values)
    order = list(data.order(column, descending))
    assert sorted(order) == list(range(len(data)))
    blank = (lambda v: not v) if column in (Column.RATING, Column.PLAYS) or values in (
        "artists", "albums", "genres") else (lambda v: v is None)  # what shows as nothing
    filled = [i for i in order if not blank(shown[i])]
    empty = [i for i in order if blank(shown[i])]
    assert empty and filled, "the sample has both"
    assert order == filled + empty  # the empty ones last, whichever the direction
    keys = [shown[i].casefold() if isinstance(shown[i], str) else shown[i] for i in filled]
    assert keys == sorted(keys, reverse=descending)
    assert empty == sorted(empty)  # in library order among themselves


def test_sort_keeps_library_order_among_ties(store: Store) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    for descending in (False, True):
        order = list(data.order(Column.GENRE, descending))
        for genre in {g for g in data.genres if g}:
            same = [i for i in order if data.genres[i] == genre]
            assert same == sorted(same)


def test_browse_by_artist_album_and_single_genre(store: Store) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    everything = list(range(len(data)))
    pop = data.filter(parse(""), everything, [("genre", "Pop")])
    assert {data.titles[i] for i in pop} == {"Été indien"}
    assert data.distinct("genre")["Jazz"] == 6
    various = data.filter(parse(""), everything, [("artist", "Various"), ("album", "Été")])
    assert len(various) == 3




@pytest.mark.parametrize(("old", "new", "expected"), [
    ("lo", "lov", True), ("love", "love song", True), ("love", "glove", True),
    ("love", "lo", False), ("artist:a", "artist:ab", True), ("artist:ab", "album:ab", False),
    ("year:1990", "year:1990 love", True), ("year:199", "year:1990", False),
    ("love song", "love", False),
])
def test_narrowing_is_recognised_only_when_it_is_sure(old: str, new: str,
                                                      expected: bool) -> None:
    assert narrows(parse(old), parse(new)) is expected


def test_albums_are_grouped_as_player_albums_says_and_browsed_by_key(store: Store) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    assert {(a.title, a.artist): a.tracks for a in data.album_list} == {
        ("Low Life", "Straße"): 3, ("Été", "Various"): 3, ("Lady", "Billie"): 3,
        ("Mixed", "Various Artists"): 3}
    everything = list(range(len(data)))
    ete = next(n for n, a in enumerate(data.album_list) if a.title == "Été")
    rows = data.filter(parse(""), everything, [("album_key", data.album_list[ete].key)])
    assert [data.titles[i] for i in rows] == ["Été indien"] * 3
    assert sorted(data.album_rows(ete)) == sorted(rows)
    shelf = [data.album_list[n].artist.casefold() for n in data.albums_in(everything)]
    assert shelf == sorted(shelf)
    assert data.albums_in(data.filter(parse("billie"), everything)) == [
        next(n for n, a in enumerate(data.album_list) if a.title == "Lady")]
