"""Tampered, damaged and unwritable library databases for the fault tests.

    path = tampered(tmp_path, "trigger")     # a small real library, then the tampering
    result = run_riffle(path, "rate", "1", "3")

Each case is SQL another program (or a careless hand) could run on the file; Riffle must
answer every command on it with at most one clear line, never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from player.models import PlayOutcome, PlaySource, Track
from player.store import Store

ROOT = Path(__file__).resolve().parents[2]

#: case → the SQL that tampers with a good library.
TAMPERING: dict[str, list[str]] = {
    # the schema version set back: the tables of later versions are already there
    "version": ["PRAGMA user_version = 2"],
    # triggers that refuse every new rating and play
    "trigger": [
        "CREATE TRIGGER no_ratings BEFORE INSERT ON ratings "
        "BEGIN SELECT RAISE(ABORT, 'no ratings today'); END",
        "CREATE TRIGGER no_plays BEFORE INSERT ON plays "
        "BEGIN SELECT RAISE(FAIL, 'no plays today'); END",
    ],
    "json": ["UPDATE tracks SET artists = '{not json', genres = '[1, [2]]' WHERE id = 1",
             "UPDATE tracks SET albumartists = '\"a string\"' WHERE id = 2"],
    # text and blobs where numbers belong, a blob for a title
    "columns": ["UPDATE tracks SET duration = x'00ff', year = 'nineteen', "
                "rg_track_gain = 'loud', title = x'41ff' WHERE id = 2"],
    "listened": ["UPDATE plays SET listened = 'a lot', duration = x'00ff'"],
    "outcome": ["PRAGMA ignore_check_constraints = ON",
                "UPDATE plays SET outcome = 'exploded', source = 'martians'"],
    "setting": [
        "INSERT OR REPLACE INTO settings VALUES ('playback.volume', '1e999')",
        "INSERT OR REPLACE INTO settings VALUES ('shuffle.discover', '1e999')",
        "INSERT OR REPLACE INTO settings VALUES ('queue.auto_ahead', '-1e999')",
        "INSERT OR REPLACE INTO settings VALUES ('shuffle.recent_hours', 'NaN')",
    ],
}


def good_library(path: Path, music: Path | None = None) -> list[int]:
    """A small library at *path*: two tracks (real files when *music* is given), a play and
    a rating. Returns the track ids."""
    store = Store.open(path)
    try:
        with store.db.transaction():
            ids = []
            for name, artist in (("a", "Xenia"), ("b", "Yusuf")):
                file = str(music / f"{name}.wav") if music else f"/music/{name}.wav"
                ids.append(store.tracks.upsert(Track(
                    path=file, title=name.upper(), artists=(artist,), albumartists=(artist,),
                    genres=("Pop",), album="Rec", duration=1.0)))
            play = store.plays.start(ids[0], duration=1.0, source=PlaySource.USER,
                                     started_at=1000.0)
            store.plays.finish(play, listened=1.0, outcome=PlayOutcome.COMPLETED,
                               ended_at=1001.0)
            store.ratings.set(ids[1], 4)
            store.settings.set("playback.volume", 50)
    finally:
        store.close()
    return ids


def tamper(path: Path, case: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in TAMPERING[case]:
            conn.execute(statement)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def run_riffle(db: Path, *argv: str, stdin: str = "", timeout: float = 120.0,
               env: dict[str, str] | None = None) -> Result:
    """`riffle --db DB ARGV...` in a fresh process, as a user would run it."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db), *argv],
        input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})})
    return Result(done.returncode, done.stdout, done.stderr)
