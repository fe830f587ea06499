"""Writing a rating into an audio file's tags, and nothing else.

Beside player/tags.py (the reader), the one other module that talks to mutagen. Each tag
container has a small writer, registered by its mutagen class in RATING_WRITERS, that sets
(or, for no rating, removes) exactly Riffle's rating fields:

- ID3 (MP3, WAV, AIFF): POPM with Riffle's own e-mail, 1/64/128/196/255 for 1–5 stars
  (its play counter kept), and TXXX:FMPS_Rating. Other players' POPM frames are left
  alone. The tag keeps its version (2.3 stays 2.3, no frame is converted), is loaded
  without merging an ID3v1 tag into it, and an ID3v1 tag at the end keeps its bytes.
- Vorbis comments (FLAC, Ogg Vorbis, Opus): FMPS_RATING (0.0–1.0) and RATING (0–100).
- MP4: the `rate` atom (0–100) and ----:com.apple.iTunes:FMPS_Rating.
- APEv2 (WavPack, Monkey's Audio, Musepack): FMPS_RATING and Rating (0–100).
- ASF (WMA): WM/SharedUserRating (1, 25, 50, 75, 99) and FMPS/Rating.

The reader (player/tags.py) reads all of these back as the same stars. Every failure
leaves as TagWriteError with a reason a person can read; a file that cannot be written is
refused before it is opened for writing.
"""

from __future__ import annotations

import logging
import os
import stat as stat_module
from collections.abc import Callable
from typing import Any

from mutagen import MutagenError
from mutagen._vorbis import VComment
from mutagen.aiff import AIFF
from mutagen.apev2 import APEv2
from mutagen.asf import ASFDWordAttribute, ASFTags, ASFUnicodeAttribute
from mutagen.id3 import ID3, POPM, TXXX, Encoding, ID3FileType
from mutagen.mp4 import MP4FreeForm, MP4Tags
from mutagen.wave import WAVE

from player.errors import TagError
from player.tags import RIFFLE_POPM_EMAIL, open_audio

logger = logging.getLogger(__name__)

#: POPM bytes for 1–5 stars (Windows Media Player's and MusicBee's scale).
POPM_SCALE = {1: 1, 2: 64, 3: 128, 4: 196, 5: 255}
#: WM/SharedUserRating for 1–5 stars, as Windows Media Player writes them.
WMP_SCALE = {1: 1, 2: 25, 3: 50, 4: 75, 5: 99}
_FMPS_MP4 = "----:com.apple.iTunes:FMPS_Rating"


class TagWriteError(TagError):
    """A rating cannot be written into a file; the message says why."""


def fraction(stars: int) -> str:
    """FMPS_RATING's text for 1–5 stars: "0.2" … "1.0"."""
    return f"{stars / 5:.1f}"


def percent(stars: int) -> str:
    """A 0–100 RATING's text for 1–5 stars: "20" … "100"."""
    return str(stars * 20)


# -- per-container writers ----------------------------------------------------------------------

# Each sets the fields for *stars* 1–5, or removes them for None, on the loaded tags.


def _id3(tags: ID3, stars: int | None) -> None:
    old = tags.getall(f"POPM:{RIFFLE_POPM_EMAIL}")
    count = getattr(old[0], "count", None) if old else None
    tags.delall(f"POPM:{RIFFLE_POPM_EMAIL}")
    for frame in tags.getall("TXXX"):
        if frame.desc.lower() == "fmps_rating":
            tags.delall(frame.HashKey)
    if stars is None:
        return
    popm = POPM(email=RIFFLE_POPM_EMAIL, rating=POPM_SCALE[stars])
    if count is not None:
        popm.count = count
    tags.add(popm)
    tags.add(TXXX(encoding=Encoding.UTF8 if tags.version[1] == 4 else Encoding.UTF16,
                  desc="FMPS_Rating", text=[fraction(stars)]))


def _vorbis(tags: Any, stars: int | None) -> None:
    """Vorbis comments (mutagen's VCommentDict: keys ignore case)."""
    for key in ("FMPS_RATING", "RATING"):
        if key in tags:
            del tags[key]
    if stars is not None:
        tags["FMPS_RATING"] = [fraction(stars)]
        tags["RATING"] = [percent(stars)]


def _mp4(tags: MP4Tags, stars: int | None) -> None:
    for key in list(tags.keys()):
        if key == "rate" or key.lower() == _FMPS_MP4.lower():
            del tags[key]
    if stars is not None:
        tags["rate"] = [percent(stars)]
        tags[_FMPS_MP4] = [MP4FreeForm(fraction(stars).encode())]


def _ape(tags: APEv2, stars: int | None) -> None:
    for key in ("FMPS_RATING", "Rating"):
        if key in tags:
            del tags[key]
    if stars is not None:
        tags["FMPS_RATING"] = fraction(stars)
        tags["Rating"] = percent(stars)


def _asf(tags: ASFTags, stars: int | None) -> None:
    for key in ("WM/SharedUserRating", "FMPS/Rating"):
        if key in tags:
            del tags[key]
    if stars is not None:
        tags["WM/SharedUserRating"] = [ASFDWordAttribute(WMP_SCALE[stars])]
        tags["FMPS/Rating"] = [ASFUnicodeAttribute(fraction(stars))]


#: mutagen tag container class → the function that sets Riffle's rating fields in it.
RATING_WRITERS: dict[type, Callable[[Any, int | None], None]] = {
    ID3: _id3,
    VComment: _vorbis,
    MP4Tags: _mp4,
    APEv2: _ape,
    ASFTags: _asf,
}

#: File kinds whose ID3 tag Riffle writes itself, to keep its version and the ID3v1 tag:
#: files that start with their ID3 tag (MP3, TrueAudio...) and those holding it in a chunk.
_ID3_KINDS = (ID3FileType, WAVE, AIFF)


def _writer(tags: Any) -> Callable[[Any, int | None], None] | None:
    for cls in type(tags).__mro__:
        if cls in RATING_WRITERS:
            return RATING_WRITERS[cls]
    return None


# -- writing ------------------------------------------------------------------------------------


def write_rating(path: str, stars: int | None) -> None:
    """Write *stars* (1–5; None or 0 removes Riffle's rating) into the file at *path*,
    touching no other tag and not the audio. Raises TagWriteError, before anything is
    written, for a file that is gone, read-only or of a kind Riffle cannot write into."""
    if stars == 0:
        stars = None
    if stars is not None and stars not in POPM_SCALE:
        raise TagWriteError(f"{stars} stars is not a rating")
    try:
        st = os.stat(path)
    except OSError as exc:
        raise TagWriteError(f"cannot be opened: {exc.strerror or exc}") from exc
    if not stat_module.S_ISREG(st.st_mode):
        raise TagWriteError("not a regular file")
    if not os.access(path, os.W_OK):
        raise TagWriteError("the file is read-only")
    try:
        audio = open_audio(path)
    except Exception as exc:  # a file mutagen cannot read is one it cannot write
        raise TagWriteError(f"its tags cannot be read ({_message(exc)})") from exc
    if audio is None:
        raise TagWriteError("not an audio file Riffle can read")
    try:
        if isinstance(audio, _ID3_KINDS):
            _write_id3_file(path, type(audio), stars)
        else:
            _write_other(audio, stars)
    except TagWriteError:
        raise
    except (MutagenError, OSError, ValueError, TypeError, KeyError) as exc:
        logger.debug("writing the rating of %r failed", path, exc_info=True)
        raise TagWriteError(f"the rating could not be written ({_message(exc)})") from exc


def _write_other(audio: Any, stars: int | None) -> None:
    if audio.tags is None:
        if stars is None:
            return  # no tags, so no rating to remove
        try:
            audio.add_tags()
        except Exception as exc:
            raise TagWriteError(f"{type(audio).__name__} files hold no tags Riffle can "
                                "write") from exc
    writer = _writer(audio.tags)
    if writer is None:
        raise TagWriteError(f"Riffle cannot write ratings into {type(audio.tags).__name__} "
                            "tags")
    writer(audio.tags, stars)
    audio.save()


def _write_id3_file(path: str, kind: type, stars: int | None) -> None:
    """ID3 as it is: frames not converted between versions, ID3v1 neither merged into the
    ID3v2 tag nor rewritten."""
    audio = kind(path, translate=False, load_v1=False)
    if audio.tags is None:
        if stars is None:
            return
        audio.add_tags()
        version = 4
    else:
        version = audio.tags.version[1]
        if version not in (3, 4):
            raise TagWriteError(f"its ID3v2.{version} tag is too old to rewrite without "
                                "changing it; update it with a tag editor first")
    _id3(audio.tags, stars)
    if issubclass(kind, ID3FileType):  # the tag at the start, maybe an ID3v1 at the end
        v1 = _id3v1_block(path)
        audio.save(v1=1, v2_version=version, v23_sep=None)
        if v1 is not None:
            with open(path, "r+b") as handle:
                handle.seek(-128, os.SEEK_END)
                handle.write(v1)
    else:
        audio.save(v2_version=version, v23_sep=None)


def _id3v1_block(path: str) -> bytes | None:
    """The file's last 128 bytes when they are an ID3v1 tag."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() < 128:
            return None
        handle.seek(-128, os.SEEK_END)
        block = handle.read(128)
    return block if block.startswith(b"TAG") else None


def _message(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:200]
