"""ui/library_data.py: the table's fast filter finds exactly what player.query finds."""

from __future__ import annotations

import pytest

from player.models import Track
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
                genres=genres, year=year, albumartists=albumartists or (), duration=61.0 * n))
            if n % 4 == 0:
                store.ratings.set(tid, n % 5 + 1)
            if n % 3 == 0:
                store.plays.start(tid, duration=10.0, source="user")


@pytest.mark.parametrize("text", QUERIES)
def test_filter_agrees_with_the_query_module(store: Store, text: str) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    query = parse(text)
    expected = {t.id for t in store.tracks.all() if query.matches(t)}
    got = {data.ids[i] for i in data.filter(query, list(range(len(data))))}
    assert got == expected


def test_sort_keeps_library_order_among_ties_and_puts_unknowns_last(store: Store) -> None:
    _library(store)
    data = LibraryData(library_rows(store.db))
    years = [data.years[i] for i in data.order(Column.YEAR)]
    assert years[-3:] == [None, None, None]
    assert years[:-3] == sorted(y for y in years if y is not None)
    down = [data.ratings[i] or 0 for i in data.order(Column.RATING, descending=True)]
    assert down == sorted(down, reverse=True)


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
