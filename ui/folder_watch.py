"""The library folders, watched: a file added, edited, moved or removed there is scanned
within moments, alone with its folder, not with a full rescan.

watchdog (inotify on Linux) reports changes on its own thread; they are collected under a
lock and a queued signal wakes the GUI thread, which waits for the burst to settle
(SETTLE_MS: a copy of an album is one scan, not twenty) and asks LibraryJobs to scan the
folders `player.changed_folders` picks. A library folder that vanishes (an unmounted disk)
is never scanned as deleted: the scanner leaves an absent or empty library folder alone.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from player.changed_folders import folders_to_scan
from player.tags import AUDIO_EXTENSIONS
from ui.library_jobs import LibraryJobs

logger = logging.getLogger(__name__)

#: Quiet time after the last change before its folders are scanned, in milliseconds.
SETTLE_MS = 400


class _Collector(FileSystemEventHandler):
    """watchdog's thread: note the paths that changed, wake the GUI thread."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._lock = threading.Lock()
        self._paths: set[str] = set()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reads (our own scans among them) change nothing
        if event.is_directory and event.event_type == "modified":
            return  # a folder's listing changed: the event of the file itself says which
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        noted = False
        with self._lock:
            for raw in paths:
                path = os.fsdecode(raw)
                if path and (event.is_directory or _is_audio(path)):
                    self._paths.add(path)
                    noted = True
        if noted:
            self._wake()

    def take(self) -> set[str]:
        with self._lock:
            paths, self._paths = self._paths, set()
        return paths


def _is_audio(path: str) -> bool:
    name = path.lower()
    return any(name.endswith(ext) for ext in AUDIO_EXTENSIONS)


class FolderWatch(QObject):
    """Watches the library folders and scans what changes (see the module docstring)."""

    _woken = Signal()
    #: The folders about to be scanned (for the status line and tests).
    scanning = Signal(list)

    def __init__(self, roots: Callable[[], list[str]], jobs: LibraryJobs,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._roots = roots
        self._jobs = jobs
        self._collector = _Collector(self._woken.emit)
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self._watched: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settled)
        self._woken.connect(self._timer.start, Qt.ConnectionType.QueuedConnection)

    @property
    def watched(self) -> list[str]:
        return list(self._watched)

    def update(self) -> None:
        """Watch the library folders as they are now (after folders were added or
        removed); a folder that is not there now is watched once it is scanned again."""
        roots = sorted(r for r in self._roots() if os.path.isdir(r))
        if roots == self._watched and self._observer is not None:
            return
        self.stop()
        if not roots:
            return
        observer = Observer()
        for root in roots:
            try:
                observer.schedule(self._collector, root, recursive=True)
            except OSError as exc:  # no inotify watches left, permissions
                logger.warning("cannot watch %s for changes: %s", root, exc)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self._watched = roots
        logger.info("watching %d library folder(s) for changes", len(roots))

    def stop(self) -> None:
        observer, self._observer = self._observer, None
        self._watched = []
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)

    def _settled(self) -> None:
        changed = self._collector.take()
        folders = folders_to_scan(changed, self._roots())
        if not folders:
            return
        logger.info("changed on disk: scanning %s", ", ".join(folders))
        self.scanning.emit(folders)
        self._jobs.scan(folders=folders)
