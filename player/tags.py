"""Reading one audio file's tags and stream facts into Riffle's single Track shape.

Only this module and player/tag_writer.py (which writes ratings) talk to mutagen. Each tag
container mutagen knows (ID3 for MP3, WAV and AIFF; Vorbis comments for FLAC, Ogg Vorbis
and Opus; MP4 atoms; ASF attributes; APEv2 for WavPack, Monkey's Audio and Musepack) has
one small function, registered by its mutagen class in TAG_READERS, that lists the values
under Riffle's field names. One shared step
then turns those into a Track (player/tag_values.py does the parsing), so every format
gets the same rules for years, numbers, ReplayGain, multi-values and ratings.

Every failure, from a missing file to a bug in a tag parser tripped by a broken file,
leaves as TagError with a reason a person can read.

read_cover() finds the picture embedded in a file, with one small reader per container in
PICTURE_READERS; player/cover.py adds the images kept beside the files.
"""

from __future__ import annotations

import base64
import logging
import os
import stat as stat_module
import struct
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import mutagen
from mutagen._vorbis import VComment
from mutagen.aac import AAC
from mutagen.aiff import AIFF
from mutagen.apev2 import APETextValue, APEv2
from mutagen.asf import ASF, ASFTags
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3
from mutagen.monkeysaudio import MonkeysAudio
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Tags
from mutagen.musepack import Musepack
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggspeex import OggSpeex
from mutagen.oggvorbis import OggVorbis
from mutagen.trueaudio import TrueAudio
from mutagen.wave import WAVE
from mutagen.wavpack import WavPack

from player import tag_values as tv
from player.errors import TagError
from player.models import Track

logger = logging.getLogger(__name__)

#: File name endings the scanner offers to read_track; anything else is not music to us.
AUDIO_EXTENSIONS = frozenset({
    ".mp3", ".mp2", ".flac", ".ogg", ".oga", ".opus", ".spx", ".m4a", ".m4b", ".aac",
    ".wma", ".asf", ".wav", ".aif", ".aiff", ".aifc", ".wv", ".ape", ".mpc", ".mp+", ".mpp",
    ".tta",
})

#: The e-mail of the ID3 POPM frame that holds Riffle's own rating (player/tag_writer.py
#: writes it); read before any other player's POPM.
RIFFLE_POPM_EMAIL = "Riffle"

#: Values listed under Riffle's field names, as one tag reader found them.
Fields = dict[str, list[Any]]

# -- per-container readers --------------------------------------------------------------------

# Field names shared by the key=value containers (Vorbis comments, APEv2, ASF, MP4), with
# each container's own spellings mapped onto them (keys compared in lower case).
_COMMON_KEYS = {
    "title": "title", "artist": "artist", "album": "album", "genre": "genre",
    "albumartist": "albumartist", "album artist": "albumartist", "album_artist": "albumartist",
    "date": "date", "year": "date", "originaldate": "originaldate",
    "tracknumber": "track", "track": "track", "tracktotal": "tracktotal",
    "totaltracks": "tracktotal", "discnumber": "disc", "disc": "disc",
    "disctotal": "disctotal", "totaldiscs": "disctotal",
    "replaygain_track_gain": "rg_track_gain", "replaygain_track_peak": "rg_track_peak",
    "replaygain_album_gain": "rg_album_gain", "replaygain_album_peak": "rg_album_peak",
    "r128_track_gain": "r128_track_gain", "r128_album_gain": "r128_album_gain",
    "rating": "rating", "fmps_rating": "fmps_rating",
}
_ASF_KEYS = {
    **_COMMON_KEYS, "author": "artist", "wm/albumtitle": "album",
    "wm/albumartist": "albumartist", "wm/genre": "genre", "wm/year": "date",
    "wm/originalreleaseyear": "originaldate", "wm/tracknumber": "track",
    "wm/partofset": "disc", "wm/shareduserrating": "wmp_rating", "fmps/rating": "fmps_rating",
}
_ITUNES = "----:com.apple.itunes:"
_MP4_KEYS = {
    "©nam": "title", "©art": "artist", "©alb": "album", "aart": "albumartist",
    "©gen": "genre", "©day": "date", "rate": "rating",
    **{_ITUNES + key: field for key, field in _COMMON_KEYS.items()},
}
_ID3_TEXT_FRAMES = {
    "TIT2": "title", "TPE1": "artist", "TALB": "album", "TPE2": "albumartist",
    "TDRC": "date", "TYER": "date", "TDOR": "originaldate", "TRCK": "track", "TPOS": "disc",
}


def _vorbis_fields(tags: Any) -> Fields:
    """Vorbis comments (FLAC, Ogg Vorbis, Opus): a list of (key, value) pairs."""
    fields: Fields = defaultdict(list)
    for key, value in tags:
        if (name := _field_name(key, _COMMON_KEYS)) is not None:
            fields[name].append(value)
    return fields


def _field_name(key: str, table: dict[str, str]) -> str | None:
    lower = key.lower()
    # Quod Libet writes per-user ratings as "rating:user@example.org", always as a fraction
    # 0.0-1.0 (1.0 is five stars), unlike a bare RATING. Keys merely starting with
    # "fmps_rating" (Amarok's automatic FMPS_RATING_AMAROK_SCORE) are not ratings at all:
    # only the exact key is, through the table.
    if lower.startswith("rating:"):
        return "user_rating"
    return table.get(lower)


def _ape_fields(tags: APEv2) -> Fields:
    """APEv2 (WavPack, Monkey's Audio, Musepack): text values hold NUL-separated lists."""
    fields: Fields = defaultdict(list)
    for key, value in tags.items():
        if isinstance(value, APETextValue) and (name := _field_name(key, _COMMON_KEYS)):
            fields[name].extend(value)
    return fields


def _asf_fields(tags: ASFTags) -> Fields:
    """ASF (WMA) attributes: typed values, numbers for track and rating in some files."""
    fields: Fields = defaultdict(list)
    for key, attribute in list.__iter__(tags):
        value = attribute.value
        if isinstance(value, bytes | bool):
            continue
        if (name := _field_name(key, _ASF_KEYS)) is not None:
            fields[name].append(str(value))
    return fields


def _mp4_fields(tags: MP4Tags) -> Fields:
    """MP4 atoms: text lists, (number, total) pairs, and bytes for iTunes free-form keys."""
    fields: Fields = defaultdict(list)
    for key, values in tags.items():
        lower = key.lower()
        if lower in ("trkn", "disk"):
            name = "track" if lower == "trkn" else "disc"
            for pair in values:
                number, total = (*tuple(pair), 0, 0)[:2]
                fields[name].append(f"{number}/{total}" if total else str(number))
            continue
        mapped = _MP4_KEYS.get(lower)
        if mapped is None:
            continue
        name = mapped
        for value in values:
            if isinstance(value, bytes):  # MP4FreeForm
                fields[name].append(value.decode("utf-8", "replace"))
            elif isinstance(value, str | int | float):
                fields[name].append(str(value))
    return fields


def _id3_fields(tags: ID3) -> Fields:
    """ID3v2 (and ID3v1, which mutagen presents as v2 frames): text, TXXX, RVA2, POPM."""
    fields: Fields = defaultdict(list)
    popm = []
    for frame in tags.values():  # one pass over the frames, dispatched by frame id
        frame_id = frame.FrameID
        if (name := _ID3_TEXT_FRAMES.get(frame_id)) is not None:
            fields[name].extend(str(text) for text in frame.text)
        elif frame_id == "TCON":
            fields["genre"].extend(frame.genres)
        elif frame_id == "TXXX":
            if (name := _field_name(frame.desc, _COMMON_KEYS)) is not None:
                fields[name].extend(str(text) for text in frame.text)
        elif frame_id == "RVA2":
            kind = frame.desc.lower()
            if frame.channel == 1 and kind in ("track", "album"):
                fields[f"rg_{kind}_gain"].append(str(frame.gain))
                fields[f"rg_{kind}_peak"].append(str(frame.peak))
        elif frame_id == "POPM":
            popm.append(frame)
    ordered = sorted(popm, key=lambda f: (f.email != RIFFLE_POPM_EMAIL, f.email))
    fields["popm"] = [frame.rating for frame in ordered]
    return fields


#: mutagen tag container class → the function that lists its values by Riffle field name.
#: Looked up along the class's MRO, so ID3 also serves WAV and AIFF, and the Vorbis
#: comment class serves FLAC's subclass.
TAG_READERS: dict[type, Callable[[Any], Fields]] = {
    ID3: _id3_fields,
    VComment: _vorbis_fields,
    MP4Tags: _mp4_fields,
    ASFTags: _asf_fields,
    APEv2: _ape_fields,
}

#: mutagen file class → the codec name Riffle shows and stores.
CODECS: dict[type, Callable[[Any], str]] = {
    MP3: lambda info: f"mp{getattr(info, 'layer', 3)}",
    FLAC: lambda info: "flac",
    OggFLAC: lambda info: "flac",
    OggVorbis: lambda info: "vorbis",
    OggOpus: lambda info: "opus",
    OggSpeex: lambda info: "speex",
    MP4: lambda info: _mp4_codec(getattr(info, "codec", "")),
    AAC: lambda info: "aac",
    ASF: lambda info: "wma",
    WAVE: lambda info: "pcm",
    AIFF: lambda info: "pcm",
    WavPack: lambda info: "wavpack",
    MonkeysAudio: lambda info: "ape",
    Musepack: lambda info: "musepack",
    TrueAudio: lambda info: "tta",
}


#: The mutagen classes worth trying first for a file name ending, so a file is not scored
#: against every format mutagen knows; a file they all reject is then tried against every
#: format (its content may not match its name).
KINDS_BY_EXTENSION: dict[str, list[type]] = {
    ".mp3": [MP3], ".mp2": [MP3], ".flac": [FLAC, OggFLAC],
    ".ogg": [OggVorbis, OggOpus, OggFLAC, OggSpeex], ".oga": [OggVorbis, OggFLAC, OggOpus],
    ".opus": [OggOpus], ".spx": [OggSpeex], ".m4a": [MP4], ".m4b": [MP4], ".aac": [AAC, MP4],
    ".wma": [ASF], ".asf": [ASF], ".wav": [WAVE], ".aif": [AIFF], ".aiff": [AIFF],
    ".aifc": [AIFF], ".wv": [WavPack], ".ape": [MonkeysAudio], ".mpc": [Musepack],
    ".mp+": [Musepack], ".mpp": [Musepack], ".tta": [TrueAudio],
}


def _mp4_codec(codec: str) -> str:
    if codec.startswith("mp4a.40"):
        return "aac"
    return {"mp4a.69": "mp3", "mp4a.6b": "mp3", "alac": "alac"}.get(codec, codec or "mp4")


def _lookup(table: dict[type, Any], obj: object) -> Any:
    for cls in type(obj).__mro__:
        if cls in table:
            return table[cls]
    return None


# -- reading --------------------------------------------------------------------------------


def read_track(path: str, *, stat: os.stat_result | None = None) -> Track:
    """Read the tags and stream facts of the audio file at *path*.

    *stat* saves a system call when the caller already has the file's stat. Raises
    TagError with the reason when the file cannot be read as audio.
    """
    try:
        st = stat if stat is not None else os.stat(path)
    except OSError as exc:
        raise TagError(f"cannot be opened: {exc.strerror or exc}") from exc
    if st.st_size == 0:
        raise TagError("empty file (0 bytes)")
    if not stat_module.S_ISREG(st.st_mode):
        raise TagError("not a regular file (a device, a pipe or a socket has no tags)")
    try:
        audio = open_audio(path)
    except mutagen.MutagenError as exc:
        cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else None
        if cause is not None or isinstance(exc, OSError):
            os_error = cause or exc
            raise TagError(f"cannot be opened: {getattr(os_error, 'strerror', None) or exc}"
                           ) from exc
        raise TagError(f"damaged, or not a valid {_kind(path)} ({_message(exc)})") from exc
    except OSError as exc:
        raise TagError(f"cannot be opened: {exc.strerror or exc}") from exc
    except Exception as exc:  # mutagen tripping over a broken file must not stop a scan
        logger.debug("mutagen failed on %r", path, exc_info=True)
        raise TagError(f"damaged or unreadable ({type(exc).__name__}: {_message(exc)})"
                       ) from exc
    if audio is None:
        raise TagError("not an audio file Riffle can read (its content matches no known format)")
    try:
        return _build(path, audio, st)
    except Exception as exc:  # odd tag content must never break a scan
        logger.debug("mapping tags of %r failed", path, exc_info=True)
        raise TagError(f"tags could not be understood ({type(exc).__name__}: "
                       f"{_message(exc)})") from exc


def open_audio(path: str) -> Any:
    """mutagen's object for *path*: tried first as the kinds its name suggests, then, when
    those reject it (or refuse it with an error), as every kind mutagen knows, since the
    content may not match the name (a FLAC file named .mp3). When every kind fails, the
    error of the kind the name suggested is raised: it says most about the file."""
    kinds = KINDS_BY_EXTENSION.get(os.path.splitext(path)[1].lower())
    first_error: Exception | None = None
    if kinds:
        try:
            audio = mutagen.File(path, options=kinds)
        except mutagen.MutagenError as exc:
            if isinstance(exc.__cause__, OSError) or isinstance(exc, OSError):
                raise
            first_error = exc
        else:
            if audio is not None:
                return audio
    others = [kind for kind in CODECS if kind not in (kinds or ())]
    try:
        # Without the kinds tried already: mutagen scores the name too, and would pick them
        # again for a file named .mp3.
        audio = mutagen.File(path, options=others)
    except Exception:
        if first_error is not None:
            raise first_error from None
        raise
    if audio is None and first_error is not None:
        raise first_error
    return audio


def _kind(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return f"{ext} file" if ext else "file"


def _message(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _build(path: str, audio: Any, st: os.stat_result) -> Track:
    reader = _lookup(TAG_READERS, audio.tags) if audio.tags is not None else None
    raw: Fields = reader(audio.tags) if reader is not None else {}
    notes: tv.Notes = []
    fields = {name: tv.clean_values(values, notes, name) for name, values in raw.items()
              if name != "popm"}
    info = audio.info
    codec_of = _lookup(CODECS, audio)
    codec = codec_of(info) if codec_of is not None else type(audio).__name__.lower()

    def get(name: str) -> tuple[str, ...]:
        return fields.get(name, ())

    track_number, track_total = tv.parse_number_pair(get("track"), notes, "track number")
    disc_number, disc_total = tv.parse_number_pair(get("disc"), notes, "disc number")
    duration = _stream_fact(getattr(info, "length", None), MAX_DURATION, notes, "length")
    bitrate = _stream_fact(getattr(info, "bitrate", None), MAX_BITRATE, notes, "bitrate")
    if bitrate is None and duration:
        bitrate = _stream_fact(st.st_size * 8 / duration, MAX_BITRATE, None, "bitrate")
    sample_rate = _stream_fact(getattr(info, "sample_rate", None), MAX_SAMPLE_RATE, notes,
                               "sample rate")
    if sample_rate is None and codec == "opus":
        sample_rate = 48_000  # Opus always decodes at 48 kHz
    channels = _stream_fact(getattr(info, "channels", None), MAX_CHANNELS, notes, "channels")
    track = Track(
        path=path,
        title=next(iter(get("title")), None),
        artists=get("artist"),
        album=next(iter(get("album")), None),
        albumartists=get("albumartist"),
        genres=get("genre"),
        year=tv.parse_year(get("date")) or tv.parse_year(get("originaldate")),
        track_number=track_number,
        track_total=track_total or tv.parse_number(get("tracktotal"), notes, "track total"),
        disc_number=disc_number,
        disc_total=disc_total or tv.parse_number(get("disctotal"), notes, "disc total"),
        duration=duration,
        codec=codec,
        bitrate=None if bitrate is None else int(bitrate),
        sample_rate=None if sample_rate is None else int(sample_rate),
        channels=None if channels is None else int(channels),
        rg_track_gain=_gain(get("rg_track_gain"), get("r128_track_gain"),
                            getattr(info, "title_gain", None), notes, "track gain"),
        rg_track_peak=tv.parse_peak(get("rg_track_peak"), notes, "track peak"),
        rg_album_gain=_gain(get("rg_album_gain"), get("r128_album_gain"),
                            getattr(info, "album_gain", None), notes, "album gain"),
        rg_album_peak=tv.parse_peak(get("rg_album_peak"), notes, "album peak"),
        tag_rating=_stars(raw.get("popm", ()), get("wmp_rating"), get("rating"),
                          get("user_rating"), get("fmps_rating"), notes),
        mtime_ns=st.st_mtime_ns,
        size=st.st_size,
    )
    if notes:
        logger.info("%r: ignored %s", path, "; ".join(notes))
    return track


#: Bounds of the stream facts a header states; beyond them the header is junk. A week of
#: audio in one file, 50 Mbit/s, 50 MHz (DSD runs at a few MHz) and 255 channels.
MAX_DURATION = 7 * 24 * 3600.0
MAX_BITRATE = 50_000_000
MAX_SAMPLE_RATE = 50_000_000
MAX_CHANNELS = 255


def _stream_fact(value: Any, maximum: float, notes: tv.Notes | None,
                 name: str) -> float | None:
    """A positive header number up to *maximum*; anything else is unknown (None)."""
    if not isinstance(value, int | float) or not value > 0:  # (WavPack says True for mono)
        return None
    if value <= maximum:
        return float(value)
    if notes is not None:
        notes.append(f"{name} {value!r} from the header (above {maximum:g})")
    return None


def _gain(replaygain: tuple[str, ...], r128: tuple[str, ...], header: Any,
          notes: tv.Notes, field: str) -> float | None:
    """ReplayGain from its tag, else from Opus R128 tags, else from a Musepack header."""
    gain = tv.parse_gain(replaygain, notes, field)
    if gain is None:
        gain = tv.r128_to_replaygain(r128, notes, f"R128 {field}")
    if gain is None and isinstance(header, int | float) and header:
        gain = tv.parse_gain([repr(float(header))], notes, f"{field} in the header")
    return gain


def _stars(popm: Iterable[Any], wmp: Iterable[str], rating: Iterable[str],
           user_rating: Iterable[str], fmps: Iterable[str],
           notes: tv.Notes | None = None) -> int | None:
    """The rating another player left in the tags, in the order of how precise it is:
    the format's own rating field first, then a per-user RATING:user (a fraction), then
    FMPS_RATING (a fraction). A rating that fits no scale ("1e400") is noted."""
    popm, wmp = list(popm), list(wmp)
    for byte in popm:
        if isinstance(byte, int) and (stars := tv.stars_from_popm(byte)) is not None:
            return stars
    for value in wmp:
        number = tv.parse_number([value])
        if number is not None and (stars := tv.stars_from_wmp(number)) is not None:
            return stars
    stars = (tv.first_text_stars(rating) or tv.first_fraction_stars(user_rating)
             or tv.first_fraction_stars(fmps))
    written = [v for v in (*wmp, *rating, *user_rating, *fmps) if tv.parse_float([v]) != 0]
    if stars is None and notes is not None and written:
        notes.append(f"rating {', '.join(map(repr, written[:3]))} (on no rating scale)")
    return stars


# -- embedded pictures ----------------------------------------------------------------------

#: ID3/FLAC picture type of the front cover.
FRONT_COVER = 3
#: Largest embedded picture taken, in bytes; anything bigger is junk.
MAX_PICTURE_BYTES = 32 * 1024 * 1024

#: (picture type, image bytes) pairs, as one picture reader found them.
Pictures = list[tuple[int, bytes]]


def read_cover(path: str) -> bytes | None:
    """The image embedded in the file at *path* (its front cover when it holds several),
    or None. Never raises: a file that cannot be read simply has no picture."""
    try:
        kinds = KINDS_BY_EXTENSION.get(os.path.splitext(path)[1].lower())
        audio = mutagen.File(path, options=kinds) if kinds else None
        if audio is None:
            audio = mutagen.File(path)
    except Exception as exc:  # mutagen raises many types for broken files
        logger.debug("no embedded picture in %r: %s", path, exc)
        return None
    if audio is None:
        return None
    found: Pictures = [(p.type, p.data) for p in getattr(audio, "pictures", None) or []]
    reader = _lookup(PICTURE_READERS, audio.tags) if audio.tags is not None else None
    if reader is not None:
        try:
            found.extend(reader(audio.tags))
        except Exception as exc:  # a malformed picture frame is just no picture
            logger.debug("unreadable picture in %r: %s", path, exc)
    fitting = [(kind, data) for kind, data in found if data and len(data) <= MAX_PICTURE_BYTES]
    for kind, data in fitting:
        if kind == FRONT_COVER:
            return data
    return fitting[0][1] if fitting else None


def _id3_pictures(tags: ID3) -> Pictures:
    return [(int(frame.type), frame.data) for frame in tags.getall("APIC")]


def _vorbis_pictures(tags: VComment) -> Pictures:
    """METADATA_BLOCK_PICTURE (a base64 FLAC picture block), else the older COVERART."""
    found = []
    blocks: list[str] = tags.get("metadata_block_picture", [])  # type: ignore[attr-defined]
    for raw in blocks:
        picture = Picture(base64.b64decode(raw))
        found.append((picture.type, picture.data))
    older: list[str] = tags.get("coverart", [])  # type: ignore[attr-defined]
    return found or [(FRONT_COVER, base64.b64decode(raw)) for raw in older]


def _mp4_pictures(tags: MP4Tags) -> Pictures:
    return [(FRONT_COVER, bytes(cover)) for cover in tags.get("covr", [])]


def _asf_pictures(tags: ASFTags) -> Pictures:
    """WM/Picture: type byte, size (uint32 LE), MIME type and description (UTF-16-LE,
    NUL-terminated), then the image."""
    found = []
    for value in tags.get("WM/Picture", []):
        raw = getattr(value, "value", value)
        if isinstance(raw, bytes) and len(raw) > 5:
            (size,) = struct.unpack_from("<I", raw, 1)
            pos = 5
            for _ in range(2):
                while pos + 1 < len(raw) and raw[pos:pos + 2] != b"\x00\x00":
                    pos += 2
                pos += 2
            found.append((raw[0], raw[pos:pos + size]))
    return found


def _ape_pictures(tags: APEv2) -> Pictures:
    """APEv2 "Cover Art (Front)": a file name, NUL, then the image."""
    value = tags.get("Cover Art (Front)") or tags.get("Cover Art (front)")
    raw = getattr(value, "value", None)
    if isinstance(raw, bytes) and b"\x00" in raw:
        return [(FRONT_COVER, raw.split(b"\x00", 1)[1])]
    return []


#: mutagen tag container class → the function that lists its embedded pictures (FLAC's
#: own picture blocks are read beside them).
PICTURE_READERS: dict[type, Callable[[Any], Pictures]] = {
    ID3: _id3_pictures,
    VComment: _vorbis_pictures,
    MP4Tags: _mp4_pictures,
    ASFTags: _asf_pictures,
    APEv2: _ape_pictures,
}
