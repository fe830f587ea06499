"""player/matching.py: finding the library's track for a name given elsewhere."""

from __future__ import annotations

from player.matching import LibraryIndex, MatchKind, fold, local_path, path_parts
from player.models import Track
from player.store import Store


def _library(store: Store) -> dict[str, int]:
    rows = {
        "autobahn": Track(path="/home/ann/Music/Kraftwerk/Autobahn/01 Autobahn.flac",
                          title="Autobahn", artists=("Kraftwerk",), album="Autobahn",
                          duration=1362.0),
        "radio": Track(path="/home/ann/Music/Kraftwerk/Radio-Activity/03 Radioactivity.mp3",
                       title="Radioactivity", artists=("Kraftwerk",), album="Radio-Activity",
                       duration=402.0),
        "radio_single": Track(path="/home/ann/Music/Singles/Radioactivity.mp3",
                              title="Radioactivity", artists=("Kraftwerk",),
                              album="Singles 1975", duration=221.0),
        "intro_a": Track(path="/home/ann/Music/A/First/01 Intro.ogg", title="Intro",
                         artists=("Band A",), album="First"),
        "intro_b": Track(path="/home/ann/Music/B/Second/01 Intro.ogg", title="Intro",
                         artists=("Band B",), album="Second"),
        "ete": Track(path="/home/ann/Music/Gamma/Été indien/Soleil d’été.flac",
                     title="Soleil d’Été", artists=("Gamma Chœur", "Ann Other"),
                     album="Été indien", duration=180.0),
    }
    with store.db.transaction():
        return {key: store.tracks.upsert(track) for key, track in rows.items()}


def test_fold_ignores_case_accents_quotes_and_spacing() -> None:
    assert fold("  Soleil  d’ÉTÉ ") == fold("soleil d'ete")
    assert fold("Motörhead") == "motorhead"
    assert fold("Straße") == fold("STRASSE")
    assert fold(None) == fold("") == ""


def test_paths_from_any_system_come_apart_into_components() -> None:
    assert path_parts("C:\\Users\\bob\\Music\\a.mp3") == ["Users", "bob", "Music", "a.mp3"]
    assert path_parts("file:///C:/Music/a%20b.mp3") == ["Music", "a b.mp3"]
    assert path_parts("../Music/./x.flac") == ["..", "Music", "x.flac"]
    assert local_path("file:///home/ann/caf%E9.mp3") == "/home/ann/caf\udce9.mp3"
    assert local_path("file://localhost/home/a.mp3") == "/home/a.mp3"


def test_absolute_relative_and_url_locations_match_by_path(store: Store) -> None:
    ids = _library(store)
    index = LibraryIndex.of(store)
    found = index.match(location="/home/ann/Music/Kraftwerk/Autobahn/01 Autobahn.flac")
    assert found is not None and (found.track_id, found.kind) == (ids["autobahn"],
                                                                  MatchKind.PATH)
    found = index.match(location="../Kraftwerk/Autobahn/01 Autobahn.flac",
                        base="/home/ann/Music/Playlists")
    assert found is not None and (found.track_id, found.kind) == (ids["autobahn"],
                                                                  MatchKind.RELATIVE)
    found = index.match(location="..\\Singles\\Radioactivity.mp3",
                        base="/home/ann/Music/Playlists")
    assert found is not None and found.track_id == ids["radio_single"]
    found = index.match(location="file:///home/ann/Music/Singles/Radioactivity.mp3")
    assert found is not None and (found.track_id, found.kind) == (ids["radio_single"],
                                                                  MatchKind.PATH)


def test_a_path_from_another_machine_matches_by_its_longest_unique_tail(store: Store) -> None:
    ids = _library(store)
    index = LibraryIndex.of(store)
    windows = "D:\\Users\\Bob\\My Music\\kraftwerk\\AUTOBAHN\\01 Autobahn.flac"
    found = index.match(location=windows)
    assert found is not None and (found.track_id, found.kind) == (ids["autobahn"],
                                                                  MatchKind.TAIL)
    # "01 Intro.ogg" alone is in two folders; the album folder tells them apart
    assert index.by_tail("/media/old/B/Second/01 Intro.ogg") == ids["intro_b"]
    assert index.by_tail("/media/old/Compilations/01 Intro.ogg") is None
    # macOS writes accents decomposed
    mac = "/Users/bob/Music/Gamma/E\u0301te\u0301 indien/Soleil d’e\u0301te\u0301.flac"
    assert index.by_tail(mac) == ids["ete"]


def test_tags_match_ignoring_case_and_accents_and_choose_by_album_then_length(
        store: Store) -> None:
    ids = _library(store)
    index = LibraryIndex.of(store)
    assert index.by_tags("gamma choeur", "SOLEIL D'ETE") is None  # œ is a letter, not oe
    assert index.by_tags("Gamma Chœur", "soleil d'ete") == ids["ete"]
    assert index.by_tags("Ann Other", "Soleil d’été") == ids["ete"]  # any of its artists
    assert index.by_tags("Gamma Chœur feat. Someone", "Soleil d'été") == ids["ete"]
    assert index.by_tags("Kraftwerk", "Radioactivity", album="singles 1975") == \
        ids["radio_single"]
    assert index.by_tags("Kraftwerk", "Radioactivity", duration=400.0) == ids["radio"]
    assert index.by_tags("Kraftwerk", "Radioactivity", duration=222.5) == ids["radio_single"]
    assert index.by_tags("Kraftwerk", "Radioactivity", duration=300.0) is None
    assert index.by_tags(None, "Autobahn") == ids["autobahn"]  # a title no other has
    assert index.by_tags(None, "Intro") is None
    found = index.match(location="C:\\gone\\nothing.mp3", artist="Kraftwerk",
                        title="Autobahn")
    assert found is not None and (found.track_id, found.kind) == (ids["autobahn"],
                                                                  MatchKind.TAGS)
    assert index.match(location="C:\\gone\\nothing.mp3", artist="Nobody",
                       title="Nothing") is None
