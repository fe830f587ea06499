"""Listening history as scrobbling services export it: each listen's time and track.

- **ListenBrainz**: the user export, a ZIP of JSON-lines files (listens/YEAR/MONTH.jsonl),
  or an older single JSON array, or JSON lines. Each listen is
  {"listened_at": Unix seconds, "track_metadata": {"artist_name", "track_name",
  "release_name", "additional_info": {"duration_ms" or "duration"}}}.
- **Last.fm**: the common CSV export of scrobbles: artist, album, title, date (UTC, as
  "31 Jan 2020 20:15", Unix seconds or ISO 8601), with or without a header row; a header
  may name the columns otherwise (track, name, uts, utc_time, timestamp...).

Each reader yields `Listen`s and, for an entry it cannot read, a `BadEntry` saying where
(a line, or a file in the archive and its line) and why; it never stops at one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from player.errors import RiffleError
from player.formatting import path_text
from player.history_io import LATEST_TIME


class HistoryFileError(RiffleError):
    """A history file cannot be read at all; the message says why."""


@dataclass(frozen=True, slots=True)
class Listen:
    """One play as a service recorded it: when it started (Unix seconds) and the track."""

    where: str  # "line 12", "listens/2024/5.jsonl:3"
    at: float
    artist: str | None
    title: str
    album: str | None = None
    duration: float | None = None  # seconds, when the service knew it


@dataclass(frozen=True, slots=True)
class BadEntry:
    where: str
    why: str


Entry = Listen | BadEntry


def _open_error(path: str, exc: OSError) -> HistoryFileError:
    return HistoryFileError(f"Cannot read {path_text(path)}: {exc.strerror or exc}.")


# -- ListenBrainz -----------------------------------------------------------------------------


def listenbrainz(path: str) -> Iterator[Entry]:
    """The listens of a ListenBrainz export at *path* (ZIP, JSON array or JSON lines).
    Raises HistoryFileError when the file cannot be opened at all."""
    try:
        if zipfile.is_zipfile(path):
            yield from _listenbrainz_zip(path)
            return
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(1 << 16)
            handle.seek(0)
            if head.lstrip().startswith("["):
                yield from _listenbrainz_array(handle.read())
            else:
                yield from _listenbrainz_lines(handle, "line ")
    except OSError as exc:
        raise _open_error(path, exc) from exc


def _listenbrainz_zip(path: str) -> Iterator[Entry]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise HistoryFileError(f"{path_text(path)} is a damaged ZIP file ({exc}).") from exc
    with archive:
        names = sorted(n for n in archive.namelist()
                       if n.lower().endswith((".jsonl", ".json")) and "listens" in n.lower())
        if not names:
            raise HistoryFileError(f"{path_text(path)} holds no listens (a ListenBrainz "
                                   "export has listens/YEAR/MONTH.jsonl files).")
        for name in names:
            with archive.open(name) as raw:
                lines = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
                yield from _listenbrainz_lines(lines, f"{name}:")


def _listenbrainz_lines(lines: Iterable[str], prefix: str) -> Iterator[Entry]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        where = f"{prefix}{number}"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield BadEntry(where, f"not JSON ({exc.msg})")
            continue
        yield _listenbrainz_listen(where, data)


def _listenbrainz_array(text: str) -> Iterator[Entry]:
    try:
        listens = json.loads(text)
    except json.JSONDecodeError as exc:
        yield BadEntry(f"line {exc.lineno}", f"not JSON ({exc.msg})")
        return
    if not isinstance(listens, list):
        yield BadEntry("line 1", "not a list of listens")
        return
    for number, data in enumerate(listens, start=1):
        yield _listenbrainz_listen(f"listen {number}", data)


def _listenbrainz_listen(where: str, data: Any) -> Entry:
    if not isinstance(data, dict):
        return BadEntry(where, "not a listen (a JSON object)")
    meta = data.get("track_metadata")
    if not isinstance(meta, dict):
        return BadEntry(where, "no track_metadata")
    title, artist = _text(meta.get("track_name")), _text(meta.get("artist_name"))
    if title is None:
        return BadEntry(where, "no track_name")
    at = _unix(data.get("listened_at"))
    if at is None:
        return BadEntry(where, f"listened_at {data.get('listened_at')!r} is not a time")
    info = meta.get("additional_info")
    if not isinstance(info, dict):
        info = {}
    duration = _number(info.get("duration_ms"))
    duration = duration / 1000 if duration is not None else _number(info.get("duration"))
    return Listen(where, at, artist, title, _text(meta.get("release_name")), duration)


# -- Last.fm ----------------------------------------------------------------------------------

_COLUMNS = {
    "artist": ("artist", "artist_name", "artist name"),
    "album": ("album", "album_name", "album name", "release"),
    "title": ("title", "track", "track_name", "track name", "name", "song"),
    "date": ("date", "uts", "utc_time", "timestamp", "time", "played_at", "scrobble time"),
}
_DATE_FORMATS = ("%d %b %Y %H:%M", "%d %b %Y, %H:%M", "%d %B %Y %H:%M", "%d %B %Y, %H:%M",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


def lastfm_csv(path: str) -> Iterator[Entry]:
    """The scrobbles of a Last.fm CSV export at *path*. Raises HistoryFileError when the
    file cannot be opened at all."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            rows = csv.reader(handle)
            columns: dict[str, int] | None = None
            for number, row in enumerate(rows, start=1):
                if not row or not any(cell.strip() for cell in row):
                    continue
                if number == 1 and (header := _header(row)) is not None:
                    columns = header
                    continue
                yield _scrobble(f"line {number}", row, columns)
    except OSError as exc:
        raise _open_error(path, exc) from exc


def _header(row: list[str]) -> dict[str, int] | None:
    names = [cell.strip().lower() for cell in row]
    found = {}
    for field, spellings in _COLUMNS.items():
        for index, name in enumerate(names):
            if name in spellings and field not in found:
                found[field] = index
    if "artist" in found and "title" in found:
        # "uts" (seconds) beats "utc_time" (text) when an export has both
        if "uts" in names:
            found["date"] = names.index("uts")
        return found
    return None


def _scrobble(where: str, row: list[str], columns: dict[str, int] | None) -> Entry:
    order = columns or {"artist": 0, "album": 1, "title": 2, "date": 3}

    def cell(field: str) -> str | None:
        index = order.get(field)
        return _text(row[index]) if index is not None and index < len(row) else None

    title = cell("title")
    if title is None:
        return BadEntry(where, "no title")
    when = cell("date")
    at = _date(when)
    if at is None:
        return BadEntry(where, f"the date {when!r} is not one Riffle reads" if when
                        else "no date (a scrobble being played now?)")
    return Listen(where, at, cell("artist"), title, cell("album"))


def _date(text: str | None) -> float | None:
    if not text:
        return None
    if (seconds := _unix(text)) is not None:
        return seconds
    for pattern in _DATE_FORMATS:
        try:
            moment = datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment.timestamp()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = moment.timestamp()
    return seconds if 0 < seconds < LATEST_TIME else None


# -- values -----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    clean = " ".join(value.split())
    return clean or None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return float(value)
    return None


def _unix(value: Any) -> float | None:
    """Unix seconds from a number or digits (milliseconds are recognised by size)."""
    number = _number(value)
    if number is None:
        return None
    if number > LATEST_TIME:  # milliseconds
        number /= 1000
    return number if 0 < number < LATEST_TIME else None
