"""Listening history in and out, as JSON lines, so plays can come from another player.

One play per line:

    {"track": "/music/a.flac" or 42, "started_at": "2024-05-01T20:15:00Z" or 1714594500,
     "listened": 187.5, "outcome": "completed" | "skipped" | "stopped"}

and, optionally, "learn": false for a play the recommender must not learn from.

Import is forgiving line by line: a line that is not JSON, lacks a field, or names no track
in the library is reported with its number and the rest is imported. Importing the same
file twice adds nothing the second time (a play of the same track starting at the same
second is the same play).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from player.errors import TrackNotFoundError
from player.models import PlayOutcome, PlaySource
from player.store import Store

logger = logging.getLogger(__name__)

IMPORTABLE_OUTCOMES = {PlayOutcome.COMPLETED, PlayOutcome.SKIPPED, PlayOutcome.STOPPED}


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
    if not math.isfinite(seconds) or seconds < 0:
        raise _BadLine(f"started_at {value!r} is not a valid time")
    return seconds


def _parse_line(store: Store, text: str
                ) -> tuple[int, float, float, PlayOutcome, float | None, bool]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON ({exc.msg})") from exc
    if not isinstance(data, dict):
        raise _BadLine("not a JSON object")
    if "track" not in data:
        raise _BadLine("no \"track\" field")
    try:
        track = store.tracks.resolve(str(data["track"]))
    except TrackNotFoundError as exc:
        raise _BadLine(str(exc)) from exc
    started = parse_time(data.get("started_at"))
    listened = data.get("listened", 0)
    if isinstance(listened, bool) or not isinstance(listened, int | float) \
            or not math.isfinite(listened) or listened < 0:
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
    assert track.id is not None
    return track.id, started, float(listened), outcome, track.duration, learn


def import_history(store: Store, lines: Iterable[str]) -> ImportReport:
    """Import plays from JSON lines into the play log; see the module docstring."""
    report = ImportReport()
    with store.db.transaction():
        for number, raw in enumerate(lines, start=1):
            text = raw.strip()
            if not text:
                continue
            try:
                track_id, started, listened, outcome, duration, learn = _parse_line(store, text)
            except _BadLine as exc:
                report.problems.append((number, str(exc)))
                continue
            if store.plays.has_play_near(track_id, started):
                report.duplicates += 1
                continue
            play_id = store.plays.start(track_id, duration=duration, source=PlaySource.IMPORT,
                                        started_at=started, learn=learn)
            store.plays.finish(play_id, listened=listened, outcome=outcome,
                               ended_at=started + listened)
            report.imported += 1
    logger.info("imported %d plays (%d already there, %d problems)", report.imported,
                report.duplicates, len(report.problems))
    return report


def export_history(store: Store) -> Iterator[str]:
    """Every finished play as one JSON line (the import format, plus source), oldest first."""
    paths = store.tracks.paths()
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
