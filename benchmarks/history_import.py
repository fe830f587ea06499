"""How long a 10,000-line listening history takes to import, from each kind of source.

Builds a library of tracks (tags only: matching needs no audio) in a real SQLite file,
then writes the history as each source exports it and imports it with the same calls as
`riffle history import --from ...`, timing each run in wall-clock seconds:

- a Last.fm CSV of N scrobbles (artist, album, title, date);
- a ListenBrainz ZIP export of N listens (JSON lines by month);
- Riffle's own JSON lines of N plays;
- a Strawberry database with N songs' play counts (one row per song, not per play);

about 90 % of the entries name a library track (with case and accents written
differently in a third of them), the rest nothing. Each import then runs a second time,
which must add nothing (every entry a duplicate).

    .venv/bin/python benchmarks/history_import.py [--lines 10000] [--tracks 20000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from foreign_files import listenbrainz_listen, strawberry_db  # noqa: E402

from player.foreign_history import import_listens, import_play_counts  # noqa: E402
from player.history_io import import_history  # noqa: E402
from player.listen_files import lastfm_csv, listenbrainz  # noqa: E402
from player.models import Track  # noqa: E402
from player.store import Store  # noqa: E402
from player.store.foreign_db import read_collection  # noqa: E402

ARTISTS = ["Sigur Rós", "Björk", "Motörhead", "Mötley Crüe", "Beyoncé", "Zoë Keating",
           "Amadou & Mariam", "Antonín Dvořák", "Café Tacvba", "Queensrÿche"]


def build(store: Store, tracks: int) -> list[Track]:
    made = []
    with store.db.transaction():
        for n in range(tracks):
            artist = f"{ARTISTS[n % len(ARTISTS)]} {n // 200}"
            track = Track(path=f"/music/{artist}/Album {n // 12}/{n:05d} Song {n}.flac",
                          title=f"Sóng Númber {n}", artists=(artist,), album=f"Album {n // 12}",
                          duration=180.0 + n % 120)
            store.tracks.upsert(track)
            made.append(track)
    return made


def _names(track: Track, rng: random.Random) -> tuple[str, str]:
    """The artist and title as a service might spell them: a third in other case and
    without accents."""
    artist, title = track.artist or "", track.title or ""
    if rng.random() < 0.33:
        return artist.upper(), title.lower().replace("ó", "o").replace("ú", "u")
    return artist, title


def histories(folder: Path, tracks: list[Track], lines: int, seed: int = 1
              ) -> dict[str, Path]:
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC).timestamp()
    rows = []
    for n in range(lines):
        at = start + n * 900 + rng.random() * 60
        if rng.random() < 0.9:
            track = rng.choice(tracks)
            artist, title = _names(track, rng)
            rows.append((at, artist, track.album, title, track.path))
        else:
            rows.append((at, f"Unknown Artist {n % 300}", "", f"Unknown {n}", f"/x/{n}.mp3"))
    paths = {name: folder / name for name in ("lastfm.csv", "listenbrainz.zip",
                                              "riffle.jsonl")}
    with open(paths["lastfm.csv"], "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        for at, artist, album, title, _path in rows:
            out.writerow([artist, album, title,
                          datetime.fromtimestamp(at, UTC).strftime("%d %b %Y %H:%M")])
    by_month: dict[str, list[str]] = {}
    for at, artist, album, title, _path in rows:
        moment = datetime.fromtimestamp(at, UTC)
        by_month.setdefault(f"listens/{moment.year}/{moment.month}.jsonl", []).append(
            json.dumps(listenbrainz_listen(at, artist, title, album or None)))
    with zipfile.ZipFile(paths["listenbrainz.zip"], "w") as archive:
        for name, listens in by_month.items():
            archive.writestr(name, "\n".join(listens) + "\n")
    with open(paths["riffle.jsonl"], "w", encoding="utf-8") as handle:
        for at, _artist, _album, _title, path in rows:
            handle.write(json.dumps({"track": path, "started_at": at, "listened": 200,
                                     "outcome": "completed"}) + "\n")
    songs = [{"title": t.title, "artist": t.artist, "album": t.album,
              "url": "file://" + t.path.replace(" ", "%20"), "playcount": 1 + n % 7,
              "skipcount": n % 3, "lastplayed": int(start) + n * 600, "rating": 0.6,
              "ctime": int(start) - 86400, "length": int((t.duration or 0) * 1e9)}
             for n, t in enumerate(tracks[:lines])]
    paths["strawberry.db"] = strawberry_db(folder / "strawberry.db", songs)
    return paths


def timed(label: str, run: Callable[[], object]) -> object:
    began = time.perf_counter()
    result = run()
    print(f"  {label:<34} {time.perf_counter() - began:6.2f} s")
    return result


def _fresh(folder: Path, name: str) -> Store:
    """A copy of the built library, so each source is imported into the same start."""
    target = folder / f"{name}.sqlite3"
    shutil.copyfile(folder / "library.sqlite3", target)
    return Store.open(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--tracks", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="riffle-history-bench-") as scratch:
        folder = Path(scratch)
        store = Store.open(folder / "library.sqlite3")
        tracks = build(store, args.tracks)
        store.close()
        paths = histories(folder, tracks, args.lines)
        print(f"{args.lines:,} entries into a library of {args.tracks:,} tracks "
              "(each source into its own copy)")
        runs: list[tuple[str, Callable[[Store], Any]]] = [
            ("lastfm", lambda st: import_listens(st, lastfm_csv(str(paths["lastfm.csv"])),
                                                 "lastfm")),
            ("listenbrainz", lambda st: import_listens(
                st, listenbrainz(str(paths["listenbrainz.zip"])), "listenbrainz")),
            ("riffle json lines", lambda st: _riffle_lines(st, paths["riffle.jsonl"])),
            ("strawberry counts", lambda st: import_play_counts(
                st, read_collection(paths["strawberry.db"], "strawberry"), "strawberry")),
        ]
        for name, run in runs:
            store = _fresh(folder, name.replace(" ", "-"))
            for attempt in ("first", "again"):
                report = timed(f"{name} ({attempt})", lambda r=run, st=store: r(st))
                unmatched = getattr(report, "unmatched_entries", len(report.problems))
                print(f"    imported {report.imported:,}, duplicates {report.duplicates:,},"
                      f" not in the library {unmatched:,}")
            store.close()


def _riffle_lines(store: Store, path: Path) -> Any:
    with open(path, encoding="utf-8") as lines:
        return import_history(store, lines)


if __name__ == "__main__":
    main()
