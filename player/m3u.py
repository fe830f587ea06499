"""M3U and M3U8 playlists: one location a line, with the extended format's comments.

    #EXTM3U
    #PLAYLIST:Road trip
    #EXTINF:215,Kraftwerk - Autobahn
    #EXTALB:Autobahn
    C:\\Music\\Kraftwerk\\Autobahn\\01 Autobahn.mp3

`#EXTINF:seconds,Artist - Title` (seconds -1: unknown; attributes such as tvg-id="..."
before the comma are skipped), `#EXTART:` and `#EXTALB:` describe the next location;
other comments are ignored. M3U8 is UTF-8. A plain .m3u is read as UTF-8 where it is
valid; a line that is not is taken as Windows-1252 text (what such files usually are),
except a location, whose bytes are kept as Python keeps a file name that is not UTF-8, so
it still names that very file.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence

from player.store.playlists import EntryText

_EXTINF = re.compile(r"^#EXTINF\s*:\s*(?P<seconds>-?\d+(?:\.\d+)?)?(?P<attrs>[^,]*),(?P<text>.*)$",
                     re.IGNORECASE)
#: What separates artist and title after #EXTINF's comma.
_ARTIST_TITLE = " - "


def _line_text(raw: bytes, *, location: bool, utf8: bool) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if location:
            return os.fsdecode(raw) if os.name != "nt" else raw.decode("cp1252", "replace")
        return raw.decode("utf-8" if utf8 else "cp1252", "replace")


def _seconds(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def parse(data: bytes, *, utf8: bool = True) -> tuple[str | None, list[tuple[int, EntryText]]]:
    """(the playlist's title or None, [(line number, entry)]) from an M3U file's bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    title: str | None = None
    entries: list[tuple[int, EntryText]] = []
    pending: dict[str, str | float | None] = {}
    for number, raw in enumerate(data.splitlines(), start=1):
        raw = raw.strip()
        if not raw:
            continue
        if raw.startswith(b"#"):
            text = _line_text(raw, location=False, utf8=utf8)
            upper = text[:10].upper()
            if upper.startswith("#EXTINF"):
                pending.update(_extinf(text))
            elif upper.startswith("#EXTART:"):
                pending["artist"] = text[8:].strip() or None
            elif upper.startswith("#EXTALB:"):
                pending["album"] = text[8:].strip() or None
            elif upper.startswith("#PLAYLIST:"):
                title = text[10:].strip() or None
            continue
        location = _line_text(raw, location=True, utf8=utf8)
        seconds = pending.get("duration")
        entries.append((number, EntryText(
            location=location, artist=_text(pending.get("artist")),
            title=_text(pending.get("title")), album=_text(pending.get("album")),
            duration=seconds if isinstance(seconds, float) else None)))
        pending = {}
    return title, entries


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _extinf(line: str) -> dict[str, str | float | None]:
    match = _EXTINF.match(line)
    if match is None:
        return {}
    shown = match["text"].strip()
    artist, sep, title = shown.partition(_ARTIST_TITLE)
    if not sep:
        artist, title = "", shown
    return {"duration": _seconds(match["seconds"]), "artist": artist.strip() or None,
            "title": title.strip() or None}


def render(title: str | None, entries: Sequence[EntryText]) -> bytes:
    """An extended M3U file (UTF-8; a location that is not UTF-8 keeps its own bytes)."""
    lines: list[bytes] = [b"#EXTM3U"]
    if title:
        lines.append(f"#PLAYLIST:{_one_line(title)}".encode())
    for entry in entries:
        if entry.location is None:
            continue
        if entry.title or entry.artist or entry.duration:
            seconds = round(entry.duration) if entry.duration else -1
            shown = _one_line(entry.title or "")
            if entry.artist:
                shown = f"{_one_line(entry.artist)}{_ARTIST_TITLE}{shown}"
            lines.append(f"#EXTINF:{seconds},{shown}".encode())
        if entry.album:
            lines.append(f"#EXTALB:{_one_line(entry.album)}".encode())
        lines.append(os.fsencode(_one_line(entry.location)))
    return b"\n".join(lines) + b"\n"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())
