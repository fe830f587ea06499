"""Turning the text found in tags into clean values: strings, years, numbers, gains, stars.

Tags are written by many programs, some of them careless, so every function here accepts
anything and returns None (or an empty result) for what it cannot make sense of; none of
them raises. player/tags.py calls them after mapping each format's frames to field names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

#: Longest text Riffle keeps from one tag value; longer values are cut (a 10 kB "title" is
#: junk, and would make every list and window row unusable).
MAX_TEXT = 1000
#: Largest track or disc number taken as real; bigger ones are junk.
MAX_NUMBER = 9999

_CONTROL = re.compile(r"[\x01-\x1f\x7f]")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_NUMBER_PAIR = re.compile(r"^\s*(\d+)\s*(?:(?:/|of)\s*(\d+))?")
_FLOAT = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def clean_text(value: object) -> list[str]:
    """The non-empty strings in one tag value, stripped of surrounding white space.

    A NUL byte separates values (as in ID3v2.4 and APEv2), control characters become
    spaces, text that cannot be stored as UTF-8 (stray surrogates from a wrong encoding)
    becomes U+FFFD, and each value is cut to MAX_TEXT characters.
    """
    if isinstance(value, str) and value.isprintable():  # the common case, checked in C
        value = value.strip()
        return [value[:MAX_TEXT]] if value else []
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep what is text, mark the rest
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    out = []
    for part in text.split("\x00"):
        part = _CONTROL.sub(" ", part).strip()
        if part:
            out.append(part[:MAX_TEXT])
    return out


def clean_values(values: Iterable[object]) -> tuple[str, ...]:
    """All strings of several tag values, cleaned, in order, without repeats."""
    seen: dict[str, None] = {}
    for value in values:
        for text in clean_text(value):
            seen.setdefault(text, None)
    return tuple(seen)


def parse_year(values: Iterable[str]) -> int | None:
    """The year of the first date that has one: "2004", "2004-05-01", "2004/05",
    "05/01/2004", "2004-13-45" (a broken date still names its year) all give 2004."""
    for value in values:
        match = _YEAR.search(value)
        if match:
            year = int(match.group(1))
            if 1000 <= year <= 2999:
                return year
    return None


def parse_number_pair(values: Iterable[str]) -> tuple[int | None, int | None]:
    """(number, total) from "3", "03", "3/12", "3 of 12"; (None, None) for "A1" or junk."""
    for value in values:
        match = _NUMBER_PAIR.match(value)
        if match:
            number = _bounded(int(match.group(1)))
            total = _bounded(int(match.group(2))) if match.group(2) else None
            return number, total
    return None, None


def parse_number(values: Iterable[str]) -> int | None:
    """A plain count such as a track total: the first number in the values."""
    return parse_number_pair(values)[0]


def _bounded(number: int) -> int | None:
    return number if 0 < number <= MAX_NUMBER else None


def parse_float(values: Iterable[str]) -> float | None:
    """The first finite number in "-7.25 dB", "+1,5 dB", "0.988"; None if there is none."""
    for value in values:
        match = _FLOAT.search(value)
        if match:
            number = float(match.group(0).replace(",", "."))
            if math.isfinite(number) and abs(number) < 1000:
                return number
    return None


def r128_to_replaygain(values: Iterable[str]) -> float | None:
    """An Opus R128 gain (Q7.8 fixed point, relative to -23 LUFS) as a ReplayGain gain in dB
    (relative to ReplayGain's -18 LUFS reference, hence the 5 dB)."""
    for value in values:
        try:
            return int(value.strip()) / 256.0 + 5.0
        except ValueError:
            continue
    return None


# -- ratings: every scale other players use, read into 1–5 stars (None = unrated) ------------


def stars_from_popm(byte: int) -> int | None:
    """ID3 POPM 0–255 by ranges, so both 1/64/128/196/255 and 51/102/153/204/255 work."""
    if not 0 < byte <= 255:
        return None
    for upper, stars in ((31, 1), (95, 2), (159, 3), (223, 4)):
        if byte <= upper:
            return stars
    return 5


def stars_from_fraction(fraction: float) -> int | None:
    """FMPS_RATING (and MPRIS) 0.0–1.0; 0 is unrated, half stars round up."""
    if not 0.0 < fraction <= 1.0:
        return None
    return max(1, min(5, math.floor(fraction * 5 + 0.5)))


def stars_from_wmp(value: int) -> int | None:
    """WM/SharedUserRating 0–99, as Windows Media Player writes 1, 25, 50, 75, 99."""
    if not 0 < value <= 99:
        return None
    for upper, stars in ((12, 1), (37, 2), (62, 3), (86, 4)):
        if value <= upper:
            return stars
    return 5


def stars_from_text(text: str) -> int | None:
    """A RATING-style value on whichever scale it was written in.

    A fraction below 1 ("0.8") is FMPS-style; 1–5 are stars; 6–10 a ten-point scale;
    11–100 a percentage (MusicBee writes 20, 40, 60, 80, 100, and 10, 30… for half stars).
    """
    number = parse_float([text])
    if number is None or number <= 0:
        return None
    if number < 1:
        return stars_from_fraction(number)
    if number <= 5:
        return math.floor(number + 0.5)
    if number <= 10:
        return math.ceil(number / 2)
    if number <= 100:
        return math.ceil(number / 20)
    return None


def first_fraction_stars(values: Iterable[str]) -> int | None:
    """Stars from the first value that holds a fraction 0.0–1.0 (FMPS_RATING, and Quod
    Libet's RATING:user, where 1.0 is five stars); values above 1 are not fractions."""
    for value in values:
        number = parse_float([value])
        if number is not None and (stars := stars_from_fraction(number)) is not None:
            return stars
    return None


def first_text_stars(values: Iterable[str]) -> int | None:
    for value in values:
        if (stars := stars_from_text(value)) is not None:
            return stars
    return None
