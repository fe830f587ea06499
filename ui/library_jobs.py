"""Library work in the background: reading the table's rows, scanning, analysing.

`LibraryLoader` reads the library into a `LibraryData` off the GUI thread. `LibraryJobs`
runs a scan and then the audio analysis, one job at a time, reporting `JobProgress`; the
scan and analysis functions themselves are passed in (main.py wires the real ones), so a
test can hand in a slow fake to cancel.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from player.changes import Changes
from player.settings import ANALYSIS_WORKERS, DEEP_ANALYSIS, Settings, analysis_workers
from player.store import Store
from player.store.listing import iter_library_rows
from ui.library_data import LibraryData
from ui.tasks import BackgroundWork, Task, TaskContext

logger = logging.getLogger(__name__)

#: During a scan the table is re-read at most this often (seconds), so it fills as it goes.
RELOAD_DURING_SCAN = 4.0
#: During a long analysis, new vectors are announced this often (seconds), so the
#: auto-shuffle uses them before the whole library is done.
ANNOUNCE_VECTORS = 30.0


@dataclass(frozen=True)
class JobProgress:
    """How far a job is: *done* of *total* items (total 0: unknown), and what it is on."""

    text: str
    done: int = 0
    total: int = 0


#: scan(ctx, roots) -> report; reports JobProgress through ctx.progress, stops on ctx.cancelled.
ScanFunction = Callable[[TaskContext, list[str]], Any]
#: analyse(ctx) -> report; same rules.
AnalyseFunction = Callable[[TaskContext], Any]


class LibraryLoader(QObject):
    """Reads the whole library for the table in the background; `loaded` brings it."""

    loaded = Signal(object)  # LibraryData

    def __init__(self, work: BackgroundWork, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._task: Task | None = None
        self._again = False
        self.loads = 0

    def reload(self) -> None:
        """Read the library again; a request during a read runs once that read ends."""
        if self._task is not None:
            self._again = True
            return
        self._task = self._work.run(_read_library, on_result=self._done, name="read library")
        self._task.finished.connect(self._finished)

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _done(self, data: LibraryData) -> None:
        self.loads += 1
        self.loaded.emit(data)

    def _finished(self) -> None:
        self._task = None
        if self._again:
            self._again = False
            self.reload()


def _read_library(ctx: TaskContext) -> LibraryData:
    started = time.perf_counter()
    data = LibraryData(iter_library_rows(ctx.store.db))
    data.warm_up()
    logger.info("read %d tracks for the table in %.2f s", len(data),
                time.perf_counter() - started)
    return data


class LibraryJobs(QObject):
    """Scan, then analyse, in the background; one job at a time, cancellable."""

    progress = Signal(object)  # JobProgress
    scan_finished = Signal(object)  # the scan's report
    analysis_finished = Signal(object)  # the analysis' report
    cancelled = Signal(str)  # which job stopped early
    failed = Signal(str)  # a message for a person
    #: A scan under way has written more tracks: the table may show them already (the
    #: Changes of the whole scan are published on the work's hub when it ends).
    rows_arrived = Signal()
    idle = Signal()

    def __init__(self, work: BackgroundWork, scan: ScanFunction | None,
                 analyse: AnalyseFunction | None = None,
                 roots: Callable[[], list[str]] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._scan = scan
        self._analyse = analyse
        self._roots = roots or (lambda: [])
        self._task: Task | None = None
        self._kind = ""
        self._pending: list[str] = []
        self._scan_only: set[str] | None = None  # the pending scan's folders; None: all
        self._last_reload = 0.0
        self._last_announce = 0.0

    @property
    def running(self) -> str:
        """'scan', 'analysis' or '' when idle."""
        return self._kind if self._task is not None else ""

    @property
    def can_scan(self) -> bool:
        return self._scan is not None

    def scan(self, then_analyse: bool = True, folders: list[str] | None = None) -> None:
        """Scan the library folders (then analyse new tracks); queued if a job runs.

        *folders* scans only these (folders that changed on disk, inside the library);
        a pending scan of everything covers them."""
        if "scan" not in self._pending:
            self._scan_only = set(folders) if folders is not None else None
        elif folders is None:
            self._scan_only = None
        elif self._scan_only is not None:
            self._scan_only.update(folders)
        self._queue("scan")
        if then_analyse:
            self._queue("analysis")

    def analyse(self) -> None:
        self._queue("analysis")

    def cancel(self) -> None:
        """Stop the running job and drop the queued ones."""
        self._pending.clear()
        if self._task is not None:
            self._task.cancel()

    # -- inside ------------------------------------------------------------------------------

    def _queue(self, kind: str) -> None:
        if kind == "scan" and self._scan is None:
            self.failed.emit("Scanning is not available in this version of Riffle.")
            return
        if kind == "analysis" and self._analyse is None:
            return
        if kind not in self._pending:  # a running job of this kind runs again after it
            if kind == "scan" and "analysis" in self._pending:
                self._pending.insert(self._pending.index("analysis"), kind)
            else:
                self._pending.append(kind)
        self._next()

    def _next(self) -> None:
        if self._task is not None or not self._pending:
            if self._task is None:
                self.idle.emit()
            return
        kind = self._pending.pop(0)
        self._kind = kind
        if kind == "scan":
            only, self._scan_only = self._scan_only, None
            roots = sorted(only) if only is not None else self._roots()
            scan = self._scan
            assert scan is not None
            self.progress.emit(JobProgress("Looking for music…"))
            task = self._work.run(lambda ctx: scan(ctx, roots), name="scan",
                                  on_progress=self._scan_progress)
        else:
            analyse = self._analyse
            assert analyse is not None
            self.progress.emit(JobProgress("Listening to new tracks…"))
            self._last_announce = time.monotonic()
            task = self._work.run(analyse, name="analysis",
                                  on_progress=self._analysis_progress)
        task.succeeded.connect(lambda report, k=kind, t=task: self._done(k, t, report))
        task.failed.connect(self._failed)
        task.cancelled.connect(lambda k=kind: self.cancelled.emit(k))
        task.finished.connect(self._finished)
        self._task = task

    def _scan_progress(self, progress: JobProgress) -> None:
        self.progress.emit(progress)
        now = time.monotonic()
        if now - self._last_reload >= RELOAD_DURING_SCAN:
            self._last_reload = now
            self.rows_arrived.emit()

    def _analysis_progress(self, progress: JobProgress) -> None:
        self.progress.emit(progress)
        now = time.monotonic()
        if now - self._last_announce >= ANNOUNCE_VECTORS:
            self._last_announce = now
            self._work.hub.publish(Changes(vectors=True))

    def _done(self, kind: str, task: Task, report: Any) -> None:
        """A job returned: finished, or stopped early because it was asked to."""
        if task.is_cancel_requested() or getattr(report, "cancelled", False):
            self.cancelled.emit(kind)
        elif kind == "scan":
            self.scan_finished.emit(report)
        else:
            self.analysis_finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(str(exc) or exc.__class__.__name__)

    def _finished(self) -> None:
        # Even a cancelled or failed job kept what it wrote before it stopped.
        if self._kind == "scan":
            self._work.hub.publish(Changes(tracks=True))
        elif self._kind == "analysis":
            self._work.hub.publish(Changes(vectors=True))
        self._task = None
        self._kind = ""
        self._next()


def scanner_function() -> ScanFunction:
    """The library scanner (player.library) as LibraryJobs runs it."""
    from player.library import Scanner, ScanProgress

    def scan(ctx: TaskContext, roots: list[str]) -> Any:
        def progress(p: ScanProgress) -> None:
            ctx.progress(scan_progress(p.phase, p.seen, p.to_read, p.read, p.current))

        return Scanner(ctx.store).scan(roots or None, progress=progress,
                                       cancel=ctx.cancel_event)

    return scan


def scan_progress(phase: str, seen: int, to_read: int, read: int,
                  current: str | None) -> JobProgress:
    """A scan's progress in words: looking for files, then reading the new ones."""
    where = f" — {os.path.basename(current.rstrip(os.sep))}" if current else ""
    if phase == "walking":
        return JobProgress(f"Looking for music: {seen:,} files{where}")
    if phase == "reading" and to_read:
        return JobProgress(f"Reading tags {read:,} of {to_read:,}{where}", read, to_read)
    return JobProgress(f"Scanned {seen:,} files", 1, 1)


def analysis_function() -> AnalyseFunction:
    """The audio analysis (recommender.analysis) as LibraryJobs runs it. The number of
    worker processes comes from the ANALYSIS_WORKERS setting at each run. The analysis
    modules load when it first runs, on the worker thread."""

    def analyse(ctx: TaskContext) -> Any:
        from recommender.analysis import Progress
        from recommender.passes import FAST, analyse_library

        settings = Settings(ctx.store.settings)
        workers = analysis_workers(settings.get(ANALYSIS_WORKERS))

        def progress(name: str, p: Progress) -> None:
            if p.total:
                doing = "Listening to tracks" if name == FAST else "Listening closely to tracks"
                ctx.progress(JobProgress(f"{doing} {p.done:,} of {p.total:,}", p.done,
                                         p.total))

        priority = about_to_play(ctx.store)
        return run_in_background_priority(
            lambda: analyse_library(ctx.store, workers=workers,
                                    deep=settings.get(DEEP_ANALYSIS), priority=priority,
                                    progress=progress, cancel=ctx.cancel_event))

    return analyse


def about_to_play(store: Store) -> list[int]:
    """The tracks the queue will play next, as last saved (playing, then the user's part,
    then the auto part), so the analysis describes them first."""
    return [e.track_id for e in store.queue_state.load()
            if e.part in ("current", "user", "auto")]


#: How much lower than the window the analysis processes run (Unix nice increment).
ANALYSIS_NICENESS = 10


def run_in_background_priority(fn: Callable[[], Any]) -> Any:
    """Run *fn* on a thread of lowered CPU priority and return its result (or raise).

    Processes started from that thread (the analysis workers) inherit the priority, so
    on a busy machine the window's thread gets the CPU first and stays responsive.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), ANALYSIS_NICENESS)
        except OSError:
            logger.debug("could not lower the analysis priority", exc_info=True)
        try:
            outcome["result"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="riffle-analysis", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


@dataclass(frozen=True)
class SimilarTrack:
    """A track that sounds like another: how far apart they are (0 = the same, about 1 =
    two tracks taken at random) and what they share, as `riffle similar` says it."""

    track_id: int
    distance: float
    shared: str


#: similar(ctx, track_id, count) -> nearest first; [] when the track is not analysed.
SimilarFunction = Callable[[TaskContext, int, int], list[SimilarTrack]]


def similar_function() -> SimilarFunction:
    """Tracks that sound like a track (recommender.index), found on a worker thread where
    the index's modules load."""
    def similar(ctx: TaskContext, track_id: int, count: int) -> list[SimilarTrack]:
        from recommender.index import SoundIndex
        from recommender.reasons import sounds_alike

        index = SoundIndex.from_store(ctx.store)
        return [SimilarTrack(n.track_id, n.distance, sounds_alike(n.groups))
                for n in index.neighbours(track_id, count)]

    return similar
