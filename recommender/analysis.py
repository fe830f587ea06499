"""Analysing the library: a feature vector for every track that lacks a current one.

Worker processes decode and describe (CPU-bound, so processes, not threads); the parent
alone writes, in batched transactions. Because every finished track is committed within a
batch or a second, a run that is killed loses at most that batch: the next run asks the
store what is still pending and carries on, never redoing a stored track. A track the
player is about to play can jump the queue (`prioritise`), a threading.Event cancels.

Nothing can hang a run or outlive it (recommender/analysis_pool.py): each worker holds one
file at a time, a file that takes longer than `time_limit` is given up with that reason,
a file that crashes its worker is recorded as such, and the workers die with the process
that started them, however it ends. A cancel or a first Ctrl-C lets the files under way
finish for a few seconds; StopNow (SIGTERM) or a second Ctrl-C stops at once. What
finished is kept either way.

A file whose audio ends far short of the length its header states is truncated: its
length is corrected and the damage recorded for the problems list.

Memory per worker stays bounded: each track's excerpt is at most ~30 s of audio, one track
is in flight per worker, and the worker processes are replaced after `tasks_per_worker`
tracks each, so anything a decoder leaks is returned to the system.
"""

from __future__ import annotations

import collections
import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from player.errors import AnalysisError
from player.formatting import clock
from player.formatting import duration as length
from player.store import Store
from player.store.features import SOUND, FeatureResult, PendingTrack
from recommender.analysis_pool import Outcome, StopNow, WorkerPool
from recommender.layout import FEATURE_VERSION

logger = logging.getLogger(__name__)

#: The longest one file may take to analyse, in seconds (a usual one takes a fraction of
#: a second; a worker still busy after this is stuck, and stopped).
DEFAULT_TIME_LIMIT = 60.0
#: After a cancel or a first Ctrl-C, how long the files under way may take to finish.
GRACE_SECONDS = 5.0


class WorkerResult(NamedTuple):
    """What a worker returns for one file: the float32 vector's bytes, or the reason it
    failed; *audio_end* is where the audio really ends when the file is truncated, of
    *duration*, the length its header states (both in seconds)."""

    vector: bytes | None
    error: str | None
    audio_end: float | None = None
    duration: float | None = None


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
        return WorkerResult(None, str(exc))
    except MemoryError:
        return WorkerResult(None, "not enough memory to analyse this file")
    except Exception as exc:  # a decoder surprise must not end the run
        logger.exception("analysing %r failed unexpectedly", path)
        return WorkerResult(None, f"unexpected error while analysing: {exc}")
    return WorkerResult(vector.astype(np.float32).tobytes(), None, excerpt.audio_end,
                        excerpt.duration)


def prepare_worker() -> None:
    """Import what analyse_path needs before a worker takes its first file, so the time
    limit of that file counts its decoding, not the imports."""
    import recommender.audio
    import recommender.features  # noqa: F401


@functools.cache
def _network() -> Any:
    """musicnn's network in this worker process, loaded once (or why it cannot be)."""
    from recommender.musicnn_weights import load_network

    return load_network()


def embed_path(path: str) -> WorkerResult:
    """The deep pass on one file: musicnn's embedding of three short pieces (see
    recommender/musicnn_input.py); never raises, like analyse_path."""
    from recommender.musicnn_input import embed_track
    from recommender.musicnn_weights import Unavailable

    network = _network()
    if isinstance(network, Unavailable):
        return WorkerResult(None, network.reason)
    try:
        vector = embed_track(network, path)
    except AnalysisError as exc:
        return WorkerResult(None, str(exc))
    except MemoryError:
        return WorkerResult(None, "not enough memory to listen to this file")
    except Exception as exc:  # the network's maths must not end the run
        logger.exception("listening closely to %r failed unexpectedly", path)
        return WorkerResult(None, f"unexpected error while listening closely: {exc}")
    if not np.all(np.isfinite(vector)):
        return WorkerResult(None, "the network's answer came out undefined for this audio")
    return WorkerResult(vector.astype(np.float32).tobytes(), None)


def prepare_deep_worker() -> None:
    """Load the network before a worker takes its first file (about 0.1 s)."""
    _network()


def truncation(audio_end: float, duration: float) -> str:
    """The damage of a truncated file, as the problems list shows it."""
    return f"truncated: audio ends at {clock(audio_end)} of {length(duration)}"


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
    """What a run did. *errors* lists (track id, path, reason) of this run's failures,
    *damaged* (track id, path, what is wrong) of files found truncated."""

    total: int = 0
    analysed: int = 0
    failed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    damaged: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.analysed + self.failed

    @property
    def rate(self) -> float:
        """Tracks per second over the run."""
        return self.done / self.seconds if self.seconds > 0 else 0.0


class LibraryAnalyser:
    """Runs the analysis of every pending track of *store* in *workers* processes.

    *kind* and *version* say which vectors it makes (the fast pass's "sound" by default;
    the deep pass uses MUSICNN with embed_path). *analyse* is the per-file function run in
    the workers (a module-level function, so it can be sent to another process), prepared
    by *initializer*; tests swap it. *batch_size* results, or
    *flush_seconds* of them, go to the database in one transaction. One file may take
    *time_limit* seconds; after a cancel, the files under way get *grace_seconds*.
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
        time_limit: float = DEFAULT_TIME_LIMIT,
        grace_seconds: float = GRACE_SECONDS,
        analyse: Callable[[str], WorkerResult] = analyse_path,
        kind: str = SOUND,
        initializer: Callable[[], None] = prepare_worker,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.store = store
        self.workers = workers
        self.version = version
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.tasks_per_worker = tasks_per_worker
        self.time_limit = time_limit
        self.grace_seconds = grace_seconds
        self.analyse = analyse
        self.kind = kind
        self.initializer = initializer
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

    def _queue_length(self) -> int:
        with self._lock:
            return len(self._queue)

    def run(
        self,
        *,
        priority: Sequence[int] = (),
        progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> AnalysisSummary:
        """Analyse every pending track; returns when all are done or *cancel* is set.

        *priority* ids go first. *progress* is called from this thread, at most ten times
        a second and once at the end. Results finished before a cancel are kept. A
        KeyboardInterrupt (Ctrl-C) lets the files under way finish for grace_seconds, then
        propagates; StopNow, or a KeyboardInterrupt during that grace, stops at once.
        """
        pending = self.store.features.pending(self.version, priority=priority, kind=self.kind)
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
                self.version, kind=self.kind):
            with self.store.db.transaction():
                pruned = self.store.features.prune(self.version, kind=self.kind)
            if pruned:
                logger.info("dropped %d vectors of older extractor versions", pruned)
        return summary


class _Run:
    """One run of a LibraryAnalyser: the pool, the tracks in flight, the unsaved batch."""

    def __init__(self, owner: LibraryAnalyser, total: int,
                 progress: Callable[[Progress], None] | None) -> None:
        self.owner = owner
        self.progress = progress
        self.summary = AnalysisSummary(total=total)
        self.started = self.last_flush = self.last_report = time.monotonic()
        self.batch: list[FeatureResult] = []
        self.damage: list[tuple[int, str, float]] = []  # (track id, reason, real length)
        self.in_flight: dict[int, PendingTrack] = {}

    def execute(self, cancel: threading.Event | None) -> None:
        owner = self.owner
        pool = WorkerPool(owner.workers, owner.analyse, time_limit=owner.time_limit,
                          tasks_per_worker=owner.tasks_per_worker,
                          initializer=owner.initializer)
        try:
            try:
                while not (cancel is not None and cancel.is_set()):
                    self._fill(pool)
                    if not self.in_flight:
                        break
                    self._collect(pool, 0.2)
                self._finish_under_way(pool)
            except StopNow:
                raise
            except KeyboardInterrupt:
                # A first Ctrl-C: take no new file, let those under way finish (a second
                # one ends this wait at once), then stop.
                self._finish_under_way(pool)
                self.summary.cancelled = True
                raise
            self.summary.cancelled = bool(self.in_flight) or owner._queue_length() > 0
        finally:
            pool.kill()  # whatever is still under way is dropped: the next run redoes it
            if self.in_flight:
                self.summary.cancelled = True
            try:
                self.flush()
            finally:
                self.summary.seconds = time.monotonic() - self.started

    def _finish_under_way(self, pool: WorkerPool) -> None:
        deadline = time.monotonic() + self.owner.grace_seconds
        while self.in_flight and time.monotonic() < deadline:
            self._collect(pool, min(0.2, max(0.0, deadline - time.monotonic())))
        pool.close()

    def _fill(self, pool: WorkerPool) -> None:
        while pool.free:
            track = self.owner._next_track()
            if track is None:
                break
            pool.submit(track.id, track.path)
            self.in_flight[track.id] = track

    def _collect(self, pool: WorkerPool, timeout: float) -> None:
        for outcome in pool.collect(timeout):
            self._take(outcome)
        if len(self.batch) >= self.owner.batch_size or \
                time.monotonic() - self.last_flush >= self.owner.flush_seconds:
            self.flush()
        self.report()

    def _take(self, outcome: Outcome) -> None:
        track = self.in_flight.pop(outcome.key)  # type: ignore[call-overload]
        if outcome.failure is not None:
            self.record(track, WorkerResult(None, outcome.failure))
        else:
            self.record(track, outcome.result)

    def record(self, track: PendingTrack, result: WorkerResult) -> None:
        summary = self.summary
        if result.error is None and result.vector is not None:
            self.batch.append(FeatureResult(track.id, np.frombuffer(result.vector, np.float32)))
            summary.analysed += 1
        else:
            reason = result.error or "no result"
            self.batch.append(FeatureResult(track.id, None, reason))
            summary.failed += 1
            summary.errors.append((track.id, track.path, reason))
            logger.info("cannot analyse %r: %s", track.path, reason)
        if result.audio_end is not None and result.duration:
            damage = truncation(result.audio_end, result.duration)
            self.damage.append((track.id, damage, result.audio_end))
            summary.damaged.append((track.id, track.path, damage))
            logger.warning("%r is %s", track.path, damage)

    def flush(self) -> None:
        if self.batch or self.damage:
            store = self.owner.store
            with store.db.transaction():
                store.features.save(self.owner.version, self.batch, kind=self.owner.kind)
                for track_id, damage, length in self.damage:
                    store.tracks.set_damage(track_id, damage, duration=length)
            self.batch.clear()
            self.damage.clear()
        self.last_flush = time.monotonic()

    def report(self, final: bool = False) -> None:
        now = time.monotonic()
        if self.progress and (final or now - self.last_report >= 0.1):
            elapsed = now - self.started
            done = self.summary.done
            self.progress(Progress(done, self.summary.total, self.summary.failed,
                                   done / elapsed if elapsed > 0 else 0.0, elapsed))
            self.last_report = now
