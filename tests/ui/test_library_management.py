"""Managing the library from the window: dropped folders, problem files, settings."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from player import settings as s
from player.settings import Settings
from ui.errors_dialog import ErrorsDialog
from ui.settings_dialog import SettingsDialog


def _drop(rig: Rig, folder: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(400, 300), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    rig.window.dropEvent(event)


def test_a_folder_dropped_on_the_window_is_added_and_scanned(
        make_window: Callable[..., Rig], music: Path, qtbot: QtBot) -> None:
    rig = make_window(roots=(music / "Alpha Lake",))
    w = rig.window
    w.actions_.scan()
    qtbot.waitUntil(lambda: w.model.rowCount() == 3, timeout=20_000)
    _drop(rig, music / "Beta Engine")
    qtbot.waitUntil(lambda: w.model.rowCount() == 6 and not w.actions_.jobs.running,
                    timeout=20_000)
    assert sorted(rig.store.roots.list()) == [str(music / "Alpha Lake"),
                                              str(music / "Beta Engine")]


def test_a_folder_dropped_on_the_first_start_joins_the_list(
        make_window: Callable[..., Rig], music: Path) -> None:
    rig = make_window()
    assert rig.window.pages.currentWidget() is rig.window.welcome
    _drop(rig, music)
    assert rig.window.welcome.chosen() == [str(music)]
    assert rig.store.roots.list() == []  # nothing is scanned before Start


def _problems_dialog() -> ErrorsDialog:
    return next(d for d in QApplication.topLevelWidgets()
                if isinstance(d, ErrorsDialog) and d.isVisible())


def test_files_that_failed_are_counted_and_listed_with_why_not_as_rows(
        make_window: Callable[..., Rig], music: Path, tmp_path: Path, qtbot: QtBot) -> None:
    library = tmp_path / "library"
    shutil.copytree(music, library)
    (library / "broken.mp3").write_bytes(b"this is not audio at all" * 20)
    rig = make_window(roots=(library,))
    w = rig.window
    w.actions_.scan()
    qtbot.waitUntil(lambda: "Scan finished" in w.statusBar().currentMessage(),
                    timeout=20_000)
    # the sentence after the scan and the badge say the same number
    assert w.statusBar().currentMessage().startswith(
        f"Scan finished: added {TRACK_COUNT}, updated 0, moved 0, missing 0; "
        "1 file with problems")
    assert w.job_status.errors.isVisible() and "1 problem" in w.job_status.errors.text()
    qtbot.waitUntil(lambda: len(w.model.library) == TRACK_COUNT, timeout=5000)
    assert not any(w.model.library.path(i).endswith("broken.mp3")
                   for i in range(len(w.model.library)))  # a problem, not a row
    qtbot.mouseClick(w.job_status.errors, Qt.MouseButton.LeftButton)
    dialog = _problems_dialog()
    assert dialog.list.topLevelItemCount() == 1
    item = dialog.list.topLevelItem(0)
    assert item.text(0) == "broken.mp3" and item.text(1) == "Unreadable" and item.text(2)
    assert str(library / "broken.mp3") in dialog.details.text()  # the whole path, below
    dialog.close()


def test_a_file_that_fails_to_play_joins_the_badge_and_the_open_dialog_at_once(
        make_window: Callable[..., Rig], music: Path, tmp_path: Path, qtbot: QtBot) -> None:
    library = tmp_path / "library"
    shutil.copytree(music, library)
    rig = make_window(roots=(library,))
    w = rig.window
    assert w.control is not None
    w.actions_.scan()
    qtbot.waitUntil(lambda: len(w.model.library) == TRACK_COUNT
                    and not w.actions_.jobs.running, timeout=20_000)
    w.actions_.show_errors()
    dialog = _problems_dialog()
    assert dialog.list.topLevelItemCount() == 0 and not w.job_status.errors.isVisible()
    data = w.model.library
    mist = next(i for i in range(len(data)) if data.titles[i] == "Mist")
    Path(data.path(mist)).write_bytes(b"\x00\x01 not audio " * 500)  # no new scan
    w.control.play_now([data.ids[mist]])
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 1, timeout=15_000)
    item = dialog.list.topLevelItem(0)
    assert item.text(1) == "Does not play"
    assert item.text(2).startswith("could not be played: ")
    assert w.job_status.errors.isVisible() and "1 problem" in w.job_status.errors.text()
    dialog.close()


def test_settings_are_saved_and_a_new_folder_is_scanned(
        make_window: Callable[..., Rig], music: Path, qtbot: QtBot) -> None:
    rig = make_window(roots=(music / "Alpha Lake",))
    w = rig.window
    old_roots = rig.store.roots.list()
    values = {setting: Settings(rig.store.settings).get(setting)
              for setting in (s.REPLAYGAIN_MODE, s.RECENT_PLAYS, s.RECENT_HOURS,
                              s.AUTO_AHEAD, s.ANALYSIS_WORKERS)}
    dialog = SettingsDialog(old_roots, values, w)
    dialog.add_folder(str(music / "Gamma Choir"))
    dialog.replaygain.setCurrentIndex(dialog.replaygain.findData("album"))
    dialog.recent_plays.setValue(120)
    dialog.workers.setValue(1)
    assert dialog.workers.value() == 1
    assert not dialog.ratings_in_tags.isChecked()
    dialog.ratings_in_tags.setChecked(True)
    w.actions_.save_settings(old_roots, dialog.roots(), dialog.values())
    qtbot.waitUntil(lambda: w.model.rowCount() == 6 and not w.actions_.jobs.running,
                    timeout=20_000)
    settings = Settings(rig.store.settings)
    assert settings.get(s.REPLAYGAIN_MODE) == "album"
    assert settings.get(s.RECENT_PLAYS) == 120
    assert settings.get(s.ANALYSIS_WORKERS) == 1
    assert settings.get(s.RATINGS_IN_TAGS) is True
    assert w.control is not None and w.control.session.replaygain == "album"
    dialog.deleteLater()


def test_a_library_folder_that_is_gone_is_said_in_the_status_bar(
        make_window: Callable[..., Rig], music: Path, tmp_path: Path, qtbot: QtBot) -> None:
    gone = tmp_path / "unplugged disk"
    rig = make_window(roots=(music / "Alpha Lake", gone))
    w = rig.window
    w.actions_.scan()
    qtbot.waitUntil(lambda: "is not there" in w.statusBar().currentMessage(), timeout=20_000)
    message = w.statusBar().currentMessage()
    assert message.startswith("Scan finished: added 3")
    assert f"{gone} is not there (a disk not mounted?)" in message
