"""Riffle's main window: lays out the panels, owns the menus and keys, remembers the layout.

The panels (library table, side list, queue, now-playing bar, status) live in their own
modules; library work is in library_actions.py, the player wiring in player_control.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from player.changes import Changes
from player.formatting import artist_title, why_lines
from player.formatting import stars as stars_text
from player.models import UNKNOWN_ARTIST
from player.paths import default_cache_dir
from player.queue_types import Why
from ui.about import show_about
from ui.album_view import COVER, AlbumView
from ui.browser import BrowserPanel
from ui.cover_thumbnails import CoverThumbnails
from ui.library_actions import LibraryActions
from ui.library_data import LibraryData
from ui.library_jobs import SimilarTrack
from ui.library_model import LibraryModel
from ui.library_view import ALBUMS, TRACKS, LibraryPanel
from ui.now_playing import NowPlayingBar
from ui.playback_modes import PlaybackModes, show_shortcuts
from ui.player_control import PlayerControl
from ui.playlist_actions import PlaylistActions
from ui.queue_model import QueueModel, describe_from
from ui.queue_panel import QueuePanel
from ui.status import JobStatus
from ui.taste_map_panel import TasteMapPanel, add_taste_map
from ui.welcome import WelcomePage
from ui.why_dialog import WhyDialog
from ui.window_parts import PlayerParts, WindowParts

logger = logging.getLogger(__name__)

APP_TITLE = "Riffle"
#: How many similar tracks "Similar tracks" lists.
SIMILAR_COUNT = 50


class MainWindow(QMainWindow):
    """Side list | library table | queue, with the now-playing bar below."""

    #: Audio files dropped on the window (folders are added to the library instead).
    files_dropped = Signal(list)

    def __init__(self, parts: WindowParts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts = parts
        self.store = parts.store
        self.loader = parts.loader
        self.state = parts.state
        self.setWindowIcon(parts.icon)
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.resize(1200, 760)

        self.model = LibraryModel(self)
        self.thumbnails = CoverThumbnails(
            parts.work, (parts.cache_dir or default_cache_dir()) / "thumbnails", COVER, self)
        self.library = LibraryPanel(self.model, parts.state, AlbumView(self.thumbnails))
        self.browser = BrowserPanel()
        self.welcome = WelcomePage(parts.icon, parts.suggested_folder)
        self.job_status = JobStatus()
        self.not_learning = QLabel("Not learning from what plays")
        self.not_learning.setObjectName("notLearning")
        self.not_learning.setToolTip("Playback ▸ Don't learn from what plays")
        self.not_learning.hide()
        self.statusBar().addPermanentWidget(self.not_learning)
        self.statusBar().addPermanentWidget(self.job_status)
        self.actions_ = LibraryActions(self, parts.store, parts.work, parts.jobs, self.model,
                                       self.job_status, self.show_message)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.playlists = PlaylistActions(self)  # the side list: browser, then Playlists
        self.splitter.addWidget(self.playlists.side)
        self.centre = QTabWidget()  # the library table, and the taste map beside it
        self.centre.setDocumentMode(True)
        self.centre.addTab(self.library, "Library")
        self.splitter.addWidget(self.centre)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.splitter)
        self.why_dialog: WhyDialog | None = None
        self.taste_map: TasteMapPanel | None = None
        self.bar: NowPlayingBar | None = None
        self.queue_panel: QueuePanel | None = None
        self.control: PlayerControl | None = None
        if parts.player is not None:
            self._add_player(parts.player)
        # a narrower window takes from the side list and the queue too, not only the table
        for pane, stretch in enumerate((2, 9, 3)[:self.splitter.count()]):
            self.splitter.setStretchFactor(pane, stretch)
        self.splitter.setSizes([180, 810, 270][:self.splitter.count()])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 6, 6, 0)
        column.setSpacing(4)
        column.addWidget(self.pages, 1)
        if self.bar is not None:
            column.addWidget(self.bar)
        self.setCentralWidget(central)

        self._make_actions()
        self.playlists.add_menu_actions()
        self._connect()
        self._restore_layout()
        self._choose_page()
        self.loader.reload()
        self.actions_.problems.refresh()

    # -- building ----------------------------------------------------------------------------

    def _add_player(self, parts: PlayerParts) -> None:
        self.bar = NowPlayingBar()
        queue_model = QueueModel(parts.player.queue,
                                 describe_from(self.model, self.actions_.stored_track), self,
                                 ready=lambda: self.model.loaded)
        self.queue_panel = QueuePanel(queue_model)
        self.splitter.addWidget(self.queue_panel)
        self.control = PlayerControl(parts, self.bar, self.queue_panel, self.model,
                                     self.parts.work, self.actions_.settings, parent=self)
        self._add_taste_map(self.control)

    def _add_taste_map(self, control: PlayerControl) -> None:
        """The taste map tab, sonic paths and flow order (ui/taste_map_panel.py)."""
        assert self.queue_panel is not None
        self.taste_map = add_taste_map(self.centre, control, self.parts.work, self.store,
                                       self.model, self.library, self.queue_panel,
                                       self.parts.map_cache, self.show_message)

    def add_action(self, menu: str, text: str, slot: Callable[[], Any],
                   keys: QKeySequence | str | list[Any] | None = None,
                   context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QAction:
        """An action in a menu, and on the window so its keys work everywhere in it."""
        action = QAction(text, self)
        action.triggered.connect(lambda *_: slot())
        if keys is not None:
            action.setShortcuts(keys if isinstance(keys, list) else [QKeySequence(keys)])
            action.setShortcutContext(context)
        self._menus[menu].addAction(action)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        self._menus = {name: bar.addMenu(name)
                       for name in ("&Riffle", "&Playback", "&View", "&Help")}
        add, lib = self.add_action, self.actions_
        add("&Riffle", "Add music folder…", lib.choose_folder)
        add("&Riffle", "Scan library folders", lib.scan, "F5")
        add("&Riffle", "Cancel background work", lib.jobs.cancel)
        add("&Riffle", "Files with problems…", lib.show_errors)
        self._menus["&Riffle"].addSeparator()
        add("&Riffle", "Settings…", lib.open_settings, "Ctrl+,")
        add("&Riffle", "Quit", self.close, QKeySequence.StandardKey.Quit)
        control = self.control
        if control is not None:
            app = Qt.ShortcutContext.ApplicationShortcut
            add("&Playback", "Play / pause", control.toggle,
                [QKeySequence("Space"), QKeySequence(Qt.Key.Key_MediaPlay),
                 QKeySequence(Qt.Key.Key_MediaTogglePlayPause),
                 QKeySequence(Qt.Key.Key_MediaPause)], app)
            add("&Playback", "Next", control.next,
                [QKeySequence("Ctrl+Right"), QKeySequence(Qt.Key.Key_MediaNext)], app)
            add("&Playback", "Previous", control.previous,
                [QKeySequence("Ctrl+Left"), QKeySequence(Qt.Key.Key_MediaPrevious)], app)
            self._menus["&Playback"].addSeparator()
            self.modes = PlaybackModes(self, control, self.parts.work, self.actions_.settings)
            self.learn_action = add("&Playback", "Don't learn from what plays", lambda: None)
            self.learn_action.setCheckable(True)
            self.learn_action.setToolTip("Plays are still logged, but the auto-shuffle learns "
                                         "nothing from them (someone else is listening)")
            self.learn_action.toggled.connect(self.set_learning)
            self._menus["&Playback"].addSeparator()
        for stars in range(5, -1, -1):
            add("&Playback", "Clear rating" if stars == 0 else "Rate " + stars_text(stars),
                lambda n=stars: self.rate_key(n), str(stars))
        add("&View", "Find in library", self.library.focus_filter,
            QKeySequence.StandardKey.Find)
        add("&View", "Go to playing track", self.show_playing, "Ctrl+J")
        add("&View", "Library", lambda: self.centre.setCurrentIndex(0), "Ctrl+1")
        if self.taste_map is not None:
            add("&View", "Taste map", lambda: self.centre.setCurrentWidget(self.taste_map),
                "Ctrl+2")
        self.albums_action = add("&View", "Album covers", lambda: None, "Ctrl+B")
        self.albums_action.setCheckable(True)
        self.albums_action.setChecked(self.library.view == ALBUMS)
        self.albums_action.toggled.connect(
            lambda on: self.library.set_view(ALBUMS if on else TRACKS))
        self.browser_action = self._toggle_action("Side list", self.browser)
        if self.queue_panel is not None:
            self.queue_action = self._toggle_action("Queue", self.queue_panel, "Ctrl+U")
        add("&Help", "Keyboard shortcuts", lambda: show_shortcuts(self, self.actions), "F1")
        add("&Help", "About Riffle", lambda: show_about(self))

    def menu(self, name: str) -> QMenu:
        """The window's menu *name* ("&Playback", ...), for parts that add their actions."""
        return self._menus[name]

    def _toggle_action(self, text: str, widget: QWidget, keys: str | None = None) -> QAction:
        action = self.add_action("&View", text, lambda: None, keys)
        action.setCheckable(True)
        action.toggled.connect(widget.setVisible)
        return action

    def _connect(self) -> None:
        lib = self.actions_
        self.loader.loaded.connect(self._library_loaded)
        self.parts.work.hub.subscribe(self._changed)
        lib.jobs.rows_arrived.connect(self.loader.reload)
        lib.folders_added.connect(lambda: self.pages.setCurrentIndex(1))
        self.parts.work.unhandled_error.connect(self.show_message)
        self.welcome.start_requested.connect(lib.add_folders)
        self.browser.picked.connect(self._browse)
        self.library.clear_browse.clicked.connect(self.show_all)
        self.library.rate_requested.connect(lib.rate)
        self.library.reveal_requested.connect(lib.reveal)
        self.library.similar_requested.connect(self.show_similar)
        self.library.why_requested.connect(self.show_why)
        self.library.properties_requested.connect(lib.show_properties)
        self.library.view_changed.connect(
            lambda view: self.albums_action.setChecked(view == ALBUMS))
        lib.jobs.progress.connect(lambda _p: self._empty_library_hint())
        lib.jobs.idle.connect(self._empty_library_hint)
        control = self.control
        if control is not None:
            self.library.play_requested.connect(control.play_now)
            self.library.enqueue_requested.connect(control.enqueue)
            control.playing_text.connect(self._show_playing_text)
            control.message.connect(self.show_message)
            assert self.queue_panel is not None and self.bar is not None
            self.queue_panel.rated.connect(lambda tid, n: lib.rate([tid], n))
            self.bar.rated.connect(self._rate_playing)
            self.bar.cover_clicked.connect(self.show_playing)
            self.queue_panel.why_requested.connect(
                lambda key: self.show_why(self.queue_panel.model.entry_by_key(key).track_id,
                                          key))

    # -- reacting ----------------------------------------------------------------------------

    def _choose_page(self) -> None:
        has_music = bool(self.store.roots.list()) or len(self.model.library) > 0
        self.pages.setCurrentIndex(1 if has_music else 0)
        if self.bar is not None:
            self.bar.setVisible(has_music)
        self._empty_library_hint()

    def _empty_library_hint(self) -> None:
        if len(self.model.library) == 0:
            self.library.set_library_hint(self.actions_.empty_library_hint())

    def _library_loaded(self, data: LibraryData) -> None:
        self.thumbnails.forget()
        self.model.set_library(data)
        self.browser.set_library(data)
        if self.queue_panel is not None:
            self.queue_panel.model.refresh()
        if self.control is not None:
            self.control.refresh()
        self._choose_page()

    def _changed(self, changes: Changes) -> None:
        """The library's tracks (or which of them play) changed: read the table and the
        problem files again."""
        if changes.tracks or changes.playability:
            self.loader.reload()
            self.actions_.problems.refresh()

    def _browse(self, picks: list[tuple[str, str]], label: str) -> None:
        self._unpin()
        self.model.set_browse(picks)
        self.library.show_browse(label)

    def show_all(self) -> None:
        """Leave the side-list pick, the album or the similar tracks: the whole library."""
        self._unpin()
        self.browser.clear_pick()
        self.model.set_browse([])
        self.model.set_album(None)
        self.library.show_browse("")

    def _unpin(self) -> None:
        if self.model.pinned:
            self.model.set_pinned(None)
            self.library.table.show_similar_columns(False)

    def _show_playing_text(self, text: str) -> None:
        self.setWindowTitle(f"{text} · {APP_TITLE}" if text else APP_TITLE)

    def rate_key(self, stars: int) -> None:
        """Keys 0–5: the selected rows of the view that has focus (the table or the queue),
        else the playing track."""
        ids: list[int] = []
        if self.library.table.hasFocus():
            ids = self.library.selected_ids()
        elif self.queue_panel is not None and self.queue_panel.list.hasFocus():
            ids = self.queue_panel.selected_track_ids()
        playing = self.control.playing_id() if self.control is not None else None
        if not ids and playing is not None:
            ids = [playing]
        self.actions_.rate(ids, stars)

    def _rate_playing(self, stars: int) -> None:
        playing = self.control.playing_id() if self.control is not None else None
        if playing is not None:
            self.actions_.rate([playing], stars)

    def show_playing(self) -> None:
        playing = self.control.playing_id() if self.control is not None else None
        if playing is not None and not self.library.select_track(playing):
            self.show_message("The playing track is hidden by the filter or the side list.")

    def show_similar(self, track_id: int) -> None:
        """Show the tracks that sound most like this one (found off the GUI thread)."""
        similar = self.parts.similar
        data = self.model.library
        row = data.row_of(track_id)
        title = data.titles[row] if row is not None else f"track {track_id}"
        if similar is None:
            self.show_message("This Riffle cannot compare how tracks sound.")
            return
        self.show_message(f"Looking for tracks that sound like “{title}”…")
        self.parts.work.run(lambda ctx: similar(ctx, track_id, SIMILAR_COUNT),
                            on_result=lambda found: self._similar_found(track_id, title, found),
                            name="similar tracks")

    def _similar_found(self, track_id: int, title: str, found: list[SimilarTrack]) -> None:
        """List the track and those that sound like it, nearest first, with how far each
        is and what they share (as `riffle similar` prints them)."""
        if not found:
            self.show_message(f"Riffle has not listened to “{title}” yet: similar tracks "
                              "appear once the library has been analysed.")
            return
        self.library.set_view(TRACKS)
        self.model.set_pinned([track_id, *(s.track_id for s in found)],
                              {s.track_id: (s.distance, s.shared) for s in found})
        self.library.table.show_similar_columns(True)
        self.library.show_browse(f"Sounds like “{title}”")
        self.statusBar().clearMessage()

    def set_learning(self, off: bool) -> None:
        """"Don't learn from what plays": on for this run of Riffle only."""
        if self.control is not None:
            self.control.session.set_learning(not off)
        self.not_learning.setVisible(off)

    def show_why(self, track_id: int, key: int | None = None) -> None:
        """Why the auto-shuffle would (not) pick this track next, or in the place of queue
        entry *key*; worked out off the GUI thread, shown in a dialog."""
        if self.control is None:
            return
        data = self.model.library
        row = data.row_of(track_id)
        heading = (artist_title(data.artists[row] or UNKNOWN_ARTIST, data.titles[row])
                   if row is not None else f"Track {track_id}")

        def show(why: Why | None) -> None:
            lines = why_lines(why) if why is not None else [
                "The auto-shuffle is still reading the library; ask again in a moment."]
            self.why_dialog = WhyDialog(heading, lines, self)
            self.why_dialog.show()

        self.control.explain(track_id, key, show)

    def show_message(self, text: str) -> None:
        logger.info("%s", text)
        self.statusBar().showMessage(text, 8000)


    # -- dropping folders --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() and os.path.exists(url.toLocalFile())
               for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        local = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        folders = [path for path in local if os.path.isdir(path)]
        files = [path for path in local if os.path.isfile(path)]
        if files and self.control is not None:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
        if not folders:
            return
        event.acceptProposedAction()
        if self.pages.currentWidget() is self.welcome:
            for folder in folders:
                self.welcome.add_folder(folder)
        else:
            self.actions_.add_folders(folders)
            self.show_message("Adding " + ", ".join(folders))

    # -- layout memory -----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        for key, restore in (("window/geometry", self.restoreGeometry),
                             ("window/state", self.restoreState),
                             ("window/splitter", self.splitter.restoreState)):
            saved = self.state.bytes(key)
            if saved is not None:
                restore(saved)
        self.browser_action.setChecked(self.state.flag("window/browser", True))
        self.browser.setVisible(self.browser_action.isChecked())
        if self.queue_panel is not None:
            self.queue_action.setChecked(self.state.flag("window/queue", True))
            self.queue_panel.setVisible(self.queue_action.isChecked())
        self.browser.set_current_tab(self.state.number("window/browse_tab", 0))

    def save_layout(self) -> None:
        self.state.set_bytes("window/geometry", QByteArray(self.saveGeometry()))
        self.state.set_bytes("window/state", QByteArray(self.saveState()))
        self.state.set_bytes("window/splitter", QByteArray(self.splitter.saveState()))
        self.state.set_flag("window/browser", self.browser_action.isChecked())
        if self.queue_panel is not None:
            self.state.set_flag("window/queue", self.queue_action.isChecked())
        self.state.set_number("window/browse_tab", self.browser.current_tab())
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.parts.work.hub.unsubscribe(self._changed)
        self.playlists.shutdown()
        self.actions_.jobs.cancel()
        if self.taste_map is not None:
            self.taste_map.shutdown()
        if self.control is not None:
            self.control.shutdown()
        if self.queue_panel is not None:
            self.queue_panel.model.detach()
        event.accept()

