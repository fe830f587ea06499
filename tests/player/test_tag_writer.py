"""player/tag_writer.py: a rating written into every format Riffle reads, and nothing else.

Each file is made with a full set of tags; after writing, mutagen and Riffle's own reader
read the same stars, every other tag reads exactly as before, and the audio is the same
(a hash of the decoded samples, or the bytes before the tag where PyAV cannot decode).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import av
import mutagen
import numpy as np
import pytest
from audio_factory import AudioFormat, sine, write_audio
from library_factory import TagSet, make_track
from mutagen import id3
from mutagen._vorbis import VComment
from mutagen.apev2 import APEv2
from mutagen.asf import ASFTags
from mutagen.mp4 import MP4Tags

from player.tag_writer import TagWriteError, write_rating
from player.tags import read_track

#: Every format the reader knows and a writer covers (ape and mpc are headers and filler,
#: which PyAV cannot decode: their audio is compared byte for byte).
WRITABLE = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".alac.m4a", ".wma", ".wav", ".aiff",
            ".wv", ".ape", ".mpc")
UNDECODABLE = (".ape", ".mpc")
#: The fields that hold Riffle's rating, per container (lower case).
RATING_KEYS = {"popm:riffle", "txxx:fmps_rating", "fmps_rating", "rating", "rate",
               "----:com.apple.itunes:fmps_rating", "wm/shareduserrating", "fmps/rating"}


def _tags(name: str) -> TagSet:
    extra: dict[str, object] = {}
    if name.endswith((".mp3", ".wav", ".aiff")):
        extra = {"popm": id3.POPM(email="MusicBee", rating=64, count=12),
                 "comm": id3.COMM(encoding=3, lang="eng", desc="", text=["a comment"])}
    elif name.endswith((".flac", ".ogg", ".opus")):
        extra = {"COMMENT": ["a comment"], "RATING:quodlibet@example.org": ["0.4"]}
    elif name.endswith(".m4a"):
        extra = {"----:com.apple.iTunes:MusicBrainz Track Id": ["abc-123"]}
    elif name.endswith((".wv", ".ape", ".mpc")):
        extra = {"Comment": ["a comment"]}
    return TagSet(title="Ünïcode Title", artists=["Artist A", "Artist B"], album="Album",
                  albumartists=["Various"], genres=["Rock", "Jazz"], date="1999-04-01",
                  track="3/9", disc="1/2", rg_track_gain="-6.50 dB", rg_track_peak="0.98",
                  extra=extra)


def other_tags(path: Path) -> Any:
    """Every tag mutagen reads from *path*, but Riffle's rating fields, comparable."""
    tags = mutagen.File(path).tags
    if isinstance(tags, id3.ID3):
        return sorted((f.HashKey, repr(f)) for f in tags.values()
                      if f.HashKey.lower() not in RATING_KEYS)
    if isinstance(tags, VComment):
        return sorted((k.lower(), v) for k, v in tags if k.lower() not in RATING_KEYS)
    if isinstance(tags, MP4Tags | APEv2):
        return sorted((k.lower(), repr(v)) for k, v in tags.items()
                      if k.lower() not in RATING_KEYS)
    if isinstance(tags, ASFTags):
        return sorted((k, repr(a.value)) for k, a in list.__iter__(tags)
                      if k.lower() not in RATING_KEYS)
    raise AssertionError(f"unexpected tags {type(tags)}")


def audio_hash(path: Path) -> str:
    """A hash of the decoded samples (PyAV), or of the bytes before the APE tag."""
    if path.name.endswith(UNDECODABLE):
        data = path.read_bytes()
        return hashlib.sha256(data[:data.find(b"APETAGEX")]).hexdigest()
    digest = hashlib.sha256()
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            digest.update(np.ascontiguousarray(frame.to_ndarray()).tobytes())
    return digest.hexdigest()


def rating_fields(path: Path) -> dict[str, Any]:
    """Riffle's rating fields as mutagen reads them."""
    tags = mutagen.File(path).tags
    if isinstance(tags, id3.ID3):
        popm = tags.getall("POPM:Riffle")
        fmps = [f for f in tags.getall("TXXX") if f.desc == "FMPS_Rating"]
        return {"popm": popm[0].rating if popm else None,
                "fmps": fmps[0].text[0] if fmps else None}
    if isinstance(tags, VComment):
        return {"fmps": tags.get("FMPS_RATING"), "rating": tags.get("RATING")}
    if isinstance(tags, MP4Tags):
        free = tags.get("----:com.apple.iTunes:FMPS_Rating")
        return {"rate": tags.get("rate"), "fmps": bytes(free[0]).decode() if free else None}
    if isinstance(tags, APEv2):
        return {"fmps": str(tags["FMPS_RATING"]) if "FMPS_RATING" in tags else None,
                "rating": str(tags["Rating"]) if "Rating" in tags else None}
    assert isinstance(tags, ASFTags)
    wmp = tags.get("WM/SharedUserRating")
    fmps = tags.get("FMPS/Rating")
    return {"wmp": wmp[0].value if wmp else None, "fmps": str(fmps[0]) if fmps else None}


EXPECTED = {
    "id3": {4: {"popm": 196, "fmps": "0.8"}, 1: {"popm": 1, "fmps": "0.2"},
            None: {"popm": None, "fmps": None}},
    "vorbis": {4: {"fmps": ["0.8"], "rating": ["80"]}, 1: {"fmps": ["0.2"], "rating": ["20"]},
               None: {"fmps": None, "rating": None}},
    "mp4": {4: {"rate": ["80"], "fmps": "0.8"}, 1: {"rate": ["20"], "fmps": "0.2"},
            None: {"rate": None, "fmps": None}},
    "ape": {4: {"fmps": "0.8", "rating": "80"}, 1: {"fmps": "0.2", "rating": "20"},
            None: {"fmps": None, "rating": None}},
    "asf": {4: {"wmp": 75, "fmps": "0.8"}, 1: {"wmp": 1, "fmps": "0.2"},
            None: {"wmp": None, "fmps": None}},
}


def _container(name: str) -> str:
    for ends, kind in (((".mp3", ".wav", ".aiff"), "id3"), ((".flac", ".ogg", ".opus"), "vorbis"),
                       ((".m4a",), "mp4"), ((".wv", ".ape", ".mpc"), "ape"), ((".wma",), "asf")):
        if name.endswith(ends):
            return kind
    raise AssertionError(name)


@pytest.mark.parametrize("ext", WRITABLE)
def test_a_rating_is_written_read_back_and_nothing_else_changes(tmp_path: Path,
                                                                 ext: str) -> None:
    path = make_track(tmp_path / f"song{ext}", _tags(ext), seconds=1.0)
    before_tags, before_audio = other_tags(path), audio_hash(path)
    before_track = read_track(str(path))
    kind = _container(ext)
    for stars in (4, 1, None):
        write_rating(str(path), stars)
        assert rating_fields(path) == EXPECTED[kind][stars], stars
        track = read_track(str(path))
        if stars is not None:
            assert track.tag_rating == stars
        assert other_tags(path) == before_tags
        assert audio_hash(path) == before_audio
        assert (track.title, track.artists, track.album, track.genres, track.year,
                track.track_number, track.disc_number, track.rg_track_gain) == \
            (before_track.title, before_track.artists, before_track.album,
             before_track.genres, before_track.year, before_track.track_number,
             before_track.disc_number, before_track.rg_track_gain)
    # with Riffle's rating gone, another player's shows again
    assert read_track(str(path)).tag_rating == before_track.tag_rating


def test_id3v23_stays_v23_and_an_id3v1_tag_keeps_its_bytes(tmp_path: Path) -> None:
    # no album nor year in ID3v2: merging ID3v1 in would add them
    path = make_track(tmp_path / "old.mp3", TagSet(title="New Title", artists=["A", "B"],
                                                   extra=_tags(".mp3").extra), id3_version=3)
    with open(path, "ab") as handle:  # an ID3v1.1 tag that says something else
        handle.write(b"TAG" + b"Old Title".ljust(30, b"\0") + b"Old Artist".ljust(30, b"\0")
                     + b"Old Album".ljust(30, b"\0") + b"1980" + bytes(28) + b"\0\x07\x11")
    v1 = path.read_bytes()[-128:]
    before = sorted((f.HashKey, repr(f))
                    for f in id3.ID3(path, load_v1=False, translate=False).values())
    write_rating(str(path), 5)
    assert mutagen.File(path).tags.version[:2] == (2, 3)
    assert path.read_bytes()[-128:] == v1
    after = id3.ID3(path, load_v1=False, translate=False)
    assert sorted((f.HashKey, repr(f)) for f in after.values()
                  if f.HashKey not in ("POPM:Riffle", "TXXX:FMPS_Rating")) == before
    assert read_track(str(path)).tag_rating == 5


def test_riffles_popm_is_read_before_another_players(tmp_path: Path) -> None:
    path = make_track(tmp_path / "s.mp3", TagSet(title="s", extra={
        "a": id3.POPM(email="Amarok - rating", rating=255)}))
    assert read_track(str(path)).tag_rating == 5
    write_rating(str(path), 2)
    assert read_track(str(path)).tag_rating == 2
    assert mutagen.File(path).tags.getall("POPM:Amarok - rating")[0].rating == 255


@pytest.mark.parametrize("ext", [".flac", ".m4a", ".mp3", ".wv"])
def test_a_file_without_tags_gets_only_the_rating(tmp_path: Path, ext: str) -> None:
    path = make_track(tmp_path / f"bare{ext}")  # only what the encoder wrote, if anything
    before = other_tags(path) if mutagen.File(path).tags is not None else []
    write_rating(str(path), 3)
    assert other_tags(path) == before
    assert rating_fields(path) != EXPECTED[_container(ext)][None]
    assert read_track(str(path)).tag_rating == 3


def test_files_that_cannot_take_a_rating_are_refused_untouched(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp3"
    text.write_text("not audio at all\n" * 50)
    with pytest.raises(TagWriteError, match=r"cannot be read|not an audio file"):
        write_rating(str(text), 4)
    assert text.read_text() == "not audio at all\n" * 50
    with pytest.raises(TagWriteError, match="cannot be opened"):
        write_rating(str(tmp_path / "gone.mp3"), 4)
    with pytest.raises(TagWriteError, match="not a regular file"):
        write_rating(str(tmp_path), 4)
    song = make_track(tmp_path / "ok.ogg")
    with pytest.raises(TagWriteError, match="7 stars"):
        write_rating(str(song), 7)


def test_a_trueaudio_file_keeps_its_id3v23_and_id3v1_too(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "song.tta", sine(330, 1.0, rate=8000), rate=8000,
                       fmt=AudioFormat("tta", "tta", "s16"))
    audio = mutagen.File(path)
    audio.add_tags()
    audio.tags.add(id3.TIT2(encoding=1, text=["True"]))
    audio.tags.add(id3.TPE1(encoding=1, text=["Audio"]))
    audio.save(v2_version=3)
    with open(path, "ab") as handle:
        handle.write(b"TAG" + b"V1 Title".ljust(30, b"\0") + bytes(60) + b"2001"
                     + bytes(28) + b"\0\x01\x0c")
    v1, before_audio = path.read_bytes()[-128:], audio_hash(path)
    before = sorted((f.HashKey, repr(f))
                    for f in id3.ID3(path, load_v1=False, translate=False).values())
    write_rating(str(path), 4)
    assert path.read_bytes()[-128:] == v1
    after = id3.ID3(path, load_v1=False, translate=False)
    assert after.version[:2] == (2, 3)
    assert sorted((f.HashKey, repr(f)) for f in after.values()
                  if f.HashKey not in ("POPM:Riffle", "TXXX:FMPS_Rating")) == before
    assert audio_hash(path) == before_audio
    assert read_track(str(path)).tag_rating == 4
