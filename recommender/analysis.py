"""Analysing the library: a feature vector for every track that lacks a current one.

Worker processes decode and describe (CPU-bound, so processes, not threads); the parent
alone writes, in batched transactions. Because every finished track is committed within a
batch or a second, a run that is killed loses at most that batch: the next run asks the
store what is still pending and carries on, never redoing a stored track. A track the
player is about to play can jump the queue (`prioritise`), a threading.Event cancels.

Memory per worker stays bounded: each track's excerpt is at most ~30 s of audio, only a
few tracks are in flight at once, and the worker processes are replaced after
`tasks_per_worker` tracks each, so anything a decoder leaks is returned to the system.
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import numpy as np
import threadpoolctl

from player.errors import AnalysisError
from player.store import Store
from player.store.features import FeatureResult, PendingTrack
from recommender.audio import decode_excerpt
from recommender.features import FEATURE_VERSION, describe

logger = logging.getLogger(__name__)

#: What a worker returns for one file: the float32 vector's bytes, or the reason it failed.
WorkerResult = tuple[bytes | None, str | None]

#: A track in flight when worker processes crashed this many times is given up.
CRASH_LIMIT = 2


def analyse_path(path: str) -> WorkerResult:
    """Decode and describe one file; never raises, so one bad file cannot stop a run."""
    try:
        excerpt = decode_excerpt(path)
        vector = describe(excerpt.segments, excerpt.rate).vector
    except AnalysisError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "not enough memory to analyse this file"
    except Exception as exc:  # a decoder surprise must not end the run
        logger.exception("analysing %s failed unexpectedly", path)
        return None, f"unexpected error while analysing: {exc}"
    return vector.astype(np.float32).tobytes(), None


def _init_worker() -> None:
    # Ctrl-C goes to the parent, which cancels cleanly; and one BLAS thread per worker,
    # since the workers already use every core (more threads only contend).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threadpoolctl.threadpool_limits(1)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a run stands: tracks finished this run, of *total*; *rate* in tracks/s."""

    done: int
    total: int
    errors: int
    rate: float
    elapsed: float


@dataclass(slots=True)
class AnalysisSummary:
    """What a run did. *errors* lists (track id, path, reason) of this run's failures."""

    total: int = 0
    analysed: int = 0
    failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.analysed + self.failed

    @property
    def rate(self) -> float:
        """Tracks per second over the run."""
        return self.done / self.seconds if self.seconds > 0 else 0.0


class LibraryAnalyser:
    """Runs the analysis of every pending track of *store* in *workers* processes.

    *analyse* is the per-file function run in the workers (a module-level function, so it
    can be sent to another process); tests swap it. *batch_size* results, or
    *flush_seconds* of them, go to the database in one transaction.
    """

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 1,
        version: int = FEATURE_VERSION,
        batch_size: int = 32,
        flush_seconds: float = 1.0,
        tasks_per_worker: int = 400,
        analyse: Callable[[str], WorkerResult] = analyse_path,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.store = store
        self.workers = workers
        self.version = version
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.tasks_per_worker = tasks_per_worker
        self.analyse = analyse
        self._lock = threading.Lock()
        self._queue: collections.deque[PendingTrack] = collections.deque()
        self._wanted_first: list[int] = []

    def prioritise(self, track_ids: Sequence[int]) -> None:
        """Analyse these tracks next (for example the queued ones); safe from any thread."""
        with self._lock:
            self._wanted_first.extend(track_ids)

    def _next_track(self) -> PendingTrack | None:
        with self._lock:
            if self._wanted_first:
                order = {tid: i for i, tid in enumerate(dict.fromkeys(self._wanted_first))}
                self._wanted_first.clear()
                front = [t for t in self._queue if t.id in order]
                if front:
                    front.sort(key=lambda t: order[t.id])
                    rest = [t for t in self._queue if t.id not in order]
                    self._queue = collections.deque(front + rest)
            return self._queue.popleft() if self._queue else None

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
        )

    def run(
        self,
        *,
        priority: Sequence[int] = (),
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> AnalysisSummary:
        """Analyse every pending track; returns when all are done or *cancel* is set.

        *priority* ids go first. *progress* is called from this thread, at most ten times
        a second and once at the end. Results finished before a cancel are kept.
        """
        started = time.monotonic()
        pending = self.store.features.pending(self.version, priority=priority)
        with self._lock:
            self._queue = collections.deque(pending)
        summary = AnalysisSummary(total=len(pending))
        if not pending:
            if progress:
                progress(Progress(0, 0, 0, 0.0, 0.0))
            return summary
        logger.info("analysing %d tracks in %d processes", len(pending), self.workers)

        batch: list[FeatureResult] = []
        last_flush = last_report = time.monotonic()
        crashes: dict[int, int] = {}
        in_flight: dict[Future[WorkerResult], PendingTrack] = {}
        executor = self._new_executor()
        submitted = 0
        limit = self.tasks_per_worker * self.workers

        def flush() -> None:
            nonlocal last_flush
            if batch:
                self.store.features.save(self.version, batch)
                batch.clear()
            last_flush = time.monotonic()

        def report(final: bool = False) -> None:
            nonlocal last_report
            now = time.monotonic()
            if progress and (final or now - last_report >= 0.1):
                elapsed = now - started
                progress(Progress(summary.done, summary.total, summary.failed,
                                  summary.done / elapsed if elapsed > 0 else 0.0, elapsed))
                last_report = now

        def record(track: PendingTrack, vector: bytes | None, error: str | None) -> None:
            if error is None and vector is not None:
                batch.append(FeatureResult(track.id, np.frombuffer(vector, np.float32)))
                summary.analysed += 1
            else:
                reason = error or "no result"
                batch.append(FeatureResult(track.id, None, reason))
                summary.failed += 1
                summary.errors.append((track.id, track.path, reason))
                logger.info("cannot analyse %s: %s", track.path, reason)

        try:
            while True:
                if cancel is not None and cancel.is_set():
                    summary.cancelled = True
                    break
                while len(in_flight) < 2 * self.workers:
                    track = self._next_track()
                    if track is None:
                        break
                    if submitted >= limit:
                        # Fresh processes for the next stretch; the old ones finish theirs.
                        executor.shutdown(wait=False)
                        executor = self._new_executor()
                        submitted = 0
                    in_flight[executor.submit(self.analyse, track.path)] = track
                    submitted += 1
                if not in_flight:
                    break
                finished, _ = wait(in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                broken = False
                for future in finished:
                    track = in_flight.pop(future)
                    try:
                        vector, error = future.result()
                    except BrokenProcessPool:
                        broken = True
                        crashes[track.id] = crashes.get(track.id, 0) + 1
                        if crashes[track.id] >= CRASH_LIMIT:
                            record(track, None, "the decoder crashed on this file")
                        else:
                            with self._lock:
                                self._queue.appendleft(track)
                        continue
                    record(track, vector, error)
                if broken:
                    logger.warning("an analysis process crashed; starting new ones")
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = self._new_executor()
                    submitted = 0
                if len(batch) >= self.batch_size or \
                        time.monotonic() - last_flush >= self.flush_seconds:
                    flush()
                report()
        finally:
            # Keep what finished, whatever ends the run (cancel, Ctrl-C, an error): the
            # tracks already running finish, those not started are dropped.
            executor.shutdown(wait=True, cancel_futures=True)
            for future, track in in_flight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    record(track, *future.result())
            try:
                flush()
            finally:
                summary.seconds = time.monotonic() - started
        report(final=True)
        logger.info("analysis %s: %d analysed, %d failed in %.1f s",
                    "cancelled" if summary.cancelled else "finished",
                    summary.analysed, summary.failed, summary.seconds)
        if not summary.cancelled and self.store.features.count_pending(self.version) == 0:
            with self.store.db.transaction():
                pruned = self.store.features.prune(self.version)
            if pruned:
                logger.info("dropped %d vectors of older extractor versions", pruned)
        return summary
