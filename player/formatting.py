"""How Riffle says things to a person, in both faces: times, stars, file names, problems.

One vocabulary for the window and the command line (and the core's own sentences), so a
duration reads "3:07" everywhere and a failed play is told the same way in the table, the
problems list and `riffle errors`. Plain text only: the faces decide how to show it (the
command line escapes what a terminal would obey; the window shows it as plain text).
"""

from __future__ import annotations

import os
import time

from player.queue_types import Why

STAR = "★"
NO_STAR = "☆"


def duration(seconds: float | None, unknown: str = "") -> str:
    """'3:07', '1:02:03', or *unknown* when there is no (valid) length; to the nearest
    second."""
    if seconds is None or seconds != seconds or seconds < 0:  # None, NaN, negative
        return unknown
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock(seconds: float | None) -> str:
    """A point in a track as a clock shows it: whole seconds passed ('0:59' until the
    minute is full); '0:00' when unknown."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "0:00"
    return duration(int(seconds))


def stars(count: int | None) -> str:
    """'★★★' for 3 (nothing for none)."""
    return STAR * max(0, min(5, count or 0))


def star_bar(count: int | None, none: str = "") -> str:
    """'★★★☆☆' for 3, out of five; *none* when unrated."""
    if not count:
        return none
    count = max(0, min(5, count))
    return STAR * count + NO_STAR * (5 - count)


def path_text(path: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogate escapes)
    become U+FFFD, so it can be shown and printed."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "replace")
    return path


def artist_title(artist: str, title: str) -> str:
    """'Artist – Title', how a track is named in a sentence."""
    return f"{artist} – {title}"


def cannot_play(reason: str) -> str:
    """Why a track is listed as a problem after it failed to play."""
    return f"could not be played: {reason}"


#: What each kind of problem file is called (TrackStore.problems' kinds).
PROBLEM_KINDS = {"scan": "Unreadable", "play": "Does not play", "damaged": "Damaged"}


def problem_text(kind: str, reason: str) -> str:
    """A problem file's reason as a person reads it: an unreadable file's reason as it is,
    a failed play as "could not be played: …", a damaged file's damage as it is."""
    return cannot_play(reason) if kind == "play" else reason


def signed(value: float) -> str:
    """'+0.62' or '−0.40': a preference, with its direction."""
    return f"{'+' if value >= 0 else '−'}{abs(value):.2f}"


def why_lines(why: Why) -> list[str]:
    """Why a track would or would not be the next pick, as lines for a person (the command
    line prints them, the window shows them)."""
    lines = []
    if why.excluded is not None:
        lines.append(f"kept out now: {why.excluded}")
    elif why.rank is not None:
        lines.append(f"may be picked next: rank {why.rank} of {why.eligible} tracks that may "
                     f"play next (score {why.score:.2f})")
        if why.reason:
            lines.append(f"its reason would be: {why.reason}")
    if why.own_preference is not None:
        lines.append(f"your own preference: {signed(why.own_preference)}")
    if why.predicted is not None:
        if why.own_preference is not None and not why.influences:
            pass  # judged itself, with nothing judged around it: its own preference says it
        elif why.influences:
            lines.append(f"predicted preference {signed(why.predicted)} (confidence "
                         f"{why.confidence:.2f}), from the judged tracks around it:")
            for found in why.influences:
                towards = "towards" if found.preference > 0 else "away"
                lines.append(f"  {signed(found.preference)}  '{found.title}' "
                             f"({found.evidence}): pulls {towards}, closeness "
                             f"{found.closeness:.2f}")
        else:
            lines.append("predicted preference: none yet (nothing judged sounds like it)")
    else:
        lines.append("not analysed yet: nothing is known of how it sounds")
    if why.flow is not None and why.flow_from is not None:
        lines.append(f"flow from '{why.flow_from}': {why.flow:+.2f}")
    lines.append(f"novelty {why.novelty:.2f}: {why.novelty_text}")
    return lines


#: Codec names as stored (player.tags.CODECS) → as a person reads them.
_FORMAT_NAMES = {
    "mp3": "MP3", "mp2": "MP2", "mp1": "MP1", "flac": "FLAC", "vorbis": "Ogg Vorbis",
    "opus": "Opus", "speex": "Speex", "aac": "AAC", "alac": "ALAC", "wma": "WMA",
    "pcm": "PCM", "wavpack": "WavPack", "ape": "Monkey's Audio", "musepack": "Musepack",
    "tta": "TTA",
}


def format_name(codec: str | None) -> str:
    """'FLAC', 'Ogg Vorbis', 'MP3' for a stored codec name; '' when unknown."""
    if not codec:
        return ""
    return _FORMAT_NAMES.get(codec, codec.upper() if len(codec) <= 4 else codec)


def bitrate(bits_per_second: int | None) -> str:
    """'320 kbps' (to the nearest kbit/s); '' when unknown."""
    if not bits_per_second or bits_per_second < 0:
        return ""
    return f"{round(bits_per_second / 1000):,} kbps"


def sample_rate(hertz: int | None) -> str:
    """'44.1 kHz', '48 kHz'; '' when unknown."""
    if not hertz or hertz < 0:
        return ""
    return f"{hertz / 1000:g} kHz"


def day(when: float | None) -> str:
    """The date of a Unix time in local time, '2024-05-01'; '' when unknown."""
    if when is None or when != when:
        return ""
    try:
        return time.strftime("%Y-%m-%d", time.localtime(when))
    except (OverflowError, OSError, ValueError):
        return ""


def moment(when: float | None) -> str:
    """A Unix time in local time to the minute, '2024-05-01 14:03'; '' when unknown."""
    if when is None or when != when:
        return ""
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(when))
    except (OverflowError, OSError, ValueError):
        return ""


def distance(value: float) -> str:
    """How far apart two tracks sound, as both faces print it: '0.213' (0 = the same,
    about 1 = two tracks taken at random)."""
    return f"{value:.3f}"
