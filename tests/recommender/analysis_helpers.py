"""Per-file functions for the analysis tests. They run in spawned worker processes, so
they live in a module those processes can import (not in a test file)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from recommender.analysis import WorkerResult, analyse_path

#: Each analysed path is appended to this file, one line per analysis (with RUN_ENV's label).
LOG_ENV = "RIFFLE_TEST_ANALYSIS_LOG"
RUN_ENV = "RIFFLE_TEST_ANALYSIS_RUN"
#: Seconds each analysis waits first, so a test can act while a run is under way.
DELAY_ENV = "RIFFLE_TEST_ANALYSIS_DELAY"


def logged_analyse(path: str) -> WorkerResult:
    """analyse_path, after writing "<run label> <path>" to the log."""
    with open(os.environ[LOG_ENV], "a", encoding="utf-8") as log:
        log.write(f"{os.environ.get(RUN_ENV, '-')} {path}\n")
    time.sleep(float(os.environ.get(DELAY_ENV, "0")))
    return analyse_path(path)


def stuck_analyse(path: str) -> WorkerResult:
    """logged_analyse, but hangs for an hour on files named stuck*, as a decoder caught in
    a loop would."""
    if Path(path).name.startswith("stuck"):
        with open(os.environ[LOG_ENV], "a", encoding="utf-8") as log:
            log.write(f"{os.environ.get(RUN_ENV, '-')} {path}\n")
        time.sleep(3600)
    return logged_analyse(path)


def crashing_analyse(path: str) -> WorkerResult:
    """Kills its own process on files named crash*, as a decoder crash would."""
    if Path(path).name.startswith("crash"):
        os._exit(3)
    return analyse_path(path)


def read_log(path: Path) -> list[tuple[str, str]]:
    """(run label, path) of each line of a log written by logged_analyse."""
    if not path.exists():
        return []
    return [tuple(line.split(" ", 1)) for line in path.read_text().splitlines()]  # type: ignore[misc]
