"""player/query.py: parsing, and the SQL and Python forms giving the same tracks."""

from __future__ import annotations

import pytest

from player.errors import QueryError, RiffleError
from player.models import PlayOutcome, PlaySource, Track
from player.query import RangeTerm, TextTerm, parse, register_sql_functions
from player.store import Store

TRACKS = [
    Track(path="/m/joy/atmosphere.flac", title="Atmosphere", artists=("Joy Division",),
          album="Substance", genres=("Post-Punk",), year=1980),
    Track(path="/m/no/blue monday.mp3", title="Blue Monday", artists=("New Order",),
          album="Power, Corruption & Lies", albumartists=("New Order",),
          genres=("Synth-pop", "Dance"), year=1983),
    Track(path="/m/no/true faith.mp3", title="True Faith", artists=("New Order",),
          album="Substance", genres=("Synth-pop",), year=1987),
    Track(path="/m/misc/été.ogg", title="ÉTÉ INDIEN", artists=("Joe Dassin",),
          album="Joe Dassin", genres=("Chanson",), year=1975),
    Track(path="/m/misc/untitled take.wav"),
    Track(path="/m/comp/song.mp3", title="Song", artists=("Guest",),
          albumartists=("Various Artists",), album="Hits", year=1999),
]
# title → (stars, completed plays, skips)
HISTORY = {"Atmosphere": (5, 12, 0), "Blue Monday": (4, 11, 2), "True Faith": (2, 3, 1),
           "Song": (0, 0, 0)}


@pytest.fixture
def library(store: Store) -> Store:
    with store.db.transaction():
        for n, track in enumerate(TRACKS):
            tid = store.tracks.upsert(track)
            stars, plays, skips = HISTORY.get(track.title or "", (0, 0, 0))
            if stars:
                store.ratings.set(tid, stars)
            for i in range(plays + skips):
                pid = store.plays.start(tid, duration=100.0, source=PlaySource.USER,
                                        started_at=1000.0 * n + i)
                outcome = PlayOutcome.SKIPPED if i < skips else PlayOutcome.COMPLETED
                store.plays.finish(pid, listened=10.0, outcome=outcome)
    register_sql_functions(store.db.conn)
    return store


def _titles_sql(store: Store, text: str) -> list[str]:
    where, params = parse(text).to_sql()
    return sorted(t.display_title for t in store.tracks.all(where, params))


def _titles_py(store: Store, text: str) -> list[str]:
    query = parse(text)
    return sorted(t.display_title for t in store.tracks.all() if query.matches(t))


CASES = [
    ("", ["Atmosphere", "Blue Monday", "Song", "True Faith", "untitled take", "ÉTÉ INDIEN"]),
    ("order", ["Blue Monday", "True Faith"]),
    ("ORDER substance", ["True Faith"]),
    ("substance", ["Atmosphere", "True Faith"]),
    ("dance", ["Blue Monday"]),  # second genre of a multi-value field
    ("été", ["ÉTÉ INDIEN"]),  # case-folding beyond ASCII
    ("untitled", ["untitled take"]),  # a file without tags is found by its file name
    ("flac", ["Atmosphere"]),  # free words look in the file's name too ...
    ("monday.mp3", ["Blue Monday"]),
    ("misc", []),  # ... but not in its folders
    ("title:flac", []),
    ('"blue monday"', ["Blue Monday"]),
    ('"monday blue"', []),
    ("artist:joy", ["Atmosphere"]),
    ('artist:"new order"', ["Blue Monday", "True Faith"]),
    ("artist:various", ["Song"]),  # artist: looks at the album artist too
    ("albumartist:new", ["Blue Monday"]),
    ("album:substance", ["Atmosphere", "True Faith"]),
    ("genre:synth", ["Blue Monday", "True Faith"]),
    ("title:faith", ["True Faith"]),
    ("year:1980..1985", ["Atmosphere", "Blue Monday"]),
    ("year:1983", ["Blue Monday"]),
    ("year:..1979", ["ÉTÉ INDIEN"]),
    ("year:1990..", ["Song"]),
    ("year:<1980", ["ÉTÉ INDIEN"]),
    ("rating:>=4", ["Atmosphere", "Blue Monday"]),
    ("rating:5", ["Atmosphere"]),
    ("rating:0", ["Song", "untitled take", "ÉTÉ INDIEN"]),  # unrated counts as 0
    ("rating:<3 artist:order", ["True Faith"]),
    ("plays:>10", ["Atmosphere", "Blue Monday"]),  # 12 and 11 completed
    ("plays:>11", ["Atmosphere"]),  # Blue Monday's two skips are no plays
    ("plays:11", ["Blue Monday"]),
    ("skips:>=1", ["Blue Monday", "True Faith"]),
    ("order year:1987 rating:2 plays:3", ["True Faith"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sql_and_python_forms_find_the_same_tracks(library: Store, text: str,
                                                   expected: list[str]) -> None:
    assert _titles_sql(library, text) == expected
    assert _titles_py(library, text) == expected


def test_matches_works_on_tracks_read_from_disk_without_a_title() -> None:
    track = Track(path="/music/Some Demo.mp3", artists=("A",))
    assert parse("demo").matches(track)
    assert parse("title:some").matches(track)
    assert not parse("artist:b").matches(track)
    assert not parse("year:2000").matches(track)  # no year never matches a year filter


def test_parse_builds_the_expected_terms() -> None:
    query = parse('  Love  artist:"Joy Division" year:1979..1982 rating:>=4 plays:>10 ')
    assert [type(t) for t in query.terms] == [TextTerm, TextTerm, RangeTerm, RangeTerm,
                                              RangeTerm]
    text_terms = [t for t in query.terms if isinstance(t, TextTerm)]
    assert [t.needle for t in text_terms] == ["love", "joy division"]
    assert text_terms[1].columns == ("artist", "albumartist")
    ranges = [(t.field, t.low, t.high) for t in query.terms if isinstance(t, RangeTerm)]
    assert ranges == [("year", 1979, 1982), ("rating", 4, None), ("plays", 11, None)]
    assert parse("").is_empty and parse("   ").is_empty


def test_to_sql_is_parameterised() -> None:
    where, params = parse("it's artist:o'brien rating:<=2").to_sql()
    assert "'" not in where.replace("''", "")
    assert params == ["it's"] * 5 + ["o'brien", "o'brien", 2]
    assert parse("").to_sql() == ("", [])


@pytest.mark.parametrize(("text", "fragment"), [
    ("colour:blue", "Unknown filter 'colour:'"),
    ("artist:", "has no value"),
    ('artist:""', "has no value"),
    ("year:nineties", "needs a number, a comparison or a range"),
    ("year:1999..1990", "empty range"),
    ("year:..", "needs a number"),
    ("rating:>=7", "out of range: rating goes from 0 to 5"),
    ("plays:>=-1", "out of range"),
    ('"unclosed phrase', "Unbalanced quote"),
])
def test_bad_query_says_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert fragment in str(info.value)
    assert isinstance(info.value, RiffleError)


def test_quoting_a_colon_searches_the_text_itself() -> None:
    query = parse('"live: 1979"')
    assert query.matches(Track(path="/x.mp3", title="Live: 1979"))
    assert not query.matches(Track(path="/x.mp3", title="Live 1979"))


def test_find_runs_a_query_against_the_store(store: Store) -> None:
    """One function turns query text into tracks for every face: unreadable files never
    match, missing ones only when not asking for what can be played."""
    with store.db.transaction():
        ids = {t.title: store.tracks.upsert(t) for t in TRACKS[:3]}
        store.tracks.mark_missing([ids["True Faith"]])
        store.tracks.record_error("/m/no/broken order.mp3", 1, 1, "damaged")
    assert [t.title for t in store.tracks.find("order")] == ["Blue Monday", "True Faith"]
    assert [t.title for t in store.tracks.find("order", playable=True)] == ["Blue Monday"]
    assert len(store.tracks.find("")) == 3
    with pytest.raises(QueryError):
        store.tracks.find("colour:blue")


def test_a_file_name_that_is_not_utf8_is_searched_alike_in_both_forms(store: Store) -> None:
    odd = "/m/odd/caf\udce9 noir.mp3"  # a Latin-1 "é" in the name, kept as Python keeps it
    with store.db.transaction():
        store.tracks.upsert(Track(path=odd, title="Espresso"))
        store.tracks.upsert(Track(path="/m/noir/other.mp3", title="Other"))
    register_sql_functions(store.db.conn)
    for text in ("noir", "caf\ufffd"):
        assert _titles_sql(store, text) == _titles_py(store, text) == ["Espresso"]
