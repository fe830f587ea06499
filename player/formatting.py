"""How Riffle says things to a person, in both faces: times, stars, file names, problems.

One vocabulary for the window and the command line (and the core's own sentences), so a
duration reads "3:07" everywhere and a failed play is told the same way in the table, the
problems list and `riffle errors`. Plain text only: the faces decide how to show it (the
command line escapes what a terminal would obey; the window shows it as plain text).
"""

from __future__ import annotations

import os

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
