"""`riffle` with no command opens the window on the chosen database, or says why it can't."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import main
from ui.main_window import APP_TITLE, MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_riffle_with_db_opens_the_window_on_that_database(
        tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_MUSIC_DIR", str(tmp_path / "no music here"))
    db = tmp_path / "elsewhere.sqlite3"
    seen: dict[str, object] = {}

    def look_and_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(50, look_and_close)
            return
        window = windows[0]
        seen["title"] = window.windowTitle()
        seen["db"] = window.store.path
        seen["welcome"] = window.pages.currentWidget() is window.welcome
        window.close()

    QTimer.singleShot(0, look_and_close)
    assert main.main(["--db", str(db)]) == 0
    assert seen == {"title": APP_TITLE, "db": db, "welcome": True}
    assert (tmp_path / "config" / "Riffle" / "window.ini").exists()
    # the day's backup, in the data folder
    (backup,) = (tmp_path / "data" / "Riffle" / "backups").glob("elsewhere-*/daily-*.sqlite3")
    assert backup.stat().st_size > 0


def test_without_a_display_riffle_explains_instead_of_crashing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    result = subprocess.run([sys.executable, "main.py", "--db", str(tmp_path / "x.sqlite3")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no display" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_display_that_went_away_is_explained_not_a_qt_abort(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}}
    env["DISPLAY"] = ":857"  # no X server has that socket
    result = subprocess.run([sys.executable, "main.py", "--db", str(tmp_path / "x.sqlite3")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "no X server answers on DISPLAY=:857" in result.stderr
    assert "Traceback" not in result.stderr and "xcb" not in result.stderr


def test_display_checks_follow_each_platform(tmp_path: Path) -> None:
    from ui.display import display_problem

    (tmp_path / "wayland-1").touch()
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-1",
                            "XDG_RUNTIME_DIR": str(tmp_path)}) is None
    assert "WAYLAND_DISPLAY=wayland-9" in (display_problem(
        {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": str(tmp_path)}) or "")
    assert display_problem({"DISPLAY": "otherhost:0"}) is None  # remote: trusted
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in (display_problem({}) or "")
