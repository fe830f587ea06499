"""Worker processes for the analysis that cannot hang the run or outlive it.

Each worker is a spawned process with a pipe of its own and one file at a time, so the
parent always knows which file a worker holds and since when:

- a worker still busy past the time limit is killed, and its file is reported with why;
- a worker that dies (a decoder crash) is reported with the file that killed it;
- a worker dies with its parent, even when the parent is killed with SIGKILL: on Linux the
  kernel sends it SIGKILL then (PR_SET_PDEATHSIG), and elsewhere a watchdog thread in the
  worker notices that its parent is gone;
- `kill()` stops every worker at once (for SIGTERM or a second Ctrl-C), `close()` lets
  the idle ones finish cleanly.

Workers ignore SIGINT: a Ctrl-C reaches the parent, which decides what happens.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any

import threadpoolctl

logger = logging.getLogger(__name__)

#: How often a worker's watchdog looks whether its parent is still there, in seconds.
WATCHDOG_SECONDS = 0.5
#: prctl option that asks the kernel for a signal when the parent process dies (Linux).
_PR_SET_PDEATHSIG = 1


class StopNow(KeyboardInterrupt):
    """Stop at once, without waiting for the files under way (SIGTERM, a second Ctrl-C)."""


class Terminated(StopNow):
    """SIGTERM arrived: stop at once."""


@contextlib.contextmanager
def stop_signals(on_first_interrupt: Callable[[], None] = lambda: None) -> Iterator[None]:
    """While analysing in the main thread: a first Ctrl-C raises KeyboardInterrupt (the run
    lets the files under way finish for a few seconds) after calling *on_first_interrupt*;
    a second Ctrl-C raises StopNow and SIGTERM Terminated (the run stops at once). Outside
    the main thread, signals are left alone."""
    presses = 0

    def on_interrupt(_signum: int, _frame: FrameType | None) -> None:
        nonlocal presses
        presses += 1
        if presses > 1:
            raise StopNow
        on_first_interrupt()
        raise KeyboardInterrupt

    def on_terminate(_signum: int, _frame: FrameType | None) -> None:
        raise Terminated

    try:
        saved = (signal.signal(signal.SIGINT, on_interrupt),
                 signal.signal(signal.SIGTERM, on_terminate))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one file: the function's *result*, or *failure* saying why not."""

    key: Hashable
    result: Any = None
    failure: str | None = None


def _die_with_parent(parent: int) -> None:
    """Make this process end when its parent does, however the parent ends."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError) as exc:  # no libc to ask: the watchdog remains
            logger.debug("no parent-death signal: %s", exc)
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


#: What a worker sends when it starts on a file (its time limit runs from then on), and
#: the tag of what it sends when it is done.
_STARTED = "started"
_RESULT = "result"


def _worker_main(connection: Connection, function: Callable[[Any], Any],
                 initializer: Callable[[], None] | None, parent: int) -> None:
    """A worker's life: get ready, then take a file, say it started, hand back what
    *function* made of it, until told to stop (None) or the parent goes away."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One BLAS thread per worker: the workers already use every core.
    threadpoolctl.threadpool_limits(1)
    if initializer is not None:
        initializer()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(_STARTED)
        connection.send((_RESULT, function(task)))


class _Worker:
    def __init__(self, context: Any, function: Callable[[Any], Any],
                 initializer: Callable[[], None] | None) -> None:
        self.connection, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, name="riffle-analysis",
                                       args=(child, function, initializer, os.getpid()),
                                       daemon=True)
        self.process.start()
        child.close()
        self.key: Hashable | None = None  # the file it holds, None when idle
        self.since: float | None = None  # when it started on that file (None: not yet)
        self.done = 0

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """*size* processes that each run *function* on one argument at a time.

    *time_limit* is how long one call may take, in seconds, counted from when the worker
    starts on it (a worker first runs *initializer*, imports for instance, which does not
    count); *tasks_per_worker* calls later a worker is replaced, so what a decoder leaks
    goes back to the system. The parent alone talks to the pool, from one thread.
    """

    def __init__(self, size: int, function: Callable[[Any], Any], *, time_limit: float,
                 tasks_per_worker: int = 400,
                 initializer: Callable[[], None] | None = None) -> None:
        if size < 1:
            raise ValueError("a pool has at least one worker")
        self.size = size
        self.function = function
        self.initializer = initializer
        self.time_limit = time_limit
        self.tasks_per_worker = tasks_per_worker
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    @property
    def busy(self) -> int:
        return sum(1 for w in self._workers if w.key is not None)

    @property
    def free(self) -> int:
        """How many more files the pool takes now."""
        return self.size - self.busy

    def submit(self, key: Hashable, argument: Any) -> None:
        """Hand *argument* to an idle worker (starting one if needed); *key* names it in
        the Outcome. Raises RuntimeError when every worker is busy."""
        worker = next((w for w in self._workers if w.key is None), None)
        if worker is None:
            if len(self._workers) >= self.size:
                raise RuntimeError("every analysis worker is busy")
            worker = _Worker(self._context, self.function, self.initializer)
            self._workers.append(worker)
        worker.connection.send(argument)
        worker.key, worker.since = key, None

    def collect(self, timeout: float) -> list[Outcome]:
        """Outcomes of the files finished (or failed) within *timeout* seconds."""
        busy = [w for w in self._workers if w.key is not None]
        if not busy:
            return []
        waits: dict[Any, _Worker] = {}
        for worker in busy:
            waits[worker.connection] = worker
            waits[worker.process.sentinel] = worker
        started = [w.since for w in busy if w.since is not None]
        if started:
            timeout = min(timeout, min(started) + self.time_limit - time.monotonic())
        ready = wait(list(waits), timeout=max(0.0, timeout))
        outcomes: list[Outcome] = []
        handled: set[int] = set()
        for item in ready:
            worker = waits[item]
            if id(worker) in handled:
                continue
            handled.add(id(worker))
            outcome = self._receive(worker)
            if outcome is not None:
                outcomes.append(outcome)
        now = time.monotonic()
        for worker in busy:
            if worker.key is not None and worker.since is not None \
                    and now - worker.since > self.time_limit and worker in self._workers:
                logger.warning("an analysis worker spent over %.0f s on one file; stopping it",
                               self.time_limit)
                outcomes.append(self._fail(worker, f"analysing took longer than "
                                                   f"{self.time_limit:.0f} s; stopped"))
        return outcomes

    def _receive(self, worker: _Worker) -> Outcome | None:
        """The outcome a worker has for its file (None when it only said it started)."""
        key = worker.key
        try:
            while worker.connection.poll():
                message = worker.connection.recv()
                if message == _STARTED:
                    worker.since = time.monotonic()
                    continue
                worker.key = worker.since = None
                worker.done += 1
                if worker.done >= self.tasks_per_worker:
                    self._retire(worker)
                return Outcome(key, message[1])
            if worker.process.is_alive():
                return None
        except (EOFError, OSError):
            pass
        worker.process.join(1)
        code = worker.process.exitcode
        detail = f" (signal {-code})" if code is not None and code < 0 else ""
        return self._fail(worker, f"the decoder crashed on this file{detail}")

    def _fail(self, worker: _Worker, reason: str) -> Outcome:
        key = worker.key
        worker.kill()
        self._workers.remove(worker)
        return Outcome(key, failure=reason)

    def _retire(self, worker: _Worker) -> None:
        """Let a worker that did its share end cleanly; a fresh one takes its place."""
        with contextlib.suppress(OSError):
            worker.connection.send(None)
        worker.process.join(5)
        if worker.process.is_alive():
            worker.kill()
        worker.connection.close()
        self._workers.remove(worker)

    def kill(self) -> list[Hashable]:
        """Stop every worker now; returns the keys of the files they were holding."""
        held = [w.key for w in self._workers if w.key is not None]
        for worker in self._workers:
            with contextlib.suppress(OSError, ValueError):
                worker.process.kill()
        for worker in self._workers:
            worker.process.join(5)
            worker.connection.close()
        self._workers.clear()
        return held

    def close(self) -> None:
        """End the idle workers cleanly and kill any still busy (call `collect` first to
        let them finish)."""
        for worker in list(self._workers):
            if worker.key is None:
                self._retire(worker)
        self.kill()
