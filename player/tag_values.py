"""Turning the text found in tags into clean values: strings, years, numbers, gains, stars.

Tags are written by many programs, some of them careless (or hostile), so every function
here accepts anything and returns None (or an empty result) for what it cannot make sense
of; none of them raises. Numbers must be plausible, not merely parseable: a gain of 1e308
dB, a rating of 1e400 or a track number of 1e309 is ignored, never cut down to something
that looks real. Functions that ignore a value for being absurd say why in *notes*, when
given, so player/tags.py can log it with the file's name. player/tags.py calls them after
mapping each format's frames to field names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

#: Longest text Riffle keeps from one tag value; longer values are cut (a 10 kB "title" is
#: junk, and would make every list and window row unusable).
MAX_TEXT = 1000
#: Most values kept from one tag field (artists, genres...), and most characters in all of
#: them together: 20,000 artists in one file are junk, not a credits list.
MAX_VALUES = 64
MAX_FIELD_TEXT = 4000
#: Largest track or disc number taken as real; bigger ones are junk.
MAX_NUMBER = 9999
#: ReplayGain gains beyond this many dB either way are junk (real ones stay within ±30).
MAX_GAIN_DB = 60.0
#: Largest ReplayGain peak taken as real (linear amplitude; 1.0 is full scale, and lossy
#: files overshoot it a little).
MAX_PEAK = 10.0

#: What a parser that ignores an absurd value appends its reason to.
Notes = list[str]

_CONTROL = re.compile(r"[\x01-\x1f\x7f]")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
# A number, then "/ total" or "of total"; a decimal point or an exponent after the number
# ("2.5", "1e309") makes it no track number at all.
_NUMBER_PAIR = re.compile(
    r"^\s*(\d{1,9})(?![\d.,eE])\s*(?:(?:/|of)\s*(\d{1,9})(?![\d.,eE]))?")
_TOO_LONG = re.compile(r"^\s*\d{10,}")
_FLOAT = re.compile(r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?")
_NAN = re.compile(r"^\s*[-+]?(?:nan|inf)", re.IGNORECASE)


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


def clean_values(values: Iterable[object], notes: Notes | None = None,
                 field: str = "tag") -> tuple[str, ...]:
    """All strings of several tag values, cleaned, in order, without repeats; at most
    MAX_VALUES of them and MAX_FIELD_TEXT characters in all (the rest is dropped, noted)."""
    seen: dict[str, None] = {}
    total = 0
    dropped = 0
    for value in values:
        for text in clean_text(value):
            if text in seen:
                continue
            if len(seen) >= MAX_VALUES or total + len(text) > MAX_FIELD_TEXT:
                dropped += 1
                continue
            seen[text] = None
            total += len(text)
    if dropped and notes is not None:
        notes.append(f"{dropped} more {field} values (beyond {MAX_VALUES} values or "
                     f"{MAX_FIELD_TEXT} characters)")
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


def parse_number_pair(values: Iterable[str], notes: Notes | None = None,
                      field: str = "number") -> tuple[int | None, int | None]:
    """(number, total) from "3", "03", "3/12", "3 of 12"; (None, None) for "A1" or junk,
    and for absurd numbers ("1e309", "2.5", 0 or above MAX_NUMBER), noted."""
    for value in values:
        match = _NUMBER_PAIR.match(value)
        if match:
            number = _bounded(int(match.group(1)), notes, field, value)
            total = _bounded(int(match.group(2)), notes, field, value) if match.group(2) \
                else None
            return number, total
        if notes is not None and (_TOO_LONG.match(value) or _FLOAT.match(value.strip())):
            notes.append(f"{field} {_quoted(value)} (not a whole number from 1 to "
                         f"{MAX_NUMBER})")
    return None, None


def parse_number(values: Iterable[str], notes: Notes | None = None,
                 field: str = "number") -> int | None:
    """A plain count such as a track total: the first number in the values."""
    return parse_number_pair(values, notes, field)[0]


def _bounded(number: int, notes: Notes | None, field: str, value: str) -> int | None:
    if 0 < number <= MAX_NUMBER:
        return number
    if notes is not None and number:
        notes.append(f"{field} {_quoted(value)} (not from 1 to {MAX_NUMBER})")
    return None


def parse_float(values: Iterable[str]) -> float | None:
    """The first number in "-7.25 dB", "+1,5 dB", "0.988", "-1.2e1"; None if there is none
    or it is not finite ("1e400", "nan")."""
    for value in values:
        if _NAN.match(value):
            return None
        match = _FLOAT.search(value)
        if match:
            number = float(match.group(0).replace(",", "."))
            return number if math.isfinite(number) else None
    return None


def parse_gain(values: Iterable[str], notes: Notes | None = None,
               field: str = "gain") -> float | None:
    """A ReplayGain gain in dB, if one is there and within ±MAX_GAIN_DB."""
    return _within(values, -MAX_GAIN_DB, MAX_GAIN_DB, notes, field, "dB")


def parse_peak(values: Iterable[str], notes: Notes | None = None,
               field: str = "peak") -> float | None:
    """A ReplayGain peak (linear), if one is there and above 0, up to MAX_PEAK."""
    peak = _within(values, 0.0, MAX_PEAK, notes, field, "")
    return peak if peak else None


def _within(values: Iterable[str], low: float, high: float, notes: Notes | None,
            field: str, unit: str) -> float | None:
    values = list(values)
    number = parse_float(values)
    if number is not None and low <= number <= high:
        return number
    if notes is not None and values and (number is not None or _looks_numeric(values[0])):
        notes.append(f"{field} {_quoted(values[0])} (not within {low:g} to {high:g}"
                     f"{' ' + unit if unit else ''})")
    return None


def _looks_numeric(value: str) -> bool:
    return bool(_NAN.match(value) or _FLOAT.search(value))


#: Opus R128 gains are signed 16-bit numbers (Q7.8 fixed point).
_R128_RANGE = (-32768, 32767)


def r128_to_replaygain(values: Iterable[str], notes: Notes | None = None,
                       field: str = "R128 gain") -> float | None:
    """An Opus R128 gain (Q7.8 fixed point, relative to -23 LUFS) as a ReplayGain gain in dB
    (relative to ReplayGain's -18 LUFS reference, hence the 5 dB). A value outside the
    signed 16-bit range the format allows is ignored, noted."""
    for value in values:
        try:
            raw = int(value.strip())
        except ValueError:
            continue
        if _R128_RANGE[0] <= raw <= _R128_RANGE[1]:
            return raw / 256.0 + 5.0
        if notes is not None:
            notes.append(f"{field} {_quoted(value)} (beyond the 16-bit range of R128 gains)")
        return None
    return None


def _quoted(value: str) -> str:
    """*value* for a log line: quoted, and cut when long."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


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
