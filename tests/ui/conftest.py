"""Fixtures for the window's tests: a generated music folder and a real window on it.

The window is built the way main.py builds it (ui.app_setup), with real libvlc playing to
its dummy audio output, the real scanner, and a real database in tmp_path.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig, make_music

from main import make_filler
from player.playback import VlcBackend
from player.store import Store
from ui.app_setup import app_icon, build_player
from ui.library_jobs import (
    AnalyseFunction,
    LibraryJobs,
    LibraryLoader,
    ScanFunction,
    SimilarFunction,
)
from ui.library_jobs import scanner_function as real_scanner
from ui.main_window import MainWindow, WindowParts
from ui.tasks import BackgroundWork
from ui.window_state import WindowState


@pytest.fixture(scope="session")
def music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine short tagged tracks by three artists (read only: tests never write here)."""
    return make_music(tmp_path_factory.mktemp("music"), seconds=3.0)


def dummy_backend(callback: Callable[..., None], volume: int = 100) -> VlcBackend:
    return VlcBackend(callback, audio_output="dummy", volume=volume)


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path, db_path: Path) -> Iterator[Callable[..., Rig]]:
    rigs: list[Rig] = []

    def make(*, roots: tuple[Path, ...] = (), player: bool = True,
             scan: ScanFunction | None = None, analyse: AnalyseFunction | None = None,
             suggested: str | None = None, similar: SimilarFunction | None = None,
             size: tuple[int, int] = (1280, 800), wait: bool = True) -> Rig:
        """A window as main.py builds it; *wait* False returns before the library is read."""
        store = Store.open(db_path)
        with store.db.transaction():
            for root in roots:
                store.roots.add(str(root))
        work = BackgroundWork(db_path)
        jobs = LibraryJobs(work, scan=scan or real_scanner(), analyse=analyse,
                           roots=store.roots.list)
        parts = WindowParts(
            store=store, work=work, jobs=jobs, loader=LibraryLoader(work),
            state=WindowState(tmp_path / "window.ini"), icon=app_icon(),
            suggested_folder=suggested, similar=similar, cache_dir=tmp_path / "cache",
            player=build_player(store, work, dummy_backend, make_filler) if player else None)
        window = MainWindow(parts)
        window.resize(*size)
        window.show()
        rig = Rig(window, store, work, db_path)
        rigs.append(rig)
        if wait:
            qtbot.waitUntil(lambda: window.loader.loads >= 1, timeout=10_000)
        return rig

    yield make
    for rig in rigs:
        rig.shut()



@pytest.fixture
def scanned(make_window: Callable[..., Rig], music: Path, qtbot: QtBot) -> Rig:
    """A window on the generated library, scanned and shown in the table."""
    rig = make_window(roots=(music,))
    rig.window.actions_.scan()
    control = rig.window.control
    qtbot.waitUntil(lambda: len(rig.window.model.library) == TRACK_COUNT
                    and not rig.window.actions_.jobs.running
                    and (control is None or len(control.queue.auto_part) > 0),
                    timeout=20_000)
    return rig


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private D-Bus session bus (Debian's dbus-daemon) for this test; its address is in
    DBUS_SESSION_BUS_ADDRESS for Riffle and for the clients the test runs."""
    if shutil.which("dbus-daemon") is None:
        pytest.fail("dbus-daemon is missing: scripts/bootstrap.sh --test installs it "
                    "(apt-get install dbus)")
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address, "dbus-daemon gave no address"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    daemon.terminate()
    daemon.wait(timeout=10)

