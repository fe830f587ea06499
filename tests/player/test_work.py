"""player/work.py: writes wait out another program's lock; inline work publishes changes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from player.changes import Changes
from player.errors import DatabaseLockedError
from player.store import Database, Store
from player.work import InlineWork, write_patiently


def _hold_lock(db_path: Path, seconds: float) -> threading.Thread:
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(seconds, lambda: (other.execute("COMMIT"), other.close()))
    timer.start()
    return timer


def test_a_write_is_tried_again_until_the_lock_is_released(db_path: Path) -> None:
    Store.open(db_path).close()
    store = Store(Database(db_path, busy_timeout=0.02))  # SQLite itself gives up at once
    timer = _hold_lock(db_path, 0.5)
    tries: list[int] = []

    def write(s: Store) -> str:
        tries.append(1)
        s.settings.set("kept", 7)
        return "written"

    assert write_patiently(write, store) == "written"
    timer.join()
    assert len(tries) > 1 and store.settings.get("kept") == 7
    store.close()


def test_patience_has_an_end(db_path: Path) -> None:
    Store.open(db_path).close()
    store = Store(Database(db_path, busy_timeout=0.02))
    timer = _hold_lock(db_path, 1.0)
    with pytest.raises(DatabaseLockedError):
        write_patiently(lambda s: s.settings.set("x", 1), store, patience=0.2)
    timer.join()
    store.close()


def test_inline_work_publishes_what_a_write_changed_and_reads_at_once(store: Store) -> None:
    work = InlineWork(store)
    heard: list[Changes] = []
    work.hub.subscribe(heard.append)
    done: list[str] = []
    work.write(lambda s: (s.settings.set("k", 1), Changes(ratings=frozenset({3})))[1],
               done=lambda: done.append("written"))
    got: list[object] = []
    work.read(lambda s: s.settings.get("k"), got.append)
    assert heard == [Changes(ratings=frozenset({3}))] and done == ["written"] and got == [1]


def test_a_failed_write_goes_to_its_handler(store: Store) -> None:
    errors: list[BaseException] = []

    def fail(_s: Store) -> None:
        raise ValueError("no")

    InlineWork(store).write(fail, failed=errors.append)
    assert [str(e) for e in errors] == ["no"]
