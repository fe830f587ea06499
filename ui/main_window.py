"""Riffle's main window: lays out the panels and wires them to the core.

The panels (library, side list, queue, now-playing bar, status) live in their own
modules; this one owns the menus and keys, the first start, the settings dialog, dropping
folders, and remembering the layout.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from player import settings as s
from player.settings import Settings
from player.store import Store
from ui.browser import BrowserPanel
from ui.errors_dialog import ErrorsDialog
from ui.library_data import LibraryData
from ui.library_jobs import JobProgress, LibraryJobs, LibraryLoader
from ui.library_model import LibraryModel
from ui.library_view import LibraryPanel
from ui.settings_dialog import SettingsDialog
from ui.status import JobStatus
from ui.tasks import BackgroundWork, TaskContext
from ui.welcome import WelcomePage
from ui.window_state import WindowState

logger = logging.getLogger(__name__)

APP_TITLE = "Riffle"
_EDITABLE_SETTINGS = (s.REPLAYGAIN_MODE, s.RECENT_PLAYS, s.RECENT_HOURS, s.AUTO_AHEAD,
                      s.ANALYSIS_WORKERS)


@dataclass
class WindowParts:
    """What the window is built from; main.py makes them, tests make small real ones."""

    store: Store  # the GUI thread's own connection, for short reads
    work: BackgroundWork
    jobs: LibraryJobs
    loader: LibraryLoader
    state: WindowState
    icon: QIcon
    suggested_folder: str | None = None


def _rate_in_store(ctx: TaskContext, ids: list[int], stars: int) -> None:
    with ctx.store.db.transaction():
        for track_id in ids:
            ctx.store.ratings.set(track_id, stars)


class MainWindow(QMainWindow):
    """The library on the left and middle, the queue on the right, playback at the bottom."""

    #: Ratings were written to the store (track ids, stars): the queue may redraw.
    rated = Signal(list, int)

    def __init__(self, parts: WindowParts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts = parts
        self.store = parts.store
        self.work = parts.work
        self.jobs = parts.jobs
        self.loader = parts.loader
        self.state = parts.state
        self.settings = Settings(parts.store.settings)
        self.setWindowIcon(parts.icon)
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.resize(1180, 740)

        self.model = LibraryModel(self)
        self.library = LibraryPanel(self.model, parts.state)
        self.browser = BrowserPanel()
        self.welcome = WelcomePage(parts.icon, parts.suggested_folder)
        self.job_status = JobStatus()
        self.statusBar().addPermanentWidget(self.job_status)
        self.statusBar().setSizeGripEnabled(True)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.library)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 960])
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.splitter)
        self.bottom = QVBoxLayout()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.setSpacing(6)
        column.addWidget(self.pages, 1)
        column.addLayout(self.bottom)
        self.setCentralWidget(central)

        self._make_actions()
        self._connect()
        self._restore_layout()
        self._choose_page()
        self.loader.reload()

    # -- building ----------------------------------------------------------------------------

    def add_action(self, menu_name: str, text: str, slot: Callable[[], Any],
                   keys: QKeySequence | str | list[Any] | None = None,
                   context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        """An action in a menu (and the window, so its keys work with the menu bar hidden)."""
        action = QAction(text, self)
        action.triggered.connect(lambda *_: slot())
        if keys is not None:
            if isinstance(keys, list):
                action.setShortcuts(keys)
            else:
                action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(context)
        self._menus[menu_name].addAction(action)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        self._menus = {name: bar.addMenu(name) for name in
                       ("&Riffle", "&Playback", "&View", "&Help")}
        add = self.add_action
        add("&Riffle", "Add music folder…", self._add_folder_dialog)
        self.scan_action = add("&Riffle", "Scan library folders", self.scan, "F5")
        add("&Riffle", "Cancel background work", self.jobs.cancel)
        add("&Riffle", "Files with problems…", self.show_errors)
        self._menus["&Riffle"].addSeparator()
        add("&Riffle", "Settings…", self.open_settings, QKeySequence.StandardKey.Preferences)
        add("&Riffle", "Quit", self.close, QKeySequence.StandardKey.Quit)
        self.rate_actions = []
        for stars in range(6):
            text = "Clear rating" if stars == 0 else "Rate " + "★" * stars
            self.rate_actions.append(add("&Playback", text, lambda n=stars: self.rate_key(n),
                                         str(stars)))
        add("&View", "Find in library", self.library.focus_filter,
            QKeySequence.StandardKey.Find)
        self.browser_action = add("&View", "Side list", lambda: self.browser.setVisible(
            self.browser_action.isChecked()))
        self.browser_action.setCheckable(True)
        add("&Help", "About Riffle", self._about)

    def _connect(self) -> None:
        self.loader.loaded.connect(self._library_loaded)
        self.jobs.progress.connect(self._job_progress)
        self.jobs.library_changed.connect(self.loader.reload)
        self.jobs.idle.connect(self._jobs_idle)
        self.jobs.failed.connect(self.show_message)
        self.jobs.cancelled.connect(lambda kind: self.show_message(f"Stopped the {kind}."))
        self.jobs.scan_finished.connect(self._scan_finished)
        self.job_status.cancel_clicked.connect(self.jobs.cancel)
        self.job_status.errors_clicked.connect(self.show_errors)
        self.work.unhandled_error.connect(self.show_message)
        self.welcome.start_requested.connect(self.add_folders)
        self.browser.picked.connect(self._browse)
        self.library.clear_browse.clicked.connect(self.browser.clear_pick)
        self.library.rate_requested.connect(self.rate)
        self.library.reveal_requested.connect(self.reveal)

    # -- library -----------------------------------------------------------------------------

    def _choose_page(self) -> None:
        has_roots = bool(self.store.roots.list())
        self.pages.setCurrentIndex(1 if has_roots or len(self.model.library) else 0)
        self.menuBar().setVisible(True)

    def _library_loaded(self, data: LibraryData) -> None:
        self.model.set_library(data)
        self.browser.set_library(data)
        self.job_status.set_error_count(sum(1 for e in data.errors if e))
        self._choose_page()

    def _browse(self, picks: list[tuple[str, str]], label: str) -> None:
        self.model.set_browse(picks)
        self.library.show_browse(label)

    def add_folders(self, folders: list[str]) -> None:
        """Make folders part of the library and scan them."""
        folders = [f for f in folders if os.path.isdir(f)]
        if not folders:
            return

        def add(ctx: TaskContext) -> None:
            with ctx.store.db.transaction():
                for folder in folders:
                    ctx.store.roots.add(folder)

        self.pages.setCurrentIndex(1)
        self.work.write(add, on_result=lambda _: self.scan(), name="add folders")

    def scan(self) -> None:
        self.jobs.scan()

    def _job_progress(self, progress: JobProgress) -> None:
        self.job_status.show_progress(progress.text, progress.done, progress.total)

    def _jobs_idle(self) -> None:
        self.job_status.set_idle()

    def _scan_finished(self, report: Any) -> None:
        summary = getattr(report, "summary", None)
        text = summary() if callable(summary) else "Library scan finished."
        self.show_message(text)

    def show_errors(self) -> None:
        data = self.model.library
        problems = [(data.paths[i], data.errors[i] or "") for i in range(len(data))
                    if data.errors[i]]
        dialog = ErrorsDialog(problems, self)
        dialog.reveal_requested.connect(self.reveal)
        dialog.show()

    def reveal(self, path: str) -> None:
        """Open the folder holding *path* in the file manager."""
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            self.show_message(f"Could not open {folder}.")

    # -- ratings -----------------------------------------------------------------------------

    def rate(self, ids: list[int], stars: int) -> None:
        """Rate tracks: shown at once, written by the writer, then announced by `rated`."""
        if not ids:
            return
        for track_id in ids:
            self.model.set_rating(track_id, stars or None)
        self.work.write(lambda ctx: _rate_in_store(ctx, ids, stars),
                        on_result=lambda _: self.rated.emit(ids, stars), name="rate")

    def rate_key(self, stars: int) -> None:
        """Keys 1–5 and 0: the selected tracks when the table has focus, else the playing one."""
        ids = self.library.selected_ids() if self.library.table.hasFocus() else []
        if not ids and self.playing_id() is not None:
            ids = [self.playing_id()]  # type: ignore[list-item]
        self.rate(ids, stars)

    def playing_id(self) -> int | None:
        return self.model.playing_id

    # -- settings, folders dropped, messages --------------------------------------------------

    def open_settings(self) -> None:
        roots = self.store.roots.list()
        values = {setting: self.settings.get(setting) for setting in _EDITABLE_SETTINGS}
        dialog = SettingsDialog(roots, values, self)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        new_roots, new_values = dialog.roots(), dialog.values()
        added = [r for r in new_roots if r not in roots]
        removed = [r for r in roots if r not in new_roots]

        def save(ctx: TaskContext) -> None:
            settings = Settings(ctx.store.settings)
            with ctx.store.db.transaction():
                for setting, value in new_values.items():
                    settings.set(setting, value)
                for root in added:
                    ctx.store.roots.add(root)
                for root in removed:
                    ctx.store.roots.remove(root)

        rescan = bool(added or removed)
        self.work.write(save, on_result=lambda _: self._settings_saved(rescan),
                        name="save settings")

    def _settings_saved(self, rescan: bool) -> None:
        self.show_message("Settings saved.")
        if rescan:
            self.scan()

    def _add_folder_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path = QFileDialog.getExistingDirectory(self, "Add a music folder",
                                                os.path.expanduser("~"))
        if path:
            self.add_folders([path])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() and os.path.isdir(url.toLocalFile())
               for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folders = [url.toLocalFile() for url in event.mimeData().urls()
                   if url.isLocalFile() and os.path.isdir(url.toLocalFile())]
        if not folders:
            return
        event.acceptProposedAction()
        if self.pages.currentWidget() is self.welcome:
            for folder in folders:
                self.welcome.add_folder(folder)
        else:
            self.add_folders(folders)
            self.show_message("Adding " + ", ".join(folders))

    def show_message(self, text: str) -> None:
        logger.info("%s", text)
        self.statusBar().showMessage(text, 8000)

    def _about(self) -> None:
        QMessageBox.about(self, "About Riffle", "<h3>Riffle</h3><p>A music player for the "
                          "music you own, with an auto-shuffle that learns what you like. "
                          "Everything stays on this computer.</p>")

    # -- layout memory -----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        for key, restore in (("window/geometry", self.restoreGeometry),
                             ("window/state", self.restoreState),
                             ("window/splitter", self.splitter.restoreState)):
            saved = self.state.bytes(key)
            if saved is not None:
                restore(saved)
        self.browser.setVisible(self.state.flag("window/browser", True))
        self.browser_action.setChecked(self.browser.isVisibleTo(self))
        self.browser.set_current_tab(self.state.number("window/browse_tab", 0))

    def save_layout(self) -> None:
        self.state.set_bytes("window/geometry", QByteArray(self.saveGeometry()))
        self.state.set_bytes("window/state", QByteArray(self.saveState()))
        self.state.set_bytes("window/splitter", QByteArray(self.splitter.saveState()))
        self.state.set_flag("window/browser", self.browser.isVisibleTo(self))
        self.state.set_number("window/browse_tab", self.browser.current_tab())
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.jobs.cancel()
        event.accept()
