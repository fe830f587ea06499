"""XSPF playlists (the XML Shareable Playlist Format, version 1).

    <playlist version="1" xmlns="http://xspf.org/ns/0/">
      <title>Road trip</title>
      <trackList>
        <track><location>file:///music/a.flac</location><creator>Kraftwerk</creator>
               <title>Autobahn</title><album>Autobahn</album><duration>1362000</duration>
        </track>
        <track><creator>Neu!</creator><title>Hallogallo</title></track>
      </trackList>
    </playlist>

A track may give a location (a URI), or only what it is (creator, title, album, duration
in milliseconds), which Riffle then matches by tags. The parser refuses a document type
declaration (an XSPF file has none), so no entity can be expanded or fetched.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote, unquote
from xml.etree import ElementTree
from xml.parsers import expat

from player.store.playlists import EntryText

NAMESPACE = "http://xspf.org/ns/0/"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FIELDS = ("location", "creator", "title", "album", "duration")


class XspfError(ValueError):
    """The document is not XSPF (or not well-formed XML); the message says where."""


def _local(name: str) -> str:
    """An element's name without its namespace ("http://xspf.org/ns/0/ title" → "title")."""
    return name.rsplit(" ", 1)[-1]


class _Reader:
    """Collects the playlist's title and its tracks while expat reads the document."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.path: list[str] = []
        self.title: str | None = None
        self.tracks: list[tuple[int, dict[str, str]]] = []
        self.text: list[str] = []
        self.root: str | None = None

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        if self.root is None:
            self.root = _local(name)
        self.path.append(_local(name))
        self.text = []
        if self.path[-2:] == ["trackList", "track"]:
            self.tracks.append((self.parser.CurrentLineNumber, {}))

    def end(self, name: str) -> None:
        here = self.path
        value = "".join(self.text).strip()
        if len(here) >= 3 and here[-3:-1] == ["trackList", "track"] and self.tracks \
                and here[-1] in _FIELDS:
            fields = self.tracks[-1][1]
            fields.setdefault(here[-1], value)  # the first location is the one to play
        elif here == ["playlist", "title"]:
            self.title = value or None
        here.pop()
        self.text = []

    def chars(self, data: str) -> None:
        self.text.append(data)


def _refuse_doctype(*_args: object) -> None:
    raise XspfError("it declares a document type, which XSPF never does")


def parse(data: bytes) -> tuple[str | None, list[tuple[int, EntryText]]]:
    """(the playlist's title or None, [(line of the <track>, entry)]) from XSPF bytes.
    Raises XspfError for a document that is not well-formed or not a playlist."""
    parser = expat.ParserCreate(namespace_separator=" ")
    reader = _Reader(parser)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.chars
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XspfError(f"line {exc.lineno}: {expat.ErrorString(exc.code)}") from exc
    if reader.root != "playlist":
        raise XspfError(f"its root is <{reader.root}>, not <playlist>")
    return reader.title, [(line, _entry(fields)) for line, fields in reader.tracks]


def _entry(fields: dict[str, str]) -> EntryText:
    location = fields.get("location") or None
    if location is not None and not _SCHEME.match(location):
        location = unquote(location, errors="surrogateescape")  # a relative reference
    return EntryText(location=location,
                     artist=fields.get("creator") or None,
                     title=fields.get("title") or None,
                     album=fields.get("album") or None,
                     duration=_seconds(fields.get("duration")))


def _seconds(milliseconds: str | None) -> float | None:
    try:
        value = float(milliseconds or "")
    except ValueError:
        return None
    return value / 1000 if math.isfinite(value) and value > 0 else None


def location_uri(location: str) -> str:
    """A location as an XSPF <location> URI: kept when it is a URI already; a path (any
    system's, relative ones too) as a file URI or a relative reference, its bytes
    percent-encoded."""
    if _SCHEME.match(location):
        return location
    windows = re.match(r"^([A-Za-z]):[\\/](.*)$", location, re.DOTALL)
    if windows:
        rest = windows[2].replace("\\", "/")
        return f"file:///{windows[1]}:/{quote(os.fsencode(rest), safe='/')}"
    encoded = quote(os.fsencode(location), safe="/")
    return f"file://{encoded}" if PurePosixPath(location).is_absolute() else encoded


def render(title: str | None, entries: Sequence[EntryText]) -> bytes:
    """An XSPF document (UTF-8) with one <track> per entry."""
    ElementTree.register_namespace("", NAMESPACE)
    root = ElementTree.Element(f"{{{NAMESPACE}}}playlist", version="1")
    if title:
        ElementTree.SubElement(root, f"{{{NAMESPACE}}}title").text = _xml_text(title)
    track_list = ElementTree.SubElement(root, f"{{{NAMESPACE}}}trackList")
    for entry in entries:
        track = ElementTree.SubElement(track_list, f"{{{NAMESPACE}}}track")
        values = (("location", location_uri(entry.location) if entry.location else None),
                  ("creator", entry.artist), ("title", entry.title), ("album", entry.album),
                  ("duration", str(round(entry.duration * 1000)) if entry.duration else None))
        for name, value in values:
            if value:
                ElementTree.SubElement(track, f"{{{NAMESPACE}}}{name}").text = _xml_text(value)
    ElementTree.indent(root)
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """*text* without what XML cannot hold (control characters, lone surrogates)."""
    return _NOT_XML.sub("\ufffd", text)
