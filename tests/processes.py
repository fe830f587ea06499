"""Processes the tests start, kill and look for (Linux: /proc)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def live_processes(group: int) -> list[int]:
    """Pids of the processes of process group *group* that still run (zombies, which
    only wait to be reaped, do not count)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(entry))
    return alive


def wait_for(condition: Callable[[], object], what: str, seconds: float = 60.0) -> None:
    """Wait until *condition()* is true, polling; fail naming *what* after *seconds*."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.05)
