"""Listening history in and out, as JSON lines, so plays can come from another player.

One play per line:

    {"track": "/music/a.flac" or 42, "started_at": "2024-05-01T20:15:00Z" or 1714594500,
     "listened": 187.5, "outcome": "completed" | "skipped" | "stopped"}

and, optionally, "learn": false for a play the recommender must not learn from.

Import is forgiving line by line: a line that is not JSON, lacks a field, or names no track
in the library is reported with its number and the rest is imported. Importing the same
file twice adds nothing the second time (a play of the same track starting within a second
is the same play). Plays are written in short batches, so a long import never keeps other
writers waiting, and one cut short is completed by importing the file again.

Export never destroys: it refuses the library database as its target and an existing file
unless forced, and replaces the target only once every play is written.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from player.atomic import replacing_text
from player.errors import RiffleError, TrackNotFoundError
from player.models import PlayOutcome, PlaySource
from player.paths import check_export_target
from player.store import Store

logger = logging.getLogger(__name__)

IMPORTABLE_OUTCOMES = {PlayOutcome.COMPLETED, PlayOutcome.SKIPPED, PlayOutcome.STOPPED}
#: The first second of the year 10000, which no date-time can name (Unix seconds).
LATEST_TIME = 253_402_300_800
#: The longest play taken as real, in seconds (a week).
LONGEST_PLAY = 7 * 24 * 3600


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, why)


class _BadLine(ValueError):
    pass


def parse_time(value: Any) -> float:
    """Unix seconds from Unix seconds (number or digits) or an ISO 8601 date-time.

    A date-time without a zone is taken as UTC.
    """
    if isinstance(value, bool):
        raise _BadLine("started_at is not a time")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise _BadLine(f"started_at {value!r} is neither ISO 8601 nor Unix seconds") \
                    from exc
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            seconds = moment.timestamp()
    else:
        raise _BadLine("started_at is missing")
    if not math.isfinite(seconds) or not 0 <= seconds < LATEST_TIME:
        raise _BadLine(f"started_at {value!r} is not a valid time")
    return seconds


@dataclass(frozen=True, slots=True)
class _ParsedPlay:
    track_id: int
    started_at: float  # Unix seconds
    listened: float  # seconds
    outcome: PlayOutcome
    duration: float | None  # the track's, in seconds
    learn: bool  # False: the recommender must not learn from it


def _resolve(store: Store, spec: str,
             resolved: dict[str, tuple[int, float | None] | TrackNotFoundError]
             ) -> tuple[int, float | None]:
    """(track id, duration) of a TRACK spec, remembered: a history names tracks often."""
    if spec not in resolved:
        try:
            track = store.tracks.resolve(spec)
            assert track.id is not None
            resolved[spec] = (track.id, track.duration)
        except TrackNotFoundError as exc:
            resolved[spec] = exc
    found = resolved[spec]
    if isinstance(found, TrackNotFoundError):
        raise _BadLine(str(found))
    return found


def _parse_line(store: Store, text: str,
                resolved: dict[str, tuple[int, float | None] | TrackNotFoundError]
                ) -> _ParsedPlay:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise _BadLine("not a JSON object")
    if "track" not in data:
        raise _BadLine("no \"track\" field")
    track_id, duration = _resolve(store, str(data["track"]), resolved)
    started = parse_time(data.get("started_at"))
    listened = data.get("listened", 0)
    if isinstance(listened, bool) or not isinstance(listened, int | float) \
            or not math.isfinite(listened) or not 0 <= listened <= LONGEST_PLAY:
        raise _BadLine(f"listened {listened!r} is not a number of seconds")
    try:
        outcome = PlayOutcome(str(data.get("outcome")))
    except ValueError as exc:
        raise _BadLine(f"outcome {data.get('outcome')!r} is not completed, skipped or stopped") \
            from exc
    if outcome not in IMPORTABLE_OUTCOMES:
        raise _BadLine(f"outcome {outcome} cannot be imported")
    learn = data.get("learn", True)
    if not isinstance(learn, bool):
        raise _BadLine(f"learn {learn!r} is neither true nor false")
    return _ParsedPlay(track_id, started, float(listened), outcome, duration, learn)


def import_history(store: Store, lines: Iterable[str], *, batch_lines: int = 500,
                   batch_seconds: float = 0.2) -> ImportReport:
    """Import plays from JSON lines into the play log; see the module docstring.

    Lines are read and checked outside any transaction and written in short ones (at most
    *batch_lines* plays, or what *batch_seconds* of reading gathered), so other writers (the
    player logging a play, a rating) never wait long. A run cut short keeps every batch
    written; importing the file again adds only the rest.
    """
    report = ImportReport()
    resolved: dict[str, tuple[int, float | None] | TrackNotFoundError] = {}
    batch: list[_ParsedPlay] = []
    started = time.monotonic()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            batch.append(_parse_line(store, text, resolved))
        except _BadLine as exc:
            report.problems.append((number, str(exc)))
            continue
        if len(batch) >= batch_lines or time.monotonic() - started >= batch_seconds:
            _write(store, batch, report)
            batch.clear()
            started = time.monotonic()
    _write(store, batch, report)
    logger.info("imported %d plays (%d already there, %d problems)", report.imported,
                report.duplicates, len(report.problems))
    return report


def _write(store: Store, batch: list[_ParsedPlay], report: ImportReport) -> None:
    if not batch:
        return
    with store.db.transaction():
        for play in batch:
            if store.plays.has_play_near(play.track_id, play.started_at):
                report.duplicates += 1
                continue
            store.plays.add_finished(play.track_id, started_at=play.started_at,
                                     listened=play.listened, outcome=play.outcome,
                                     duration=play.duration, source=PlaySource.IMPORT,
                                     learn=play.learn)
            report.imported += 1


def export_history(store: Store) -> Iterator[str]:
    """Every finished play as one JSON line (the import format, plus source), oldest first."""
    paths = store.tracks.paths_by_id()
    for play in store.plays.all():
        if play.outcome is None or play.outcome is PlayOutcome.ERROR:
            continue
        yield json.dumps({
            "track": paths.get(play.track_id, play.track_id),
            "started_at": datetime.fromtimestamp(play.started_at, UTC).isoformat(),
            "listened": round(play.listened, 3),
            "outcome": str(play.outcome),
            "source": str(play.source),
            **({} if play.learn else {"learn": False}),
        })  # ASCII escapes keep non-UTF-8 file names intact through any terminal


def write_history(store: Store, target: str | Path, *, force: bool = False) -> int:
    """Export every play into the file *target*; returns how many were written.

    The plays go to a temporary file beside *target*, which then replaces it in one step:
    a failure half way (a full disk, a damaged database) leaves the old file as it was.
    Raises RiffleError, without touching anything, when *target* is the library database
    itself (or one of its journal files), when it exists and *force* is not given, or
    when it cannot be written.
    """
    target = Path(target)
    check_export_target(store.path, target, force=force)
    if os.path.lexists(target) and not target.is_file():
        raise RiffleError(f"{_shown(target)} is not a regular file; choose another file.")
    count = 0
    try:
        with replacing_text(target) as handle:
            for line in export_history(store):
                handle.write(line + "\n")
                count += 1
    except OSError as exc:
        raise RiffleError(f"Cannot write {_shown(target)}: {exc.strerror}.") from exc
    return count


def _shown(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", "replace")
