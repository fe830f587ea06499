"""Killing Riffle commands at random moments, the way a power cut or the OOM killer would.

    for moment in kill_moments(seed=1, count=20, low=0.2, high=2.0):
        killed = run_and_kill(["rate", ...], db, moment)
        ...check the database...

The moments come from a fixed seed, so a failure can be run again exactly. Only the
command's own process gets SIGKILL; whatever it started must die with it
(`assert_nothing_left`).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from processes import live_processes, wait_for

ROOT = Path(__file__).resolve().parents[2]


def kill_moments(seed: int, count: int, low: float, high: float) -> list[float]:
    """*count* moments in seconds between *low* and *high*, the same for the same seed."""
    rng = random.Random(seed)
    return [round(rng.uniform(low, high), 3) for _ in range(count)]


def work_begins(argv: list[str], begun: Callable[[], bool], *,
                timeout: float = 120.0) -> float:
    """Seconds from starting `riffle ARGV` until *begun()* says it is at work (its first
    commit, say); the command is then killed. Run it on a copy of the library: kill
    moments scaled by this land in the work on a fast machine and a busy one alike."""
    process = start(argv)
    started = time.monotonic()
    try:
        wait_for(lambda: begun() or process.poll() is not None, "the work to begin", timeout)
        return time.monotonic() - started
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert_nothing_left(process.pid)


def moments_in_work(seed: int, count: int, begins: float, lasting: float) -> list[float]:
    """*count* kill moments (fixed by *seed*): some while the command starts, most while
    it works, given that work *begins* that many seconds after the start and each kill
    should leave it about *lasting* seconds of work."""
    return kill_moments(seed, count, 0.3 * begins, begins + lasting)


@dataclass
class Killed:
    """What a killed command printed before it died, and whether it had already ended."""

    out: str
    err: str
    finished: bool
    pid: int


def start(argv: list[str], *, program: str | None = None,
          env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`riffle ARGV` (or the Python *program* given as code), in a process group of its own."""
    command = [sys.executable, "-c", program, *argv] if program is not None else \
        [sys.executable, str(ROOT / "main.py"), *argv]
    return subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen",
             "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
             **(env or {})})


def run_and_kill(argv: list[str], moment: float, *, program: str | None = None,
                 env: dict[str, str] | None = None) -> Killed:
    """Start the command, SIGKILL its process *moment* seconds later (unless it ended
    already), and return what it printed."""
    return _kill_after(start(argv, program=program, env=env), moment)


def run_and_kill_once(argv: list[str], begun: Callable[[], bool], after: float, *,
                      timeout: float = 120.0) -> Killed:
    """Start `riffle ARGV`, wait until *begun()* says it is at work, let it work *after*
    more seconds, then SIGKILL its process (unless it ended already)."""
    process = start(argv)
    wait_for(lambda: begun() or process.poll() is not None, "the work to begin", timeout)
    return _kill_after(process, after)


def _kill_after(process: subprocess.Popen[str], seconds: float) -> Killed:
    """SIGKILL *process* *seconds* from now unless it ends first; what it printed, once
    none of its processes is left."""
    try:
        process.wait(timeout=seconds)
        finished = True
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        finished = False
    out, err = process.communicate(timeout=60)
    assert_nothing_left(process.pid)
    return Killed(out, err, finished, process.pid)


def assert_nothing_left(group: int, seconds: float = 20.0) -> None:
    """No process the killed command started is still running (its process group)."""
    wait_for(lambda: not live_processes(group), f"the processes of {group} to end", seconds)


def integrity(db: Path) -> str:
    """SQLite's verdict on the file, read by a fresh connection (as the next start would)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of *sql* on *db* (committed at once, when it writes)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        found = conn.execute(sql, params).fetchall()
        conn.commit()
        return found
    finally:
        conn.close()


def elapsed_since(started: float) -> float:
    return time.monotonic() - started
