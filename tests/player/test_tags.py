"""player/tags.py and player/tag_values.py: every format into one Track, odd tags survived."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from library_factory import (
    ALL_EXTENSIONS,
    TagSet,
    encode,
    make_track,
    write_id3v1,
    write_musepack,
)
from mutagen import id3
from mutagen.asf import ASF, ASFDWordAttribute
from unprivileged import as_unprivileged, hand_over

from player import tag_values as tv
from player.errors import TagError
from player.models import UNKNOWN_ARTIST
from player.tags import read_track

FULL = TagSet(
    title="Blue Monday", artists=["New Order", "Guest Ünïcode"], album="Power, Corruption",
    albumartists=["New Order"], genres=["Synth-pop", "Dance"], date="1983-03-07",
    track="3/12", disc="1/2", rg_track_gain="-6.50 dB", rg_track_peak="0.950000",
    rg_album_gain="-7.25 dB", rg_album_peak="0.990000",
)

# extension → (codec, sample rate, channels, duration) as the encoders produce them
STREAMS = {
    ".mp3": ("mp3", 8000, 1, 0.648), ".flac": ("flac", 8000, 1, 0.5),
    ".ogg": ("vorbis", 8000, 2, 0.504), ".opus": ("opus", 48000, 1, 0.5),
    ".m4a": ("aac", 8000, 1, 0.628), ".alac.m4a": ("alac", 8000, 1, 0.5),
    ".wma": ("wma", 8000, 1, 0.512), ".wav": ("pcm", 8000, 1, 0.5),
    ".aiff": ("pcm", 8000, 1, 0.5), ".wv": ("wavpack", 8000, 1, 0.5),
    ".ape": ("ape", 44100, 2, 0.5), ".mpc": ("musepack", 44100, 2, 0.5),
}


@pytest.mark.parametrize("ext", ALL_EXTENSIONS)
def test_every_format_reads_into_the_same_track(tmp_path: Path, ext: str) -> None:
    path = make_track(tmp_path / f"song{ext}", FULL)
    track = read_track(str(path))
    assert track.path == str(path)
    assert track.title == "Blue Monday"
    assert track.artists == ("New Order", "Guest Ünïcode")
    assert track.artist == "New Order / Guest Ünïcode"
    assert track.album == "Power, Corruption"
    assert track.albumartists == ("New Order",)
    assert track.genres == ("Synth-pop", "Dance")
    assert track.year == 1983
    assert (track.track_number, track.track_total) == (3, 12)
    assert (track.disc_number, track.disc_total) == (1, 2)
    assert (track.rg_track_gain, track.rg_track_peak) == (-6.5, 0.95)
    assert (track.rg_album_gain, track.rg_album_peak) == (-7.25, 0.99)
    codec, rate, channels, duration = STREAMS[ext]
    assert (track.codec, track.sample_rate, track.channels) == (codec, rate, channels)
    assert track.duration == pytest.approx(duration, abs=0.001)
    assert track.bitrate is not None and track.bitrate > 0
    assert track.tag_rating is None
    stat = path.stat()
    assert (track.mtime_ns, track.size) == (stat.st_mtime_ns, stat.st_size)


def test_id3v23_single_values_and_its_year_frame(tmp_path: Path) -> None:
    tags = TagSet(title="Old Style", artists=["AC/DC"], album="Live", date="1992",
                  track="07", genres=["Rock"])
    path = make_track(tmp_path / "v23.mp3", tags, id3_version=3)
    assert id3.ID3(path).version == (2, 3, 0)
    track = read_track(str(path))
    # v2.3 has no multi-value separator: "AC/DC" stays one artist.
    assert (track.title, track.artists, track.album) == ("Old Style", ("AC/DC",), "Live")
    assert (track.year, track.track_number, track.track_total) == (1992, 7, None)
    assert track.genres == ("Rock",)


def test_id3v1_only(tmp_path: Path) -> None:
    path = encode(tmp_path / "v1.mp3")
    id3.delete(path)  # no ID3v2 at all
    write_id3v1(path, "Old Tag", "Somebody", "An Album", "1999", track=7, genre=17)
    track = read_track(str(path))
    assert (track.title, track.artists, track.album) == ("Old Tag", ("Somebody",), "An Album")
    assert (track.year, track.track_number, track.genres) == (1999, 7, ("Rock",))


@pytest.mark.parametrize(("date", "year"), [
    ("2004", 2004), ("2004-05-01", 2004), ("2004/05", 2004), ("2004-13-45", 2004),
    ("05/01/2004", 2004), ("2004-05-01T10:00:00", 2004), ("circa 1975?", 1975),
    ("0000", None), ("12345", None), ("unknown", None),
])
def test_year_from_any_date_form(tmp_path: Path, date: str, year: int | None) -> None:
    path = make_track(tmp_path / "d.flac", TagSet(title="t", date=date))
    assert read_track(str(path)).year == year


@pytest.mark.parametrize(("text", "pair"), [
    ("3", (3, None)), ("3/12", (3, 12)), ("03", (3, None)), ("03/09", (3, 9)),
    (" 3 / 12 ", (3, 12)), ("3 of 12", (3, 12)), ("A1", (None, None)), ("0", (None, None)),
    ("99999999999999999999", (None, None)),
])
def test_track_numbers(tmp_path: Path, text: str, pair: tuple[int | None, int | None]) -> None:
    path = make_track(tmp_path / "n.ogg", TagSet(title="t", track=text, disc=text))
    track = read_track(str(path))
    assert (track.track_number, track.track_total) == pair
    assert (track.disc_number, track.disc_total) == pair


def test_separate_total_fields(tmp_path: Path) -> None:
    path = make_track(tmp_path / "t.flac", TagSet(
        title="t", track="4", disc="2", extra={"TRACKTOTAL": ["10"], "DISCTOTAL": ["3"]}))
    track = read_track(str(path))
    assert (track.track_number, track.track_total, track.disc_number, track.disc_total) == (
        4, 10, 2, 3)


def test_opus_r128_gain_becomes_replaygain(tmp_path: Path) -> None:
    path = make_track(tmp_path / "r.opus", TagSet(title="t", extra={
        "R128_TRACK_GAIN": ["-2560"], "R128_ALBUM_GAIN": ["512"]}))
    track = read_track(str(path))
    assert (track.rg_track_gain, track.rg_album_gain) == (-5.0, 7.0)


def test_musepack_header_replaygain_when_no_tag(tmp_path: Path) -> None:
    path = write_musepack(tmp_path / "g.mpc", title_gain=17000)
    track = read_track(str(path))
    assert track.rg_track_gain == pytest.approx(64.82 - 17000 / 256)
    assert (track.codec, track.title, track.artists) == ("musepack", None, ())


# -- ratings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("byte", "stars"), [
    (0, None), (1, 1), (31, 1), (32, 2), (51, 2), (64, 2), (95, 2), (96, 3), (102, 3),
    (128, 3), (153, 3), (159, 3), (160, 4), (196, 4), (204, 4), (223, 4), (224, 5), (255, 5),
])
def test_popm_ranges(byte: int, stars: int | None) -> None:
    assert tv.stars_from_popm(byte) == stars


@pytest.mark.parametrize(("text", "stars"), [
    ("0", None), ("1", 1), ("3", 3), ("5", 5), ("7", 4), ("10", 5), ("20", 1), ("30", 2),
    ("60", 3), ("80", 4), ("100", 5), ("0.8", 4), ("0.5", 3), ("250", None), ("x", None),
])
def test_rating_text_scales(text: str, stars: int | None) -> None:
    assert tv.stars_from_text(text) == stars


@pytest.mark.parametrize(("value", "stars"), [
    (0, None), (1, 1), (25, 2), (50, 3), (75, 4), (99, 5), (100, None),
])
def test_windows_media_rating(value: int, stars: int | None) -> None:
    assert tv.stars_from_wmp(value) == stars


@pytest.mark.parametrize(("fraction", "stars"), [
    (0.0, None), (0.1, 1), (0.2, 1), (0.4, 2), (0.6, 3), (0.8, 4), (1.0, 5), (1.5, None),
])
def test_fmps_fraction(fraction: float, stars: int | None) -> None:
    assert tv.stars_from_fraction(fraction) == stars


@pytest.mark.parametrize(("name", "extra", "stars"), [
    ("popm.mp3", {"p": id3.POPM(email="Windows Media Player 9 Series", rating=196)}, 4),
    ("popm0.mp3", {"p": id3.POPM(email="x@example.org", rating=0)}, None),
    ("fmps.mp3", {"f": id3.TXXX(encoding=3, desc="FMPS_Rating", text=["0.6"])}, 3),
    ("both.mp3", {"p": id3.POPM(email="a", rating=255),
                  "f": id3.TXXX(encoding=3, desc="FMPS_Rating", text=["0.2"])}, 5),
    ("popm.wav", {"p": id3.POPM(email="a", rating=64)}, 2),
    ("pct.flac", {"RATING": ["80"]}, 4),
    ("five.ogg", {"RATING": ["2"]}, 2),
    ("ten.opus", {"RATING": ["9"]}, 5),
    ("user.flac", {"RATING:user@example.org": ["0.4"]}, 2),
    ("fmps.flac", {"FMPS_RATING": ["1.0"]}, 5),
    # Vorbis RATING on each scale players write: 0-100, 1-5, 1-10.
    ("pct20.ogg", {"RATING": ["20"]}, 1),
    ("pct100.ogg", {"RATING": ["100"]}, 5),
    ("five5.flac", {"RATING": ["5"]}, 5),
    ("five1.flac", {"RATING": ["1"]}, 1),
    ("ten10.ogg", {"RATING": ["10"]}, 5),
    ("ten6.ogg", {"RATING": ["6"]}, 3),
    # Quod Libet's per-user rating is always a fraction: 1.0 is five stars, not one.
    ("ql1.ogg", {"RATING:quodlibet@lists.sacredchao.net": ["1.0"]}, 5),
    ("ql075.ogg", {"RATING:quodlibet@lists.sacredchao.net": ["0.75"]}, 4),
    ("ql05.flac", {"RATING:user@example.org": ["0.5"]}, 3),
    ("ql0.flac", {"RATING:user@example.org": ["0.0"]}, None),
    ("plain_wins.flac", {"RATING": ["80"], "RATING:user@example.org": ["0.2"]}, 4),
    # FMPS_RATING, and Amarok's automatic score, which is no rating and never overrides one.
    ("fmps02.ogg", {"FMPS_RATING": ["0.2"]}, 1),
    ("amarok.flac", {"FMPS_RATING_AMAROK_SCORE": ["0.92"]}, None),
    ("amarok_and_fmps.flac", {"FMPS_RATING_AMAROK_SCORE": ["0.2"],
                              "FMPS_RATING": ["1.0"]}, 5),
    ("amarok.mp3", {"s": id3.TXXX(encoding=3, desc="FMPS_Rating_Amarok_Score",
                                  text=["0.9"])}, None),
    ("amarok.wv", {"FMPS_RATING_AMAROK_SCORE": ["0.9"], "FMPS_RATING": ["0.4"]}, 2),
    ("rate.m4a", {"rate": ["60"]}, 3),
    ("fmps.m4a", {"----:com.apple.iTunes:FMPS_Rating": ["0.8"]}, 4),
    ("fmps.wma", {"FMPS/Rating": ["0.2"]}, 1),
    ("fmps.wv", {"FMPS_RATING": ["0.8"]}, 4),
    ("rating.ape", {"Rating": ["100"]}, 5),
])
def test_ratings_other_players_wrote(tmp_path: Path, name: str, extra: dict[str, object],
                                     stars: int | None) -> None:
    path = make_track(tmp_path / name, TagSet(title="t", extra=extra))
    assert read_track(str(path)).tag_rating == stars


def test_windows_media_player_rating_in_a_wma(tmp_path: Path) -> None:
    path = make_track(tmp_path / "wmp.wma", TagSet(title="t"))
    audio = ASF(path)
    audio["WM/SharedUserRating"] = [ASFDWordAttribute(75)]
    audio.save()
    assert read_track(str(path)).tag_rating == 4


# -- missing and odd tags ----------------------------------------------------------------------


def test_missing_title_and_artist(tmp_path: Path) -> None:
    path = make_track(tmp_path / "My Demo Take.flac", TagSet(album="Demos"))
    track = read_track(str(path))
    assert track.title is None and track.artists == () and track.artist is None
    assert track.display_title == "My Demo Take"
    assert track.display_artist == UNKNOWN_ARTIST == "Unknown Artist"


def test_untagged_file_reads_with_stream_facts_only(tmp_path: Path) -> None:
    path = encode(tmp_path / "bare.wav")
    track = read_track(str(path))
    assert (track.title, track.album, track.genres, track.year) == (None, None, (), None)
    assert (track.codec, track.channels, track.duration) == ("pcm", 1, 0.5)


def test_odd_content_never_breaks_reading(tmp_path: Path) -> None:
    path = make_track(tmp_path / "odd.flac", TagSet(
        title="Before\x00After", artists=["  spaced\tout  ", "", "A", "A"],
        album="x" * 10_000, genres=["Ctrl\x01Char"], date="2004-13-45", track="junk",
        rg_track_gain="loud", extra={"RATING": ["many"], "COMMENT": ["\x00" * 50]}))
    track = read_track(str(path))
    assert track.title == "Before"  # NUL separates values; the first one is the title
    assert track.artists == ("spaced out", "A")
    assert track.album == "x" * tv.MAX_TEXT
    assert track.genres == ("Ctrl Char",)
    assert (track.year, track.track_number, track.rg_track_gain, track.tag_rating) == (
        2004, None, None, None)


def test_invalid_utf8_in_tags_is_replaced_not_fatal(tmp_path: Path) -> None:
    path = make_track(tmp_path / "enc.flac", TagSet(title="QQQQ", artists=["Fine"]))
    data = path.read_bytes()
    path.write_bytes(data.replace(b"QQQQ", b"\xff\xfe\xc3\x28"))
    track = read_track(str(path))
    assert track.title is not None and "\ufffd" in track.title and track.title.endswith("(")
    assert track.artists == ("Fine",)
    track.title.encode("utf-8")  # storable as UTF-8


def test_garbage_after_an_mp3_still_reads(tmp_path: Path) -> None:
    path = make_track(tmp_path / "tail.mp3", TagSet(title="Tail", artists=["T"]))
    with open(path, "ab") as f:
        f.write(os.urandom(4096))
    track = read_track(str(path))
    assert (track.title, track.artists, track.codec) == ("Tail", ("T",), "mp3")


# -- files that cannot be read -------------------------------------------------------------------


def _reason(path: Path) -> str:
    with pytest.raises(TagError) as info:
        read_track(str(path))
    return str(info.value)


def test_unreadable_files_raise_tag_error_with_a_reason(tmp_path: Path) -> None:
    zero = tmp_path / "zero.mp3"
    zero.write_bytes(b"")
    text = tmp_path / "notes.ogg"
    text.write_text("these are not sounds\n" * 10)
    flac = make_track(tmp_path / "cut.flac", FULL)
    truncated = tmp_path / "truncated.flac"
    truncated.write_bytes(flac.read_bytes()[:200])
    fake_mp3 = tmp_path / "fake.mp3"
    fake_mp3.write_text("hello\n" * 100)
    assert _reason(zero) == "empty file (0 bytes)"
    assert _reason(text) == ("not an audio file Riffle can read (its content matches no "
                             "known format)")
    assert _reason(truncated).startswith("damaged, or not a valid .flac file (")
    assert _reason(fake_mp3) == "damaged, or not a valid .mp3 file (can't sync to MPEG frame)"
    assert _reason(tmp_path / "gone.mp3") == "cannot be opened: No such file or directory"


def test_permission_denied(world_folder: Path) -> None:
    path = make_track(world_folder / "locked.mp3", FULL)
    hand_over(world_folder)
    path.chmod(0)
    assert as_unprivileged("read_reason", str(path)) == "cannot be opened: Permission denied"


def test_stat_given_by_the_caller_is_used(tmp_path: Path) -> None:
    path = make_track(tmp_path / "s.wav", FULL)
    other = make_track(tmp_path / "other.wav", FULL, seconds=0.6)
    track = read_track(str(path), stat=other.stat())
    assert track.size == other.stat().st_size



# -- numbers that are junk --------------------------------------------------------------------


def test_a_flac_named_mp3_is_read_as_what_it_is(tmp_path: Path) -> None:
    flac = make_track(tmp_path / "real.flac", TagSet(title="Disguised"))
    named = tmp_path / "disguised.mp3"
    named.write_bytes(flac.read_bytes())
    track = read_track(str(named))
    assert (track.title, track.codec, track.duration) == ("Disguised", "flac", 0.5)


@pytest.mark.parametrize(("extra", "field"), [
    ({"RATING": ["1e400"]}, "tag_rating"), ({"RATING": ["5e999"]}, "tag_rating"),
    ({"FMPS_RATING": ["7e5"]}, "tag_rating"),
    ({"REPLAYGAIN_TRACK_GAIN": ["1e308 dB"]}, "rg_track_gain"),
    ({"REPLAYGAIN_TRACK_GAIN": ["+250 dB"]}, "rg_track_gain"),
    ({"REPLAYGAIN_TRACK_PEAK": ["1e30"]}, "rg_track_peak"),
    ({"REPLAYGAIN_TRACK_PEAK": ["-0.5"]}, "rg_track_peak"),
    ({"REPLAYGAIN_ALBUM_GAIN": ["nan dB"]}, "rg_album_gain"),
    ({"TRACKNUMBER": ["1e309"]}, "track_number"), ({"TRACKNUMBER": ["2.5"]}, "track_number"),
    ({"TRACKNUMBER": ["7" * 5000]}, "track_number"),
    ({"DISCNUMBER": ["1e3/2e3"]}, "disc_number"), ({"TRACKTOTAL": ["9e99"]}, "track_total"),
    ({"DATE": ["1e309"]}, "year"), ({"DATE": ["0001"]}, "year"),
])
def test_absurd_numbers_in_tags_are_ignored_with_a_reason(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, extra: dict[str, list[str]],
        field: str) -> None:
    path = make_track(tmp_path / "junk.flac", TagSet(title="t", extra=extra))
    with caplog.at_level("INFO", logger="player.tags"):
        track = read_track(str(path))
    assert getattr(track, field) is None
    assert track.title == "t"
    if field not in ("year",):
        assert any(str(path) in r.getMessage() and "ignored" in r.getMessage()
                   for r in caplog.records)


def test_an_absurd_opus_r128_gain_is_ignored(tmp_path: Path) -> None:
    path = make_track(tmp_path / "r.opus", TagSet(title="t", extra={
        "R128_TRACK_GAIN": ["99999999999"], "R128_ALBUM_GAIN": ["-1e9"]}))
    track = read_track(str(path))
    assert (track.rg_track_gain, track.rg_album_gain) == (None, None)


def test_sane_numbers_with_exponents_or_signs_still_read(tmp_path: Path) -> None:
    path = make_track(tmp_path / "ok.flac", TagSet(title="t", extra={
        "REPLAYGAIN_TRACK_GAIN": ["-1.2e1 dB"], "REPLAYGAIN_TRACK_PEAK": ["9.5E-1"],
        "RATING": ["80"], "TRACKNUMBER": ["12 of 14"]}))
    track = read_track(str(path))
    assert (track.rg_track_gain, track.rg_track_peak) == (-12.0, 0.95)
    assert (track.tag_rating, track.track_number, track.track_total) == (4, 12, 14)


def test_many_values_of_one_tag_are_bounded_in_number_and_length(tmp_path: Path) -> None:
    artists = [f"Artist number {i}" for i in range(20_000)]
    path = make_track(tmp_path / "crowd.flac", TagSet(title="t", artists=artists,
                                                      genres=["g" * 900] * 3 + ["h" * 900]))
    track = read_track(str(path))
    assert len(track.artists) == tv.MAX_VALUES
    assert track.artists[:2] == ("Artist number 0", "Artist number 1")
    assert sum(len(a) for a in track.artists) <= tv.MAX_FIELD_TEXT
    assert len(track.artist or "") < 2 * tv.MAX_FIELD_TEXT
    assert sum(len(g) for g in track.genres) <= tv.MAX_FIELD_TEXT


def test_an_absurd_duration_from_the_header_is_ignored(tmp_path: Path) -> None:
    # A WAV whose header claims a data chunk of 4 GB at 1 byte a second: 136 years.
    import struct

    path = tmp_path / "forever.wav"
    header = (b"RIFF" + struct.pack("<I", 0xFFFFFFF0) + b"WAVE" + b"fmt "
              + struct.pack("<IHHIIHH", 16, 1, 1, 1, 1, 1, 8)
              + b"data" + struct.pack("<I", 0xFFFFFF00))
    path.write_bytes(header + b"\x80" * 4000)
    track = read_track(str(path))
    assert track.duration is None
