"""ui/tasks.py: work runs off the GUI thread and its outcome comes back on it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from player.changes import Changes
from player.errors import PartialWriteError, RiffleError
from player.store import Store
from ui.tasks import BackgroundWork, TaskContext


@pytest.fixture
def work(db_path: Path, qtbot: QtBot) -> Iterator[BackgroundWork]:
    Store.open(db_path).close()
    w = BackgroundWork(db_path)
    yield w
    w.shutdown()


def test_result_arrives_on_the_gui_thread(work: BackgroundWork, qtbot: QtBot) -> None:
    seen: dict[str, object] = {}

    def job(ctx: TaskContext) -> str:
        seen["worker"] = threading.current_thread()
        return "done"

    def got(value: object) -> None:
        seen["value"] = value
        seen["receiver"] = threading.current_thread()

    task = work.run(job, on_result=got)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["value"] == "done"
    assert seen["receiver"] is threading.main_thread()
    assert seen["worker"] is not threading.main_thread()


def test_error_and_progress_arrive_and_unhandled_errors_are_announced(
        work: BackgroundWork, qtbot: QtBot) -> None:
    progress: list[object] = []

    def job(ctx: TaskContext) -> None:
        for i in range(3):
            ctx.progress(i)
            time.sleep(0.06)
        raise RiffleError("the disk went away")

    errors: list[BaseException] = []
    task = work.run(job, on_error=errors.append, on_progress=progress.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert progress == [0, 1, 2]
    assert str(errors[0]) == "the disk went away"

    with qtbot.waitSignal(work.unhandled_error, timeout=5000) as blocker:
        work.run(lambda ctx: 1 / 0)
    assert "ZeroDivisionError" in blocker.args[0]


def test_cancel_stops_a_long_task(work: BackgroundWork, qtbot: QtBot) -> None:
    started = threading.Event()

    def job(ctx: TaskContext) -> None:
        started.set()
        while True:
            ctx.check_cancelled()
            time.sleep(0.01)

    task = work.run(job)
    assert started.wait(5)
    with qtbot.waitSignal(task.cancelled, timeout=5000):
        task.cancel()


def test_writes_run_one_after_another_on_one_thread_with_its_own_store(
        work: BackgroundWork, qtbot: QtBot, db_path: Path) -> None:
    threads: set[int] = set()

    def add(store: Store, n: int) -> None:
        threads.add(threading.get_ident())
        with store.db.transaction():
            store.settings.set(f"k{n}", n)

    tasks = [work.write(lambda store, n=n: add(store, n)) for n in range(20)]
    qtbot.waitUntil(lambda: all(t.done for t in tasks), timeout=5000)
    assert len(threads) == 1 and threading.get_ident() not in threads
    check = Store.open(db_path)
    assert [check.settings.get(f"k{n}") for n in range(20)] == list(range(20))
    check.close()


def test_a_write_publishes_its_changes_on_the_gui_thread_then_reads_see_it(
        work: BackgroundWork, qtbot: QtBot) -> None:
    heard: list[tuple[Changes, int]] = []
    work.hub.subscribe(lambda changes: heard.append((changes, threading.get_ident())))
    order: list[str] = []

    def slow_write(store: Store) -> Changes:
        time.sleep(0.3)  # a read queued meanwhile must still see this write
        with store.db.transaction():
            store.settings.set("written", True)
        order.append("write")
        return Changes(settings={"written": True})

    work.write(slow_write, done=lambda: order.append("done"))
    seen: list[object] = []
    work.read(lambda store: store.settings.get("written"), seen.append)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5000)
    assert seen == [True]
    assert order == ["write", "done"]
    assert [(dict(c.settings), thread) for c, thread in heard] == [
        ({"written": True}, threading.get_ident())]


def test_a_write_that_falls_short_announces_what_it_did_and_says_what_it_could_not(
        work: BackgroundWork, qtbot: QtBot) -> None:
    heard: list[Changes] = []
    work.hub.subscribe(heard.append)

    def half_done(store: Store) -> Changes:
        raise PartialWriteError("Rated, but one file could not take it.",
                                Changes(ratings=frozenset({7})))

    with qtbot.waitSignal(work.unhandled_error, timeout=5000) as blocker:
        work.write(half_done)
    assert blocker.args == ["Rated, but one file could not take it."]
    assert [c.ratings for c in heard] == [{7}]


def test_a_write_waits_out_a_lock_held_by_another_program(
        work: BackgroundWork, qtbot: QtBot, db_path: Path) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock...
    finished: list[bool] = []
    work.write(lambda store: store.settings.set("kept", 1), done=lambda: finished.append(True))
    qtbot.wait(600)
    assert finished == []  # still waiting, nothing lost
    other.execute("COMMIT")  # ...and lets go
    qtbot.waitUntil(lambda: finished == [True], timeout=10_000)
    other.close()
    check = Store.open(db_path)
    assert check.settings.get("kept") == 1
    check.close()


def test_shutdown_lets_queued_writes_finish(db_path: Path, qtbot: QtBot) -> None:
    Store.open(db_path).close()
    work = BackgroundWork(db_path)

    def slow(store: Store, n: int) -> None:
        time.sleep(0.05)
        store.settings.set(f"late{n}", n)

    for n in range(5):
        work.write(lambda store, n=n: slow(store, n))
    work.shutdown()
    check = Store.open(db_path)
    assert [check.settings.get(f"late{n}") for n in range(5)] == list(range(5))
    check.close()


class _Bulky:
    """A result that can be watched for being freed."""


def test_a_finished_task_keeps_neither_itself_nor_its_result_alive(
        work: BackgroundWork, qtbot: QtBot) -> None:
    """A snapshot handed over by a read must be freed once it is replaced: a task that
    outlived its end held every result for good (2 GB an hour of snapshots at 100,000
    tracks while a library was analysed)."""
    import gc
    import weakref

    results: list[weakref.ref[_Bulky]] = []
    tasks: list[weakref.ref[object]] = []
    received: list[int] = []
    for _ in range(3):
        def job(store: Store) -> _Bulky:
            bulky = _Bulky()
            results.append(weakref.ref(bulky))
            return bulky

        task = work.read(job, lambda _value: received.append(1))
        tasks.append(weakref.ref(task))
        def fail(ctx: TaskContext) -> None:
            raise RiffleError("no disk")

        failing = work.run(fail, on_error=lambda _exc: received.append(2))
        tasks.append(weakref.ref(failing))
        del task, failing
    qtbot.waitUntil(lambda: len(received) == 6 and not work._running, timeout=5000)
    qtbot.wait(20)
    gc.collect()
    assert [r() for r in results] == [None, None, None]
    assert [t() for t in tasks] == [None] * 6
