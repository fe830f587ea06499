"""Everything Riffle learnt about a library, in one file for another machine.

    {"riffle_library": 1, "exported_at": "2026-05-01T20:15:00+00:00",
     "tracks": [{"path", "title", "artists", "album", "albumartists", "track", "disc",
                 "duration", "size"}, ...],
     "ratings": [[track, stars, rated_at, source], ...],
     "plays": [{"track", "started_at", "ended_at", "listened", "duration", "outcome",
                "source", "reason", "learn", "origin"}, ...],
     "removals": [[track, removed_at], ...],
     "playlists": [{"name", "query", "created_at", "entries": [{"track", "location",
                    "artist", "title", "album", "duration"}]}, ...],
     "settings": {key: value, ...}}

A track is named once, by its path and by its tags (so a library moved or reorganised
still matches), and referred to by its place in "tracks". Ratings keep their whole
history, plays their outcome, "learn" flag and origin; rows come in the order they were
written, so a library that imports them reads its history as this one does. Times are
Unix seconds. A play still open (the one playing now) is not exported.

player/transfer_import.py reads it back.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from player.atomic import replacing_text
from player.errors import RiffleError
from player.formatting import path_text
from player.models import Track
from player.paths import check_export_target
from player.store import Store

#: The version of the file's layout; a reader refuses versions it does not know.
FORMAT_VERSION = 1


def _track(track: Track) -> dict[str, Any]:
    return {"path": track.path, "title": track.title, "artists": list(track.artists),
            "album": track.album, "albumartists": list(track.albumartists),
            "track": track.track_number, "disc": track.disc_number,
            "duration": track.duration, "size": track.size}


def library_document(store: Store) -> dict[str, Any]:
    """The export of *store*'s library as one JSON-ready document (read in one
    transaction, so its parts agree)."""
    with store.db.read_transaction():
        ratings = store.ratings.all_changes()
        plays = [p for p in store.plays.in_order_written() if p.outcome is not None]
        removals = store.removals.all()
        playlists = [(p, store.playlists.entries(p.id)) for p in store.playlists.all()]
        settings = store.settings.all()
        used = list(dict.fromkeys(
            [r.track_id for r in ratings] + [p.track_id for p in plays]
            + [tid for tid, _at in removals]
            + [e.track_id for _p, entries in playlists for e in entries
               if e.track_id is not None]))
        tracks = store.tracks.get_many(used)
    place = {tid: n for n, tid in enumerate(t for t in used if t in tracks)}
    return {
        "riffle_library": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tracks": [_track(tracks[tid]) for tid in place],
        "ratings": [[place[r.track_id], r.stars, r.rated_at, r.source] for r in ratings
                    if r.track_id in place],
        "plays": [{"track": place[p.track_id], "started_at": p.started_at,
                   "ended_at": p.ended_at, "listened": p.listened, "duration": p.duration,
                   "outcome": str(p.outcome), "source": str(p.source), "reason": p.reason,
                   "learn": p.learn, "origin": p.origin}
                  for p in plays if p.track_id in place],
        "removals": [[place[tid], at] for tid, at in removals if tid in place],
        "playlists": [{"name": p.name, "query": p.query, "created_at": p.created_at,
                       "entries": [{"track": place.get(e.track_id) if e.track_id else None,
                                    "location": e.text.location, "artist": e.text.artist,
                                    "title": e.text.title, "album": e.text.album,
                                    "duration": e.text.duration} for e in entries]}
                      for p, entries in playlists],
        "settings": settings,
    }


def export_library(store: Store, target: str | os.PathLike[str], *,
                   force: bool = False) -> dict[str, int]:
    """Write the export into the file *target*; returns how many of each thing it holds.
    The file is replaced in one step, an existing one only with *force*, the library
    database never. Raises RiffleError before writing anything when it cannot be."""
    target = Path(target)
    shown = path_text(os.fspath(target))
    check_export_target(store.path, target, force=force)
    document = library_document(store)
    try:
        with replacing_text(target) as handle:
            json.dump(document, handle, ensure_ascii=True, separators=(",", ":"))
            handle.write("\n")
    except OSError as exc:
        raise RiffleError(f"Cannot write {shown}: {exc.strerror or exc}.") from exc
    return {key: len(document[key]) for key in ("tracks", "ratings", "plays", "removals",
                                                 "playlists", "settings")}
