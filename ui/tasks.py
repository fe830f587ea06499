"""The one way the window runs work off the GUI thread.

    work = BackgroundWork(db_path)
    task = work.run(lambda ctx: Scanner(ctx.store).scan(roots, progress=ctx.progress,
                                                         cancel=ctx.cancelled),
                    on_result=show_report, on_progress=show_progress)
    task.cancel()
    work.write(lambda store: edits.rate(store, ids, 5))   # publishes its Changes
    work.read(lambda store: store.tracks.get(42), done=show)

`run` hands its function a `TaskContext`: a throttled `progress` reporter, a cancellation
flag and a `Store` of its own thread (sqlite connections belong to one thread); it is for
long jobs (scan, analysis) on a small pool. `read` and `write` are the core's Work protocol
(player/work.py): `write` runs on one dedicated writer thread, so two writes never race for
the database's lock, retries while another program holds it, and publishes the Changes it
returns on `hub`; `read` runs on the pool once the writes queued before it are done.
Results, errors and progress arrive on the GUI thread through queued Qt signals; nothing
here touches a widget from a worker thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import SIGNAL, QObject, Qt, Signal, Slot

from player.changes import ChangeHub, Changes
from player.errors import PartialWriteError, RiffleError
from player.store import Store
from player.work import write_patiently

logger = logging.getLogger(__name__)

#: Progress reports closer together than this (seconds) are merged into the latest one.
PROGRESS_INTERVAL = 0.05


class TaskCancelled(RiffleError):
    """Raised inside a task function to stop early; the task ends as cancelled."""


class TaskContext:
    """What a background function receives. Used only on the worker thread."""

    def __init__(self, task: Task, store_source: Callable[[], Store]) -> None:
        self._task = task
        self._store_source = store_source
        self._last_emit = 0.0
        self._pending: Any = None
        self._has_pending = False

    @property
    def store(self) -> Store:
        """The Store of this worker thread (opened on first use, kept for the thread)."""
        return self._store_source()

    def cancelled(self) -> bool:
        """True once the GUI asked this task to stop; long loops check it often."""
        return self._task.cancel_event.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        return self._task.cancel_event

    def check_cancelled(self) -> None:
        """Raise TaskCancelled when the task was asked to stop."""
        if self.cancelled():
            raise TaskCancelled("cancelled")

    def progress(self, *values: Any) -> None:
        """Report progress; delivered to on_progress at most every PROGRESS_INTERVAL s."""
        value = values[0] if len(values) == 1 else values
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL:
            self._last_emit = now
            self._has_pending = False
            self._task._send("progress", value)
        else:
            self._pending = value
            self._has_pending = True

    def _flush(self) -> None:
        if self._has_pending:
            self._has_pending = False
            self._task._send("progress", self._pending)


class Task(QObject):
    """A function running on a worker thread; its signals fire on the GUI thread."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after succeeded, failed or cancelled

    _deliver = Signal(str, object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        #: Set when the owner shut down: nothing is delivered any more.
        self.discarded = False
        self.cancel_event = threading.Event()
        self.done = False
        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        """Ask the function to stop; it ends at its next check."""
        self.cancel_event.set()

    def is_cancel_requested(self) -> bool:
        return self.cancel_event.is_set()

    def _send(self, kind: str, value: Any) -> None:
        self._deliver.emit(kind, value)

    @Slot(str, object)
    def _on_deliver(self, kind: str, value: Any) -> None:
        if self.discarded:
            return
        if kind == "progress":
            if not self.done:
                self.progressed.emit(value)
            return
        self.done = True
        if kind == "result":
            self.succeeded.emit(value)
        elif kind == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(value)
        self.finished.emit()
        self._let_go()

    def _let_go(self) -> None:
        """Drop every slot once the task has ended. Slots often hold the task itself (and
        through it what they were handed), a cycle through Qt that Python's collector
        cannot see: kept, each ended task would keep its result, a whole auto-shuffle
        snapshot for a read, alive for good."""
        for signal, signature in ((self.progressed, "progressed(PyObject)"),
                                  (self.succeeded, "succeeded(PyObject)"),
                                  (self.failed, "failed(PyObject)"),
                                  (self.cancelled, "cancelled()"),
                                  (self.finished, "finished()")):
            if self.receivers(SIGNAL(signature)):  # nothing to drop warns otherwise
                signal.disconnect()


class BackgroundWork(QObject):
    """Runs functions off the GUI thread: a pool for reads and long jobs, one writer thread.

    Errors that no `on_error` handles are logged and announced by `unhandled_error`
    (a message for a person), so the window can show them in its status bar.
    """

    unhandled_error = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, db_path: Path, *, workers: int = 3, hub: ChangeHub | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        #: Where the Changes of every write are published, on the GUI thread.
        self.hub = hub if hub is not None else ChangeHub()
        self._local = threading.local()
        self._stores: list[Store] = []
        self._stores_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="riffle-work")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="riffle-write")
        self._running: set[Task] = set()
        self._writes: set[Task] = set()
        self._closed = False

    # -- public --------------------------------------------------------------------------

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        *,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        name: str = "",
    ) -> Task:
        """Run `fn(ctx)` on the worker pool; callbacks are called on the GUI thread."""
        return self._start(self._pool, fn, on_result, on_error, on_progress, name)

    def read(self, fn: Callable[[Store], Any], done: Callable[[Any], None], *,
             failed: Callable[[BaseException], None] | None = None, name: str = "") -> Task:
        """Run `fn(store)` on the pool once every write queued before it has run; *done*
        gets its result on the GUI thread (player.work.Work)."""
        task = self._task(name or "read", done, failed, None)
        if not self._closed:
            self._writer.submit(self._pool_after_writes, task, lambda ctx: fn(ctx.store))
        return task

    def write(self, fn: Callable[[Store], Changes | None], *,
              done: Callable[[], None] | None = None,
              failed: Callable[[BaseException], None] | None = None, name: str = "") -> Task:
        """Run `fn(store)` on the single writer thread, after every write queued before it,
        retrying while the database is locked; the Changes it returns are published on
        `hub`, then *done* is called, on the GUI thread (player.work.Work)."""
        def published(changes: Any) -> None:
            if isinstance(changes, Changes):
                self.hub.publish(changes)
            if done is not None:
                done()

        def fell_short(exc: BaseException) -> None:
            # a write that did part of its job still announces what it changed
            if isinstance(exc, PartialWriteError) and isinstance(exc.changes, Changes):
                self.hub.publish(exc.changes)
            if failed is not None:
                failed(exc)
            else:
                self._report(task, exc)

        task = self._task(name or "write", published, fell_short, None)
        self._writes.add(task)
        if not self._closed:
            self._writer.submit(self._call, task,
                                lambda ctx: write_patiently(fn, ctx.store))
        return task

    @property
    def running(self) -> list[Task]:
        return sorted(self._running, key=lambda t: t.name)

    def shutdown(self) -> None:
        """Cancel running tasks, let queued writes finish, close the worker stores."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._running):
            task.discarded = True  # the window is going away: no result reaches it now
            if task not in self._writes:
                task.cancel()  # a queued write still runs: the last play must be kept
        self._writer.shutdown(wait=True)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._stores_lock:
            for store in self._stores:
                try:
                    store.close()
                except Exception:  # closing is best effort at exit
                    logger.debug("closing a worker store failed", exc_info=True)
            self._stores.clear()

    # -- inside ----------------------------------------------------------------------------

    def _thread_store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.db_path)
            self._local.store = store
            with self._stores_lock:
                self._stores.append(store)
        return store

    def _start(self, pool: ThreadPoolExecutor, fn: Callable[[TaskContext], Any],
               on_result: Callable[[Any], None] | None,
               on_error: Callable[[BaseException], None] | None,
               on_progress: Callable[[Any], None] | None, name: str) -> Task:
        task = self._task(name or getattr(fn, "__name__", "task"), on_result, on_error,
                          on_progress)
        if not self._closed:
            pool.submit(self._call, task, fn)
        return task

    def _pool_after_writes(self, task: Task, fn: Callable[[TaskContext], Any]) -> None:
        """On the writer: every earlier write is done, so the read may start."""
        if self._closed:
            task._send("cancelled", None)
            return
        self._pool.submit(self._call, task, fn)

    def _task(self, name: str, on_result: Callable[[Any], None] | None,
              on_error: Callable[[BaseException], None] | None,
              on_progress: Callable[[Any], None] | None) -> Task:
        """A new Task with its callbacks connected, counted as running (cancelled at once
        if the work is shut down)."""
        task = Task(name)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        if on_result is not None:
            task.succeeded.connect(on_result)
        if on_error is not None:
            task.failed.connect(on_error)
        else:
            task.failed.connect(lambda exc, t=task: self._report(t, exc))
        task.finished.connect(lambda t=task: self._finished(t))
        was_idle = not self._running
        self._running.add(task)
        if was_idle:
            self.busy_changed.emit(True)
        if self._closed:
            task._send("cancelled", None)
        return task

    def _call(self, task: Task, fn: Callable[[TaskContext], Any]) -> None:
        ctx = TaskContext(task, self._thread_store)
        try:
            if task.cancel_event.is_set():
                task._send("cancelled", None)
                return
            result = fn(ctx)
        except TaskCancelled:
            ctx._flush()
            task._send("cancelled", None)
        except BaseException as exc:
            if isinstance(exc, RiffleError):
                logger.info("task %s failed: %s", task.name, exc)
            else:
                logger.exception("task %s failed", task.name)
            ctx._flush()
            task._send("error", exc)
        else:
            ctx._flush()
            task._send("result", result)

    def _finished(self, task: Task) -> None:
        self._running.discard(task)
        self._writes.discard(task)
        if not self._running:
            self.busy_changed.emit(False)

    def _report(self, task: Task, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, RiffleError) else (
            f"Something went wrong ({task.name}): {exc.__class__.__name__}: {exc}")
        self.unhandled_error.emit(text)
