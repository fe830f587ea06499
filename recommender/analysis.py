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
from recommender.layout import FEATURE_VERSION

logger = logging.getLogger(__name__)

#: What a worker returns for one file: the float32 vector's bytes, or the reason it failed.
WorkerResult = tuple[bytes | None, str | None]


def analyse_path(path: str) -> WorkerResult:
    """Decode and describe one file; never raises, so one bad file cannot stop a run.

    The decoder and the signal maths are imported here, in the worker, so the process that
    runs the analysis (the window's) does not carry them.
    """
    from recommender.audio import decode_excerpt
    from recommender.features import describe

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

    def _requeue(self, tracks: Sequence[PendingTrack]) -> None:
        with self._lock:
            self._queue.extendleft(reversed(tracks))

    def _queue_length(self) -> int:
        with self._lock:
            return len(self._queue)

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
        pending = self.store.features.pending(self.version, priority=priority)
        with self._lock:
            self._queue = collections.deque(pending)
        run = _Run(self, len(pending), progress)
        if pending:
            logger.info("analysing %d tracks in %d processes", len(pending), self.workers)
            run.execute(cancel)
        run.report(final=True)
        summary = run.summary
        logger.info("analysis %s: %d analysed, %d failed in %.1f s",
                    "cancelled" if summary.cancelled else "finished",
                    summary.analysed, summary.failed, summary.seconds)
        if pending and not summary.cancelled and not self.store.features.count_pending(
                self.version):
            with self.store.db.transaction():
                pruned = self.store.features.prune(self.version)
            if pruned:
                logger.info("dropped %d vectors of older extractor versions", pruned)
        return summary


class _Run:
    """One run of a LibraryAnalyser: the pool, the tracks in flight, the unsaved batch.

    When a worker process dies (a decoder crash), every track in flight fails with it.
    Those tracks are retried one at a time, so the one that really crashes the decoder is
    found and recorded as such, and the others are analysed normally.
    """

    def __init__(self, owner: LibraryAnalyser, total: int,
                 progress: Callable[[Progress], None] | None) -> None:
        self.owner = owner
        self.progress = progress
        self.summary = AnalysisSummary(total=total)
        self.started = self.last_flush = self.last_report = time.monotonic()
        self.batch: list[FeatureResult] = []
        self.in_flight: dict[Future[WorkerResult], PendingTrack] = {}
        self.suspects: set[int] = set()
        self.submitted = 0

    def execute(self, cancel: threading.Event | None) -> None:
        executor = self.owner._new_executor()
        try:
            while not (cancel is not None and cancel.is_set()):
                executor = self._fill(executor)
                if not self.in_flight:
                    break
                finished, _ = wait(self.in_flight, timeout=0.2, return_when=FIRST_COMPLETED)
                if any(isinstance(f.exception(), BrokenProcessPool) for f in finished):
                    executor = self._after_crash(executor)
                else:
                    for future in finished:
                        self.record(self.in_flight.pop(future), *future.result())
                if len(self.batch) >= self.owner.batch_size or \
                        time.monotonic() - self.last_flush >= self.owner.flush_seconds:
                    self.flush()
                self.report()
            self.summary.cancelled = bool(self.in_flight) or self.owner._queue_length() > 0
        finally:
            # Keep what finished, whatever ends the run (cancel, Ctrl-C, an error): the
            # tracks already running finish, those not started are dropped.
            executor.shutdown(wait=True, cancel_futures=True)
            for future, track in self.in_flight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    self.record(track, *future.result())
            try:
                self.flush()
            finally:
                self.summary.seconds = time.monotonic() - self.started

    def _fill(self, executor: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """Keep a few tracks in flight per worker (one at a time while suspects remain)."""
        owner = self.owner
        depth = 1 if self.suspects else 2 * owner.workers
        while len(self.in_flight) < depth:
            track = owner._next_track()
            if track is None:
                break
            if self.submitted >= owner.tasks_per_worker * owner.workers:
                # Fresh processes for the next stretch; the old ones finish their tracks.
                executor.shutdown(wait=False)
                executor = owner._new_executor()
                self.submitted = 0
            self.in_flight[executor.submit(owner.analyse, track.path)] = track
            self.submitted += 1
        return executor

    def _after_crash(self, executor: ProcessPoolExecutor) -> ProcessPoolExecutor:
        executor.shutdown(wait=True, cancel_futures=True)
        victims = []
        for future, track in self.in_flight.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                self.record(track, *future.result())
            else:
                victims.append(track)
        self.in_flight.clear()
        if len(victims) == 1:  # it was alone: it is the one that crashes the decoder
            self.suspects.discard(victims[0].id)
            self.record(victims[0], None, "the decoder crashed on this file")
        else:
            logger.warning("an analysis process crashed; retrying %d tracks one by one",
                           len(victims))
            self.suspects.update(t.id for t in victims)
            self.owner._requeue(victims)
        self.submitted = 0
        return self.owner._new_executor()

    def record(self, track: PendingTrack, vector: bytes | None, error: str | None) -> None:
        self.suspects.discard(track.id)
        summary = self.summary
        if error is None and vector is not None:
            self.batch.append(FeatureResult(track.id, np.frombuffer(vector, np.float32)))
            summary.analysed += 1
        else:
            reason = error or "no result"
            self.batch.append(FeatureResult(track.id, None, reason))
            summary.failed += 1
            summary.errors.append((track.id, track.path, reason))
            logger.info("cannot analyse %s: %s", track.path, reason)

    def flush(self) -> None:
        if self.batch:
            self.owner.store.features.save(self.owner.version, self.batch)
            self.batch.clear()
        self.last_flush = time.monotonic()

    def report(self, final: bool = False) -> None:
        now = time.monotonic()
        if self.progress and (final or now - self.last_report >= 0.1):
            elapsed = now - self.started
            done = self.summary.done
            self.progress(Progress(done, self.summary.total, self.summary.failed,
                                   done / elapsed if elapsed > 0 else 0.0, elapsed))
            self.last_report = now
