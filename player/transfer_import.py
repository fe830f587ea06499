"""A library export (player/transfer_export.py) into this library.

Each exported track is found here by its path, else by its tags (artist, title, album,
length), else by the end of its path; one found nowhere is kept as a missing track with
its tags, so its history is kept and joins the file when a scan finds it (a new file with
the same tags and length takes over a missing track's row). Ratings (their whole
history), plays, removals and playlists are then added, settings taken. What is here
already is not added again, so importing twice adds nothing twice, and the history is
written in the order it was exported: a library that imports it reads it as the one that
exported it did, and the auto-shuffle picks alike (`riffle next --seed N`).

A row the file holds that cannot be read is listed and skipped; the rest is imported.
Rows are written in short transactions, so the player never waits long.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from player import edits
from player.changes import Changes
from player.errors import RiffleError
from player.formatting import path_text
from player.matching import LibraryIndex, MatchKind
from player.models import PlayOutcome, PlaySource, Track
from player.settings import ALL_SETTINGS
from player.store import Store
from player.store.playlists import EntryText
from player.transfer_export import FORMAT_VERSION

logger = logging.getLogger(__name__)

#: Rows written per transaction.
BATCH = 500
_SETTINGS = {setting.key: setting for setting in ALL_SETTINGS}


@dataclass
class TransferReport:
    """What an import did: each kind's rows added and those already here, how the tracks
    were found, and the rows that could not be read."""

    found: Counter[str] = field(default_factory=Counter)  # by path, tags, tail; "missing"
    added: Counter[str] = field(default_factory=Counter)  # ratings, plays, removals, ...
    already: Counter[str] = field(default_factory=Counter)
    skipped_settings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _BadRow(ValueError):
    pass


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The export at *path*, its layout checked. Raises RiffleError naming what is wrong."""
    shown = path_text(os.fspath(path))
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise RiffleError(f"Cannot read {shown}: {exc.strerror or exc}.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise RiffleError(f"{shown} is not a Riffle library export (not JSON: {exc}).") \
            from exc
    if not isinstance(document, dict) or "riffle_library" not in document:
        raise RiffleError(f"{shown} is not a Riffle library export (riffle export FILE "
                          "makes one).")
    if document["riffle_library"] != FORMAT_VERSION:
        raise RiffleError(f"{shown} was written by another Riffle (export layout "
                          f"{document['riffle_library']!r}; this Riffle reads "
                          f"{FORMAT_VERSION}). Update Riffle to import it.")
    for key in ("tracks", "ratings", "plays", "removals", "playlists"):
        if not isinstance(document.get(key, []), list):
            raise RiffleError(f"{shown} is damaged: its {key} are not a list.")
    if not isinstance(document.get("settings", {}), dict):
        raise RiffleError(f"{shown} is damaged: its settings are not an object.")
    return document


def import_library(store: Store, path: str | os.PathLike[str]
                   ) -> tuple[TransferReport, Changes]:
    """Import the export at *path*; see the module docstring. Raises RiffleError (before
    writing anything) for a file that is not an export."""
    document = read_document(path)
    report = TransferReport()
    ids = _tracks(store, document.get("tracks", []), report)
    changed: dict[str, set[int]] = {"ratings": set(), "plays": set(), "removals": set()}
    _rows(store, document.get("ratings", []), "ratings", report,
          lambda row: _rating(store, ids, row, changed["ratings"]))
    _rows(store, document.get("plays", []), "plays", report,
          lambda row: _play(store, ids, row, changed["plays"]))
    _rows(store, document.get("removals", []), "removals", report,
          lambda row: _removal(store, ids, row, changed["removals"]))
    playlists = _playlists(store, ids, document.get("playlists", []), report)
    settings = _settings(store, document.get("settings", {}), report)
    logger.info("imported a library export: %s (already here: %s)", dict(report.added),
                dict(report.already))
    return report, Changes(tracks=report.found["missing"] > 0,
                           ratings=frozenset(changed["ratings"]),
                           plays=frozenset(changed["plays"]),
                           removals=frozenset(changed["removals"]),
                           playlists=frozenset(playlists)) | settings


# -- tracks -----------------------------------------------------------------------------------


def _tracks(store: Store, rows: Sequence[Any], report: TransferReport) -> list[int | None]:
    index = LibraryIndex.of(store)
    ids: list[int | None] = []
    missing: list[tuple[int, Track]] = []
    for number, row in enumerate(rows):
        try:
            track = _track(row)
        except _BadRow as exc:
            report.problems.append(f"tracks[{number}]: {exc}")
            ids.append(None)
            continue
        artist = track.artists[0] if track.artists else None
        found = index.by_path(track.path)
        kind = MatchKind.PATH
        if found is None and track.title:
            found, kind = index.by_tags(artist, track.title, track.album,
                                        track.duration), MatchKind.TAGS
        if found is None:
            found, kind = index.by_tail(track.path), MatchKind.TAIL
        if found is None:
            missing.append((number, track))
        else:
            report.found[str(kind)] += 1
        ids.append(found)
    for start in range(0, len(missing), BATCH):
        with store.db.transaction():
            for number, track in missing[start:start + BATCH]:
                known = store.tracks.by_path(track.path)
                ids[number] = known.id if known is not None else store.tracks.add_missing(track)
                report.found["missing"] += 1
    return ids


def _track(row: Any) -> Track:
    if not isinstance(row, dict) or not isinstance(row.get("path"), str) or not row["path"]:
        raise _BadRow("no path")
    return Track(path=row["path"], title=_text(row.get("title")),
                 artists=_texts(row.get("artists")), album=_text(row.get("album")),
                 albumartists=_texts(row.get("albumartists")),
                 track_number=_int(row.get("track")), disc_number=_int(row.get("disc")),
                 duration=_seconds(row.get("duration"), required=False),
                 size=_int(row.get("size")) or 0)


# -- history ----------------------------------------------------------------------------------


def _rows(store: Store, rows: Sequence[Any], kind: str, report: TransferReport,
          add: Callable[[Any], bool]) -> None:
    """Add *rows* in short transactions; *add* says whether a row was new."""
    for start in range(0, len(rows), BATCH):
        with store.db.transaction():
            for number, row in enumerate(rows[start:start + BATCH], start=start):
                try:
                    new = add(row)
                except _BadRow as exc:
                    report.problems.append(f"{kind}[{number}]: {exc}")
                    continue
                (report.added if new else report.already)[kind] += 1


def _track_of(ids: list[int | None], value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(ids):
        raise _BadRow(f"names no track ({value!r})")
    track_id = ids[value]
    if track_id is None:
        raise _BadRow("its track could not be read")
    return track_id


def _rating(store: Store, ids: list[int | None], row: Any, changed: set[int]) -> bool:
    if not isinstance(row, list) or len(row) != 4:
        raise _BadRow("not [track, stars, rated_at, source]")
    track_id = _track_of(ids, row[0])
    stars, at = _int(row[1]), _seconds(row[2])
    if stars is None or not 0 <= stars <= 5:
        raise _BadRow(f"stars {row[1]!r} are not 0–5")
    if store.ratings.has_change(track_id, stars, at):
        return False
    store.ratings.set(track_id, stars, source=_text(row[3]) or "user", now=at)
    changed.add(track_id)
    return True


def _play(store: Store, ids: list[int | None], row: Any, changed: set[int]) -> bool:
    if not isinstance(row, dict):
        raise _BadRow("not a play")
    track_id = _track_of(ids, row.get("track"))
    started = _seconds(row.get("started_at"))
    try:
        outcome = PlayOutcome(str(row.get("outcome")))
        source = PlaySource(str(row.get("source", "user")))
    except ValueError as exc:
        raise _BadRow(str(exc)) from exc
    if store.plays.has_play_near(track_id, started):
        return False
    learn = row.get("learn", True)
    store.plays.add_finished(
        track_id, started_at=started, listened=_seconds(row.get("listened"), zero=True),
        outcome=outcome, duration=_seconds(row.get("duration"), required=False),
        source=source, learn=learn is not False, origin=_text(row.get("origin")),
        ended_at=_seconds(row.get("ended_at"), required=False), reason=_text(row.get("reason")))
    changed.add(track_id)
    return True


def _removal(store: Store, ids: list[int | None], row: Any, changed: set[int]) -> bool:
    if not isinstance(row, list) or len(row) != 2:
        raise _BadRow("not [track, removed_at]")
    track_id, at = _track_of(ids, row[0]), _seconds(row[1])
    if store.removals.has(track_id, at):
        return False
    store.removals.add(track_id, now=at)
    changed.add(track_id)
    return True


# -- playlists and settings -------------------------------------------------------------------


def _playlists(store: Store, ids: list[int | None], rows: Sequence[Any],
               report: TransferReport) -> set[int]:
    made: set[int] = set()
    known = {p.name.casefold() for p in store.playlists.all()}
    for number, row in enumerate(rows):
        name = _text(row.get("name")) if isinstance(row, dict) else None
        if name is None:
            report.problems.append(f"playlists[{number}]: no name")
            continue
        if name.casefold() in known:
            report.already["playlists"] += 1
            continue
        entries: list[tuple[int | None, EntryText]] = []
        listed = row.get("entries")
        for entry in listed if isinstance(listed, list) else []:
            if not isinstance(entry, dict):
                continue
            track = entry.get("track")
            track_id = ids[track] if isinstance(track, int) and not isinstance(track, bool) \
                and 0 <= track < len(ids) else None
            entries.append((track_id, EntryText(
                _text(entry.get("location")), _text(entry.get("artist")),
                _text(entry.get("title")), _text(entry.get("album")),
                _seconds(entry.get("duration"), required=False))))
        query = _text(row.get("query"))
        with store.db.transaction():
            playlist_id = store.playlists.create(edits.playlist_name(store, name), query=query,
                                                 now=_seconds(row.get("created_at"),
                                                              required=False))
            if query is None:
                store.playlists.append(playlist_id, entries)
        known.add(name.casefold())
        made.add(playlist_id)
        report.added["playlists"] += 1
    return made


def _settings(store: Store, values: dict[str, Any], report: TransferReport) -> Changes:
    wanted = {}
    for key, value in values.items():
        setting = _SETTINGS.get(key)
        if setting is None:
            report.skipped_settings.append(key)
            continue
        try:
            wanted[setting] = setting.validate(value)
        except RiffleError:
            report.problems.append(f"settings[{key!r}]: {value!r} is not a valid value")
    changes = edits.save_settings(store, wanted) if wanted else Changes()
    report.added["settings"] += len(wanted)
    return changes


# -- values -----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str) and v) if isinstance(value, list) \
        else ()


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _seconds(value: Any, *, required: bool = True, zero: bool = False) -> Any:
    """A time or length in seconds; None when absent and not *required* (0.0 with *zero*).
    Raises _BadRow for anything else."""
    if value is None and not required:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and math.isfinite(value) and value >= 0:
        return float(value)
    if value is None and zero:
        return 0.0
    raise _BadRow(f"{value!r} is not a number of seconds")
