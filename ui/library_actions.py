"""What the window does to the library: add folders, scan, rate, settings, problem files,
a track's properties.

Every write goes through BackgroundWork.write (one writer thread); scans and analysis
through LibraryJobs. Dialogs open over *window*.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from player import edits
from player import settings as s
from player.backend import AudioOutput
from player.changes import Changes
from player.errors import RiffleError
from player.models import Track
from player.settings import Settings
from player.store import Store
from ui.errors_dialog import ErrorsDialog
from ui.library_jobs import JobProgress, LibraryJobs
from ui.library_model import LibraryModel
from ui.problems import Problem, ProblemList, count_text
from ui.properties_dialog import FileProperties, PropertiesDialog, read_properties
from ui.settings_dialog import SettingsDialog
from ui.status import JobStatus
from ui.tasks import BackgroundWork

logger = logging.getLogger(__name__)

EDITABLE_SETTINGS = (s.REPLAYGAIN_MODE, s.RECENT_PLAYS, s.RECENT_HOURS, s.AUTO_AHEAD,
                     s.ANALYSIS_WORKERS, s.DEEP_ANALYSIS, s.AUDIO_OUTPUT, s.AUDIO_DEVICE,
                     s.NOTIFY, s.CLOSE_TO_TRAY, s.RATINGS_IN_TAGS)


class LibraryActions(QObject):
    """The library side of the window's menus, buttons and drops."""

    folders_added = Signal()

    def __init__(self, window: QWidget, store: Store, work: BackgroundWork, jobs: LibraryJobs,
                 model: LibraryModel, status: JobStatus,
                 show_message: Callable[[str], None]) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.work = work
        self.jobs = jobs
        self.model = model
        self.status = status
        self.show_message = show_message
        self.settings = Settings(store.settings)
        #: The sound outputs to offer in the settings (the desktop wiring sets it).
        self.audio_outputs: Callable[[], list[AudioOutput]] = list
        self.problems = ProblemList(work, self)
        self.problems.changed.connect(self._problems_changed)
        self.errors_dialog: ErrorsDialog | None = None
        self.properties_dialog: PropertiesDialog | None = None
        jobs.progress.connect(self._progress)
        jobs.idle.connect(lambda: status.set_idle())
        jobs.failed.connect(show_message)
        jobs.cancelled.connect(lambda kind: show_message(f"Stopped the {kind}."))
        jobs.scan_finished.connect(self._scan_finished)
        jobs.analysis_finished.connect(self._analysis_finished)
        status.cancel_clicked.connect(jobs.cancel)
        status.errors_clicked.connect(self.show_errors)

    # -- folders and scans -------------------------------------------------------------------

    def add_folders(self, folders: list[str]) -> None:
        """Make folders part of the library, then scan."""
        folders = [f for f in folders if os.path.isdir(f)]
        if not folders:
            self.show_message("Nothing to add: drop or choose a folder.")
            return

        def add(store: Store) -> None:
            with store.db.transaction():
                for folder in folders:
                    store.roots.add(folder)

        self.work.write(add, done=self._folders_added, name="add folders")

    def _folders_added(self) -> None:
        self.folders_added.emit()
        self.scan()

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self.window, "Add a music folder",
                                                os.path.expanduser("~"))
        if path:
            self.add_folders([path])

    def scan(self) -> None:
        self.jobs.scan()

    def _progress(self, progress: JobProgress) -> None:
        self.status.show_progress(progress.text, progress.done, progress.total)

    def _scan_finished(self, report: Any) -> None:
        """Say what the scan did, and how many files of the library have problems: the
        number the badge shows, from the same reading (not only this scan's errors)."""
        summary = getattr(report, "summary", None)
        text = ("Scan finished: " + summary(errors=False) if callable(summary)
                else "Library scan finished")
        notices = getattr(report, "notices", None)
        tail = ". " + "; ".join(notices()) if callable(notices) and notices() else ""
        self.problems.refresh(
            lambda problems: self.show_message(f"{text}; {count_text(len(problems))}{tail}"))

    def _analysis_finished(self, report: Any) -> None:
        summary = getattr(report, "summary", None)
        if callable(summary):
            self.show_message("Listening finished: " + summary())

    # -- problems and files ------------------------------------------------------------------

    def show_errors(self) -> None:
        """The problems dialog (one; it follows the library while open)."""
        if self.errors_dialog is not None:
            self.errors_dialog.raise_()
            self.errors_dialog.activateWindow()
            return
        dialog = ErrorsDialog(self.problems.problems, self.window)
        dialog.reveal_requested.connect(self.reveal)
        dialog.destroyed.connect(self._errors_closed)
        self.errors_dialog = dialog
        dialog.show()
        self.problems.refresh()

    def _errors_closed(self) -> None:
        self.errors_dialog = None

    def _problems_changed(self, problems: list[Problem]) -> None:
        self.status.set_error_count(len(problems))
        if self.errors_dialog is not None:
            self.errors_dialog.set_problems(problems)

    def empty_library_hint(self) -> str:
        """What the table says while the library has no tracks at all, and why."""
        roots = self.store.roots.list()
        if not roots:
            return ("No music folder yet. Add one with Riffle ▸ Add music folder…, or drop "
                    "a folder on the window.")
        if self.jobs.running == "scan":
            return "Looking for music in your folders…"
        return (f"No music found in {', '.join(roots)}. Put music there and scan again (F5), "
                "or add another folder in Settings.")

    def show_properties(self, track_id: int) -> None:
        """The file properties of a track (read off the GUI thread), in a dialog."""
        def show(props: FileProperties) -> None:
            self.properties_dialog = PropertiesDialog(props, self.window)
            self.properties_dialog.show()

        self.work.read(lambda store: read_properties(store, track_id), show,
                       name="file properties")

    def stored_track(self, track_id: int) -> Track | None:
        """A track the table does not list (its file could not be read), from the GUI
        thread's store: one quick read."""
        try:
            return self.store.tracks.get(track_id)
        except RiffleError:
            return None

    def reveal(self, path: str) -> None:
        """Open the folder holding *path* in the file manager."""
        folder = path if os.path.isdir(path) else os.path.dirname(path)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
            self.show_message(f"Could not open {folder}.")

    # -- ratings -----------------------------------------------------------------------------

    def rate(self, ids: list[int], stars: int) -> None:
        """Rate tracks: shown at once, then written (the write announces its Changes)."""
        if not ids:
            return
        self.model.set_ratings(ids, stars or None)
        self.work.write(lambda store: edits.rate(store, ids, stars), name="rate")

    # -- settings ----------------------------------------------------------------------------

    def open_settings(self) -> None:
        roots = self.store.roots.list()
        values = {setting: self.settings.get(setting) for setting in EDITABLE_SETTINGS}
        dialog = SettingsDialog(roots, values, self.window, outputs=self.audio_outputs())
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.save_settings(roots, dialog.roots(), dialog.values())

    def save_settings(self, old_roots: list[str], new_roots: list[str],
                      values: dict[s.Setting[Any], Any]) -> None:
        """Write edited settings and folders; a change of folders rescans."""
        added = [r for r in new_roots if r not in old_roots]
        removed = [r for r in old_roots if r not in new_roots]

        def save(store: Store) -> Changes:
            with store.db.transaction():
                changes = edits.save_settings(store, values)
                for root in added:
                    store.roots.add(root)
                gone = sum(store.roots.remove(root) or 0 for root in removed)
            return changes | Changes(tracks=bool(gone))

        def saved() -> None:
            self.show_message("Settings saved.")
            if added or removed:
                self.scan()

        self.work.write(save, done=saved, name="save settings")
