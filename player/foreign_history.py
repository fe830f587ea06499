"""Listening history from other players and services, into the play log.

Two kinds of source:

- **listens** (ListenBrainz, Last.fm; player/listen_files.py): one play each, with its
  start time. Each becomes a completed play of the track it names (matched by artist,
  title and album, as playlists are: player/matching.py), unless that track already has
  a play starting within a minute (Last.fm keeps only the minute): then it is the same
  play, imported before or listed twice.
- **play counts** (Strawberry, Clementine; player/store/foreign_db.py): per file, how
  often it was played and skipped, when it was last played, and its rating. The plays
  are spread evenly from when the file was added to when it was last played (the last
  one at that time), since the player kept no more; importing again adds only what the
  counts grew by since, as each imported play remembers where it came from. A rating
  becomes the track's rating unless Riffle has one of its own already.

Imported plays are plays like any other (source "import"): the auto-shuffle learns from
them and its reasons may cite them. Like player/history_io.py, the reading and matching
happen outside any transaction and the writes go in short batches, so the player and the
window never wait long for the database.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from player.changes import Changes
from player.listen_files import BadEntry, Listen
from player.matching import LibraryIndex
from player.models import PlayOutcome, PlaySource
from player.store import Store
from player.store.foreign_db import ForeignSong
from player.store.plays import OriginTally
from player.tag_values import stars_from_fraction

logger = logging.getLogger(__name__)

#: Two listens of one track starting this close (seconds) are the same play.
SAME_LISTEN = 60.0
#: The assumed length of a track whose length is unknown, in seconds.
TYPICAL_LENGTH = 240.0


@dataclass
class HistoryReport:
    """What an import did. *entries*: listens (or songs) read; *matched*: of them, those
    that named a track of the library; *imported*: plays added; *duplicates*: plays that
    were there already; *unmatched*: entries naming no track, by (artist, title) with the
    first place each was seen; *problems*: (where, why) of entries that could not be read.
    """

    entries: int = 0
    matched: int = 0
    imported: int = 0
    duplicates: int = 0
    unmatched: Counter[tuple[str, str]] = field(default_factory=Counter)
    first_seen: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    ratings: int = 0  # ratings taken
    ratings_kept: int = 0  # Riffle's own rating kept over another player's
    tracks: set[int] = field(default_factory=set)  # tracks that got plays or ratings
    rated: set[int] = field(default_factory=set)

    @property
    def unmatched_entries(self) -> int:
        return sum(self.unmatched.values())

    def changes(self) -> Changes:
        return Changes(plays=frozenset(self.tracks), ratings=frozenset(self.rated))

    def _missed(self, artist: str | None, title: str | None, where: str) -> None:
        key = (artist or "", title or "")
        self.unmatched[key] += 1
        self.first_seen.setdefault(key, where)


@dataclass(frozen=True, slots=True)
class _Play:
    track_id: int
    at: float
    listened: float
    duration: float | None
    outcome: PlayOutcome


# -- listens ----------------------------------------------------------------------------------


def import_listens(store: Store, entries: Iterable[Listen | BadEntry], origin: str, *,
                   batch_size: int = 500, batch_seconds: float = 0.2,
                   index: LibraryIndex | None = None) -> HistoryReport:
    """Add the listens as completed plays from *origin* ('listenbrainz', 'lastfm'); see the
    module docstring."""
    index = index if index is not None else LibraryIndex.of(store)
    report = HistoryReport()
    found: dict[tuple[str | None, str, str | None, float | None], int | None] = {}
    batch: list[_Play] = []
    started = time.monotonic()
    for entry in entries:
        if isinstance(entry, BadEntry):
            report.problems.append((entry.where, entry.why))
            continue
        report.entries += 1
        key = (entry.artist, entry.title, entry.album, entry.duration)
        if key not in found:
            match = index.match(artist=entry.artist, title=entry.title, album=entry.album,
                                duration=entry.duration)
            found[key] = match.track_id if match is not None else None
        track_id = found[key]
        if track_id is None:
            report._missed(entry.artist, entry.title, entry.where)
            continue
        report.matched += 1
        length = index.duration(track_id)
        batch.append(_Play(track_id, entry.at, length or entry.duration or 0.0, length,
                           PlayOutcome.COMPLETED))
        if len(batch) >= batch_size or time.monotonic() - started >= batch_seconds:
            _write_listens(store, batch, origin, report)
            batch.clear()
            started = time.monotonic()
    _write_listens(store, batch, origin, report)
    logger.info("imported %d plays from %s (%d already there, %d unmatched, %d problems)",
                report.imported, origin, report.duplicates, report.unmatched_entries,
                len(report.problems))
    return report


def _write_listens(store: Store, batch: list[_Play], origin: str,
                   report: HistoryReport) -> None:
    if not batch:
        return
    with store.db.transaction():
        for play in batch:
            if store.plays.has_play_near(play.track_id, play.at, SAME_LISTEN):
                report.duplicates += 1
                continue
            store.plays.add_finished(play.track_id, started_at=play.at, listened=play.listened,
                                     outcome=play.outcome, duration=play.duration,
                                     source=PlaySource.IMPORT, origin=origin)
            report.imported += 1
            report.tracks.add(play.track_id)


# -- play counts ------------------------------------------------------------------------------


def import_play_counts(store: Store, songs: Iterable[ForeignSong], origin: str, *,
                       now: float | None = None, batch_size: int = 200,
                       index: LibraryIndex | None = None) -> HistoryReport:
    """Add the plays, skips and ratings another player counted ('strawberry',
    'clementine'); see the module docstring."""
    now = time.time() if now is None else now
    index = index if index is not None else LibraryIndex.of(store)
    tallies = store.plays.origin_tallies(origin)
    report = HistoryReport()
    work: list[tuple[ForeignSong, int]] = []
    for song in songs:
        report.entries += 1
        match = index.match(location=song.location, artist=song.artist,
                            title=song.title or "", album=song.album, duration=song.duration)
        if match is None:
            report._missed(song.artist, song.title, f"song {song.row}")
            continue
        report.matched += 1
        work.append((song, match.track_id))
    for start in range(0, len(work), batch_size):
        with store.db.transaction():
            for song, track_id in work[start:start + batch_size]:
                length = index.duration(track_id) or song.duration
                tally = tallies.get(track_id, OriginTally())
                plays = _counted(song, song.play_count, tally.completed, tally.latest, now,
                                 length)
                skips = _counted(song, song.skip_count, tally.skipped, tally.latest, now,
                                 length)
                report.duplicates += min(song.play_count, tally.completed) \
                    + min(song.skip_count, tally.skipped)
                for at in plays:
                    store.plays.add_finished(track_id, started_at=at, listened=length or 0.0,
                                             outcome=PlayOutcome.COMPLETED, duration=length,
                                             source=PlaySource.IMPORT, origin=origin)
                for at in skips:
                    store.plays.add_finished(track_id, started_at=at, listened=0.0,
                                             outcome=PlayOutcome.SKIPPED, duration=length,
                                             source=PlaySource.IMPORT, origin=origin)
                report.imported += len(plays) + len(skips)
                if plays or skips:
                    report.tracks.add(track_id)
                _rating(store, track_id, song, origin, now, report)
    logger.info("imported %d plays and %d ratings from %s (%d already there, %d songs "
                "unmatched)", report.imported, report.ratings, origin, report.duplicates,
                report.unmatched_entries)
    return report


def _counted(song: ForeignSong, count: int, have: int, latest: float | None, now: float,
             length: float | None) -> list[float]:
    """Start times for the plays counted beyond the *have* imported before: spread evenly
    up to the last play (Unix seconds), after the latest imported one."""
    new = count - have
    if new <= 0:
        return []
    end = song.last_played or song.added or now
    if have and latest is not None and latest < end:
        return [latest + (end - latest) * (i + 1) / new for i in range(new)]
    first = song.added if song.added is not None and song.added < end \
        else end - (count - 1) * (length or TYPICAL_LENGTH)
    if count == 1:
        return [end]
    every = (end - first) / (count - 1)
    return [first + every * i for i in range(have, count)]


def _rating(store: Store, track_id: int, song: ForeignSong, origin: str, now: float,
            report: HistoryReport) -> None:
    stars = stars_from_fraction(song.rating) if song.rating is not None else None
    if stars is None:
        return
    latest = store.ratings.latest(track_id)
    if latest is not None and latest.stars == stars:
        return  # the same rating, taken before or given in Riffle
    if latest is None or latest.source == origin:
        store.ratings.set(track_id, stars, source=origin, now=now)
        report.ratings += 1
        report.rated.add(track_id)
    else:
        report.ratings_kept += 1
