"""player/store/lock.py: advisory locks that tell Riffle processes apart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from player.store import Store
from player.store.lock import USE, FileLock


def test_shared_holders_coexist_and_keep_an_exclusive_one_out(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    first, second, sole = FileLock(db, USE), FileLock(db, USE), FileLock(db, USE)
    assert first.try_shared() and second.try_shared()
    assert not sole.try_exclusive()
    first.release()
    assert not sole.try_exclusive()
    second.release()
    assert sole.try_exclusive()
    assert not first.try_shared()
    sole.release()
    assert first.try_shared()
    first.release()


def test_an_open_library_holds_its_use_lock_until_closed(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    store = Store.open(db)
    with FileLock(db, USE) as restore:
        assert not restore.try_exclusive()
        store.close()
        assert restore.try_exclusive()


def test_a_killed_process_leaves_no_lock_behind(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from player.store.lock import FileLock; "
         f"FileLock({str(db)!r}, 'use').try_shared(); print('held', flush=True); "
         "time.sleep(600)"], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with FileLock(db, USE) as restore:
            assert not restore.try_exclusive()
            holder.kill()
            holder.wait()
            assert restore.try_exclusive()
    finally:
        holder.kill()
        holder.wait()
