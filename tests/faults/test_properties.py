"""Property tests: random and adversarial values through every layer that meets them.

Tag values (huge, control characters, NUL, invalid UTF-8, absurd numbers) go through the
tag reader, the store and both faces' formatting; random bytes behind real audio headers
go through the scanner and the decoder. Nothing may escape but Riffle's own errors, and
every failure must carry a reason a person can read.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest
from audio_factory import sine, write_audio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from library_factory import TagSet, make_track

from player import tag_values as tv
from player.errors import AnalysisError, TagError
from player.library import Scanner
from player.models import Track
from player.store import Store
from player.tags import read_track
from ui.cli.library_commands import track_json, track_line
from ui.cli.output import dumps, shown, terminal_text

pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

#: What no text shown to a person may hold raw.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Text as hostile as a tag can be: control characters, NUL, bidirectional overrides,
# markup, very long runs, and the rest of Unicode (surrogates excluded: a tag writer
# cannot encode them; invalid UTF-8 comes as raw bytes below).
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.sampled_from("\x00\x01\x1b\x07\x7f\u202e\u2066\u200f<>&\"' a\n\t"),
            max_size=40),
    st.builds(lambda c, n: c * n, st.sampled_from("xé東\x1b"), st.integers(1000, 30_000)),
)
absurd_number = st.one_of(
    st.sampled_from(["1e400", "-1e400", "1e308", "nan", "inf", "-0", "0", "9" * 5000,
                     "1e309", "+250 dB", "2.5", "1/0", "3/1e9", "0x10", "٣", "Ⅻ"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


def _check_track(track: Track) -> None:
    """What any Track read from any file must satisfy."""
    for text in (track.title, track.album, *track.artists, *track.albumartists,
                 *track.genres):
        if text is None:
            continue
        assert text and len(text) <= tv.MAX_TEXT and text == text.strip()
        assert not re.search("[\x00-\x1f\x7f]", text)
        text.encode("utf-8")  # storable
    for values in (track.artists, track.albumartists, track.genres):
        assert len(values) <= tv.MAX_VALUES and sum(map(len, values)) <= tv.MAX_FIELD_TEXT
    for number in (track.track_number, track.track_total, track.disc_number,
                   track.disc_total):
        assert number is None or 1 <= number <= tv.MAX_NUMBER
    assert track.year is None or 1000 <= track.year <= 2999
    for gain in (track.rg_track_gain, track.rg_album_gain):
        assert gain is None or (math.isfinite(gain) and abs(gain) <= tv.MAX_GAIN_DB)
    for peak in (track.rg_track_peak, track.rg_album_peak):
        assert peak is None or 0 < peak <= tv.MAX_PEAK
    assert track.tag_rating is None or 1 <= track.tag_rating <= 5
    assert track.duration is None or 0 < track.duration <= 7 * 24 * 3600


def _check_faces(track: Track) -> None:
    """Both faces show the track without a raw control character, and JSON keeps it."""
    line = terminal_text(track_line(track))
    assert not _UNSAFE.search(line)
    assert not _UNSAFE.search(shown(track.path))
    document = dumps(track_json(track))
    assert not _UNSAFE.search(document)
    assert json.loads(document) == json.loads(json.dumps(track_json(track)))


@pytest.fixture(scope="module")
def flac_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_track(tmp_path_factory.mktemp("template") / "t.flac", TagSet(title="t"))


@SETTINGS
@given(title=hostile_text, artists=st.lists(hostile_text, max_size=80), album=hostile_text,
       track=absurd_number, date=absurd_number, gain=absurd_number, peak=absurd_number,
       rating=absurd_number)
def test_hostile_tags_read_store_and_show_safely(
        tmp_path: Path, flac_template: Path, title: str, artists: list[str], album: str,
        track: str, date: str, gain: str, peak: str, rating: str) -> None:
    path = tmp_path / "hostile.flac"
    shutil.copy(flac_template, path)
    from mutagen.flac import FLAC

    audio = FLAC(path)
    for key, values in (("TITLE", [title]), ("ARTIST", artists), ("ALBUM", [album]),
                        ("TRACKNUMBER", [track]), ("DATE", [date]),
                        ("REPLAYGAIN_TRACK_GAIN", [gain]), ("REPLAYGAIN_TRACK_PEAK", [peak]),
                        ("RATING", [rating])):
        values = [v for v in values if v]
        if values:
            audio[key] = values
    audio.save()
    read = read_track(str(path))
    _check_track(read)
    store = Store.open(tmp_path / f"lib-{abs(hash(title)) % 10**6}.sqlite3")
    try:
        with store.db.transaction():
            track_id = store.tracks.upsert(read)
        stored = store.tracks.get(track_id)
    finally:
        store.close()
    assert (stored.title, stored.artists, stored.album) == (read.display_title, read.artists,
                                                           read.album)
    assert (stored.track_number, stored.year, stored.rg_track_gain, stored.tag_rating) == (
        read.track_number, read.year, read.rg_track_gain, read.tag_rating)
    _check_faces(stored)


@SETTINGS
@given(garbage=st.binary(min_size=4, max_size=4))
def test_invalid_utf8_in_a_tag_is_read_as_text(tmp_path: Path, flac_template: Path,
                                               garbage: bytes) -> None:
    path = tmp_path / "bytes.flac"
    make_track(path, TagSet(title="QQQQ", artists=["WWWW"]))
    path.write_bytes(path.read_bytes().replace(b"QQQQ", garbage).replace(b"WWWW", garbage))
    _check_track(read_track(str(path)))


@SETTINGS
@given(values=st.lists(st.one_of(hostile_text, st.binary(max_size=50), st.integers(),
                                 st.floats(), st.none()), max_size=30))
def test_tag_value_parsers_never_raise(values: list[object]) -> None:
    notes: tv.Notes = []
    cleaned = tv.clean_values(values, notes)
    assert len(cleaned) <= tv.MAX_VALUES
    texts = [str(v) for v in values]
    tv.parse_year(texts)
    tv.parse_number_pair(texts, notes)
    gain = tv.parse_gain(texts, notes)
    assert gain is None or abs(gain) <= tv.MAX_GAIN_DB
    peak = tv.parse_peak(texts, notes)
    assert peak is None or 0 < peak <= tv.MAX_PEAK
    r128 = tv.r128_to_replaygain(texts, notes)
    assert r128 is None or math.isfinite(r128)
    stars = tv.first_text_stars(texts) or tv.first_fraction_stars(texts)
    assert stars is None or 1 <= stars <= 5
    assert all(isinstance(note, str) and note for note in notes)


# -- random bytes behind real headers ---------------------------------------------------------

FORMATS = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".wma", ".wv")


@pytest.fixture(scope="module")
def real_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("real")
    return {ext: write_audio(folder / f"r{ext}", sine(440.0, 2.0, 22050), 22050).read_bytes()
            for ext in FORMATS}


@SETTINGS
@given(ext=st.sampled_from(FORMATS), keep=st.integers(8, 600),
       tail=st.binary(min_size=0, max_size=6000), name_ext=st.sampled_from([None, ".mp3"]))
def test_random_bytes_behind_a_real_header_fail_with_a_reason(
        tmp_path: Path, real_files: dict[str, bytes], ext: str, keep: int, tail: bytes,
        name_ext: str | None) -> None:
    from recommender.analysis import analyse_path
    from recommender.audio import decode_excerpt

    path = tmp_path / f"garbled{name_ext or ext}"
    path.write_bytes(real_files[ext][:keep] + tail)
    try:
        _check_track(read_track(str(path)))
    except TagError as exc:
        assert str(exc).strip()
    try:
        decode_excerpt(str(path))
    except AnalysisError as exc:
        assert str(exc).strip()
    result = analyse_path(str(path))
    assert (result.vector is None) == bool(result.error)
    assert result.error is None or result.error.strip()


def test_a_folder_of_garbled_files_scans_with_a_reason_for_each(
        tmp_path: Path, real_files: dict[str, bytes], store: Store) -> None:
    import random

    rng = random.Random(5)
    music = tmp_path / "music"
    music.mkdir()
    names = []
    for i in range(60):
        ext = FORMATS[i % len(FORMATS)]
        keep = rng.randint(8, 2000)
        data = real_files[ext][:keep] + rng.randbytes(rng.randint(0, 8000))
        names.append(music / f"{i:02d}{ext}")
        names[-1].write_bytes(data)
    store.roots.add(str(music))
    report = Scanner(store).scan()
    assert report.added + report.errors == len(names)
    errors = dict(store.tracks.errors())
    assert len(errors) == report.errors
    assert all(reason.strip() for reason in errors.values())
    for track in store.tracks.find(""):
        _check_track(track)
        _check_faces(track)


# -- the window's face -----------------------------------------------------------------------


@SETTINGS
@given(text=hostile_text)
def test_a_tooltip_shows_exactly_the_text_it_is_given(qtbot: object, text: str) -> None:
    from PySide6.QtGui import QTextDocument

    from ui.plain_text import tooltip

    tip = tooltip(text)
    document = QTextDocument()
    document.setHtml(tip)
    shown_text = document.toPlainText()

    def words(value: str) -> list[str]:  # rich text lays out white space its own way
        return value.replace("\u2029", " ").replace("\u2028", " ").split()

    assert words(shown_text) == words(text)


@SETTINGS
@given(title=hostile_text, artist=hostile_text)
def test_the_library_table_shows_stored_text_as_it_is(qtbot: object, tmp_path: Path,
                                                     title: str, artist: str) -> None:
    from player.store.listing import library_rows
    from ui.library_data import Column, LibraryData
    from ui.library_model import LibraryModel

    cleaned = Track(path="/m/a.flac", title=next(iter(tv.clean_text(title)), None),
                    artists=tv.clean_values([artist]))
    store = Store.open(tmp_path / f"lib-{abs(hash((title, artist))) % 10**6}.sqlite3")
    try:
        with store.db.transaction():
            store.tracks.upsert(cleaned)
        model = LibraryModel()
        model.set_library(LibraryData(library_rows(store.db)))
    finally:
        store.close()
    assert model.data(model.index(0, Column.TITLE)) == cleaned.display_title
    assert model.data(model.index(0, Column.ARTIST)) == (cleaned.artist or "")
