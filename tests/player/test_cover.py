"""player/cover.py and tags.read_cover: cover art from every container, from the folder,
or none."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pytest
from audio_factory import sine, write_audio
from library_factory import TagSet, make_track
from mutagen.apev2 import APEv2
from mutagen.asf import ASF, ASFByteArrayAttribute
from mutagen.flac import FLAC, Picture
from mutagen.id3 import APIC, ID3
from mutagen.mp4 import MP4, MP4Cover
from mutagen.oggvorbis import OggVorbis

from player.cover import find_cover, folder_cover
from player.tags import read_cover

FRONT = b"\x89PNG front"
BACK = b"\x89PNG back"


def _audio(path: Path) -> Path:
    return write_audio(path, sine(seconds=0.2, rate=8000), rate=8000)


def _picture(data: bytes, kind: int) -> Picture:
    pic = Picture()
    pic.type, pic.mime, pic.data = kind, "image/png", data
    return pic


def test_id3_prefers_the_front_cover(tmp_path: Path) -> None:
    path = _audio(tmp_path / "a.mp3")
    tags = ID3()
    tags.add(APIC(encoding=3, mime="image/png", type=4, desc="back", data=BACK))
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="front", data=FRONT))
    tags.save(path)
    assert read_cover(str(path)) == FRONT


def test_flac_picture_block(tmp_path: Path) -> None:
    path = _audio(tmp_path / "a.flac")
    audio = FLAC(path)
    audio.add_picture(_picture(FRONT, 3))
    audio.save()
    assert find_cover(str(path)) == FRONT


def test_vorbis_comment_picture(tmp_path: Path) -> None:
    path = _audio(tmp_path / "a.ogg")
    audio = OggVorbis(path)
    audio["metadata_block_picture"] = [base64.b64encode(_picture(FRONT, 3).write()).decode()]
    audio.save()
    assert read_cover(str(path)) == FRONT


def test_mp4_covr_atom(tmp_path: Path) -> None:
    path = _audio(tmp_path / "a.m4a")
    audio = MP4(path)
    audio["covr"] = [MP4Cover(FRONT, imageformat=MP4Cover.FORMAT_PNG)]
    audio.save()
    assert read_cover(str(path)) == FRONT


@pytest.mark.parametrize("name", ["cover.jpg", "Folder.JPG", "front.png"])
def test_image_beside_the_file(tmp_path: Path, name: str) -> None:
    path = _audio(tmp_path / "a.wav")
    (tmp_path / name).write_bytes(b"jpeg data")
    (tmp_path / "notes.jpg").write_bytes(b"not a cover")
    assert read_cover(str(path)) is None
    assert find_cover(str(path)) == b"jpeg data"


def test_no_cover_and_broken_files_give_none(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"\xff\xfb garbage" * 10)
    assert find_cover(str(broken)) is None
    assert find_cover(str(tmp_path / "gone" / "x.flac")) is None
    assert folder_cover(str(tmp_path / "gone" / "x.flac")) is None


def test_asf_picture_prefers_the_front_cover(tmp_path: Path) -> None:
    path = make_track(tmp_path / "a.wma", TagSet(title="t"))

    def wm_picture(kind: int, data: bytes) -> ASFByteArrayAttribute:
        text = "image/png\x00".encode("utf-16-le") + "\x00".encode("utf-16-le")
        return ASFByteArrayAttribute(bytes([kind]) + struct.pack("<I", len(data)) + text + data)

    audio = ASF(path)
    audio["WM/Picture"] = [wm_picture(4, BACK), wm_picture(3, FRONT)]
    audio.save()
    assert read_cover(str(path)) == FRONT


def test_ape_front_cover(tmp_path: Path) -> None:
    path = make_track(tmp_path / "a.wv", TagSet(title="t"))
    tags = APEv2(path)
    tags["Cover Art (Front)"] = b"cover.png\x00" + FRONT
    tags.save(path)
    assert read_cover(str(path)) == FRONT
