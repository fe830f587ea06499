"""Ratings between Riffle and the files' tags, in either direction.

`write_ratings` puts tracks' Riffle ratings into their files (player/tag_writer.py) and
remembers each file's new modification time and size, so the next scan does not take
Riffle's own write for a change (unless the file had changed on disk since it was last
read: then the scan reads it again, as it should). `read_ratings` does the opposite: the
stars the files' tags hold now become the tracks' ratings. A file that cannot be written
or read is listed with the reason; the others go on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from player.changes import Changes
from player.errors import TagError
from player.models import Track
from player.store import Store
from player.tag_writer import write_rating
from player.tags import read_track

logger = logging.getLogger(__name__)

#: Files handled between two writes of what was learnt about them.
BATCH = 200


@dataclass
class TagReport:
    """What a pass over files did: files written (or read), files that already agreed, and
    (path, why) for each that could not be done."""

    done: int = 0
    unchanged: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)  # tracks whose Riffle rating changed


def write_ratings(store: Store, track_ids: Iterable[int], *, only_different: bool = False
                  ) -> TagReport:
    """Write each track's current rating into its file (a cleared rating removes Riffle's
    rating fields). With *only_different*, rated tracks whose file already reads as the
    same stars, and unrated tracks, are left alone (for a pass over the whole library)."""
    report = TagReport()
    pending: list[tuple[int, int | None, os.stat_result | None]] = []
    for track in _tracks(store, track_ids):
        stars = track.rating or None
        if only_different and (stars is None or track.tag_rating == stars):
            report.unchanged += 1
            continue
        if track.missing:
            report.problems.append((track.path, "the file is missing"))
            continue
        try:
            before = os.stat(track.path)
            write_rating(track.path, stars)
            after = os.stat(track.path)
        except TagError as exc:
            report.problems.append((track.path, str(exc)))
            continue
        except OSError as exc:
            report.problems.append((track.path, f"cannot be opened: {exc.strerror or exc}"))
            continue
        report.done += 1
        same_file = (before.st_mtime_ns, before.st_size) == (track.mtime_ns, track.size)
        now_reads = stars if stars is not None else _tag_stars(track.path)
        pending.append((track.id or 0, now_reads, after if same_file else None))
        if len(pending) >= BATCH:
            _remember(store, pending)
    _remember(store, pending)
    if report.problems:
        logger.info("could not write %d ratings into files, the first: %s: %s",
                       len(report.problems), *report.problems[0])
    return report


def _remember(store: Store, pending: list[tuple[int, int | None, os.stat_result | None]]
              ) -> None:
    """Store what the files hold now, and (for files Riffle had read as they were) their
    new modification time and size."""
    if not pending:
        return
    with store.db.transaction():
        for track_id, stars, after in pending:
            store.tracks.set_tag_rating(track_id, stars)
            if after is not None:
                store.tracks.set_file_state(track_id, after.st_mtime_ns, after.st_size)
    pending.clear()


def _tag_stars(path: str) -> int | None:
    try:
        return read_track(path).tag_rating
    except TagError:
        return None


def read_ratings(store: Store, track_ids: Iterable[int]) -> tuple[TagReport, Changes]:
    """Read the stars each track's file holds now; where they differ from the track's
    rating, they become its rating (source "tag"). Files without a rating in their tags
    leave the track as it is."""
    report = TagReport()
    found: list[tuple[Track, int | None]] = []
    for track in _tracks(store, track_ids):
        if track.missing:
            report.problems.append((track.path, "the file is missing"))
            continue
        try:
            stars = read_track(track.path).tag_rating
        except TagError as exc:
            report.problems.append((track.path, str(exc)))
            continue
        found.append((track, stars))
        if stars is None or stars == track.rating:
            report.unchanged += 1
        else:
            report.done += 1
            report.changed.add(track.id or 0)
    for start in range(0, len(found), BATCH):
        with store.db.transaction():
            for track, stars in found[start:start + BATCH]:
                assert track.id is not None
                store.tracks.set_tag_rating(track.id, stars)
                if track.id in report.changed:
                    store.ratings.set(track.id, stars or 0, source="tag")
    return report, Changes(ratings=frozenset(report.changed))


def _tracks(store: Store, track_ids: Iterable[int]) -> list[Track]:
    ids = list(dict.fromkeys(track_ids))
    tracks = store.tracks.get_many(ids)
    return [tracks[i] for i in ids if i in tracks]
