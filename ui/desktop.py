"""Riffle among the other programs of a Linux desktop, wired to one window in one place.

`Desktop` builds and connects, for a MainWindow: MPRIS on the session bus (ui/mpris.py),
desktop notifications (ui/notifications.py), the tray (ui/tray.py), the watched library
folders (ui/folder_watch.py), files handed over by a second `riffle` or dropped on the
window (ui/open_files.py, ui/single_instance.py), and the sound output setting applied
live. Each part works without the others: no session bus, no tray or no player leaves
the rest as it is.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from player import settings as s
from player.backend import PlayerState
from player.changes import Changes
from player.models import Track
from player.paths import default_cache_dir
from ui.cover_files import CoverFiles
from ui.dbus_link import SessionBus
from ui.folder_watch import FolderWatch
from ui.handover import OpenRequest
from ui.main_window import MainWindow
from ui.mpris import Mpris, MprisHooks
from ui.notifications import Notifier
from ui.open_files import FileOpener
from ui.tray import Tray, TrayMenu, raise_window

logger = logging.getLogger(__name__)


class Desktop(QObject):
    """The desktop parts of *window* (see the module docstring)."""

    def __init__(self, window: MainWindow, *, bus: SessionBus | None = None,
                 cache_dir: Path | None = None, use_tray: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.control = window.control
        self.settings = window.actions_.settings
        work = window.parts.work
        self.covers = CoverFiles(work, (cache_dir or default_cache_dir()) / "covers")
        self.watch = FolderWatch(window.store.roots.list, window.actions_.jobs, self)
        self.bus = bus
        self._use_tray = use_tray
        self.mpris: Mpris | None = None
        self.notifier: Notifier | None = None
        self.tray: Tray | None = None
        self.opener: FileOpener | None = None
        self._notified: int | None = None
        self._pending: list[OpenRequest] = []
        self._loaded = window.loader.loads > 0
        self._closed = False
        lib = window.actions_
        lib.jobs.scan_finished.connect(lambda _r: self.watch.update())
        work.hub.subscribe(self._changed)
        window.loader.loaded.connect(self._library_loaded)
        if self.control is not None:
            self._add_player()
        self.watch.update()

    def _add_player(self) -> None:
        control, window = self.control, self.window
        assert control is not None and window.bar is not None
        session = control.session
        self.opener = FileOpener(window.parts.work, control.play_now, control.enqueue,
                                 window.show_message, self)
        window.files_dropped.connect(lambda paths: self.open(OpenRequest(paths, False)))
        window.actions_.audio_outputs = session.backend.audio_outputs
        if self.bus is not None:
            self.mpris = Mpris(self.bus, session, MprisHooks(
                raise_window=lambda: raise_window(window), quit=self.quit,
                set_volume=window.bar.volume.setValue,
                shuffle=lambda: session.queue.auto_enabled, set_shuffle=control.set_auto,
                set_repeat=window.modes.set_repeat,
                open_paths=lambda paths, play: self.open(OpenRequest(paths, play)),
                art_url=self._art_url), self)
            if not self.mpris.start():
                logger.warning("MPRIS: the bus name is taken; media keys stay off")
                self.mpris = None
            self.notifier = Notifier(self.bus)
        if self.mpris is not None:
            session.queue.listeners.append(self._refresh)
            window.bar.volume.valueChanged.connect(lambda _v: self._refresh())
            window.bar.mute.toggled.connect(lambda _m: self._refresh())
            window.queue_panel.auto_toggled.connect(lambda _on: self._refresh())
            self._bridge().position_changed.connect(self.mpris.position_moved)
        if self._use_tray and Tray.available():
            menu = TrayMenu(control.toggle, control.next, control.previous,
                            lambda: self.tray.show_hide() if self.tray else None, self.quit)
            self.tray = Tray(window, window.windowIcon(), menu, self)
            self.tray.close_to_tray = self.settings.get(s.CLOSE_TO_TRAY)
            self.tray.show()
        session.listeners.append(self._session_changed)
        self._session_changed()

    def _bridge(self) -> Any:
        player = self.window.parts.player
        assert player is not None
        return player.bridge

    # -- requests from outside ---------------------------------------------------------------

    def open(self, request: OpenRequest) -> None:
        """Files or folders from a second `riffle`, a drop or OpenUri: queue them (or play
        them now) and bring the window to the front."""
        raise_window(self.window)
        if self.opener is None or not request.paths:
            return
        if not self._loaded:  # the first read of the library is not on screen yet
            self._pending.append(request)
            return
        self.opener.open(request.paths, request.play)

    def _library_loaded(self, _data: object) -> None:
        self._loaded = True
        pending, self._pending = self._pending, []
        for request in pending:
            self.open(request)

    def quit(self) -> None:
        """Quit Riffle (the tray's and MPRIS's Quit), whatever close-to-tray says."""
        if self.tray is not None:
            self.tray.quitting = True
        self.window.close()
        QApplication.quit()

    # -- following the player ----------------------------------------------------------------

    def _refresh(self) -> None:
        if self.mpris is not None:
            self.mpris.refresh()

    def _session_changed(self) -> None:
        control = self.control
        assert control is not None
        session = control.session
        track = session.track
        self._refresh()
        if self.tray is not None:
            text = f"{track.display_title} — {track.display_artist}" if track else ""
            self.tray.show_state(text, session.state is PlayerState.PLAYING)
        if track is None or track.id is None:
            return
        if not self.covers.looked_up(track.path):
            self.covers.find(track.path, lambda _p: self._refresh())
        if session.started and session.state is PlayerState.PLAYING \
                and self._notified != session.tracker.play_id:
            self._notified = session.tracker.play_id
            if self.notifier is not None and self.settings.get(s.NOTIFY):
                self.covers.find(track.path, lambda cover, t=track: self._notify(t, cover))

    def _notify(self, track: Track, cover: Path | None) -> None:
        if self.notifier is None:
            return
        details = track.display_artist + (f" — {track.album}" if track.album else "")
        self.notifier.show(track.display_title, details, cover)

    def _art_url(self, track: Track) -> str:
        cover = self.covers.known(track.path)
        return cover.as_uri() if cover is not None else ""

    # -- settings ----------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        """A rating shows on the desktop's widgets; saved settings take effect (the sound
        output itself is the player's: player/assembly.py)."""
        if changes.ratings and self.mpris is not None:
            self._refresh()
        values = changes.settings
        if not values:
            return
        if self.tray is not None and s.CLOSE_TO_TRAY.key in values:
            self.tray.close_to_tray = bool(values[s.CLOSE_TO_TRAY.key])
        QTimer.singleShot(0, self._watch_again)

    def _watch_again(self) -> None:
        if not self._closed:  # the library folders may have changed
            self.watch.update()

    def shutdown(self) -> None:
        """Stop watching and leave the bus (the window is closing)."""
        self._closed = True
        self.window.parts.work.hub.unsubscribe(self._changed)
        self.watch.stop()
        if self.control is not None:
            session = self.control.session
            for listeners, listener in ((session.listeners, self._session_changed),
                                        (session.queue.listeners, self._refresh)):
                if listener in listeners:
                    listeners.remove(listener)
        if self.tray is not None:
            self.tray.hide()
        if self.bus is not None:
            self.bus.close()
