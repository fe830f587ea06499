"""What the window does with playlists: shows them in the side list's Playlists section,
shows a picked one in the table, plays and queues them, and makes, edits, imports and
exports them.

Every write is a function of the core (player/edits.py, player/playlist_io.py) run
through the window's one writer; the section reads the playlists again whenever a write
announces it changed them. A smart playlist is evaluated over the table's copy of the
library, again whenever ratings, plays or the library change while it is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from player import edits
from player.changes import Changes
from player.errors import QueryError, RiffleError
from player.formatting import path_text
from player.playlist_io import PlaylistImport, export_playlist, import_playlist
from player.query import parse
from player.store import Store
from ui.playlist_model import PlaylistModel, PlaylistRow
from ui.playlist_panel import PlaylistPanel, SideColumn
from ui.queue_model import describe_from

if TYPE_CHECKING:
    from ui.main_window import MainWindow

logger = logging.getLogger(__name__)

_FILES = "Playlists (*.m3u *.m3u8 *.xspf);;All files (*)"
_SPLITTER_KEY = "window/playlists_splitter"
_SHOWN_KEY = "window/playlists"


def read_playlists(store: Store) -> list[PlaylistRow]:
    """Every playlist with its entries (a smart playlist's tracks are found when shown)."""
    return [PlaylistRow(p, () if p.smart else tuple(store.playlists.entries(p.id)))
            for p in store.playlists.all()]


class PlaylistActions(QObject):
    """The Playlists section and everything it asks for, wired into *window*."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.work = window.parts.work
        self.model = PlaylistModel(describe_from(window.model, window.actions_.stored_track),
                                   self)
        self.panel = PlaylistPanel(self.model)
        self.side = SideColumn(window.browser, self.panel)
        self._showing: int | None = None  # the playlist shown in the table
        self._label = ""
        saved = window.state.bytes(_SPLITTER_KEY)
        if saved is not None:
            self.side.restoreState(saved)
        self.side.splitterMoved.connect(lambda *_: window.state.set_bytes(
            _SPLITTER_KEY, QByteArray(self.side.saveState())))
        panel, model = self.panel, self.model
        panel.picked.connect(self.show)
        panel.play_requested.connect(self.play)
        panel.enqueue_requested.connect(self.enqueue)
        panel.new_requested.connect(lambda: self.new_playlist())
        panel.new_smart_requested.connect(lambda: self.new_smart_playlist())
        panel.save_queue_requested.connect(lambda: self.save_queue())
        panel.import_requested.connect(lambda: self.import_file())
        panel.export_requested.connect(lambda pid: self.export(pid))
        panel.edit_query_requested.connect(lambda pid: self.edit_query(pid))
        panel.delete_requested.connect(lambda pid: self.delete(pid))
        panel.remove_entries_requested.connect(self.remove_entries)
        model.rename_requested.connect(self.rename)
        model.reorder_requested.connect(self.reorder)
        model.add_requested.connect(self.add_tracks)
        window.browser.picked.connect(lambda *_: self._forget())
        window.library.clear_browse.clicked.connect(self._forget)
        window.loader.loaded.connect(self._library_loaded)
        self.work.hub.subscribe(self.changed)
        self.reload()

    def add_menu_actions(self) -> None:
        """The window's menu entries: save the queue, import, and showing the section."""
        add = self.window.add_action
        menu = self.window.menu("&Riffle")
        before = next((a for a in menu.actions() if a.isSeparator()), None)
        for text, slot in (("Import playlist file…", lambda: self.import_file()),
                           ("Save queue as playlist…", lambda: self.save_queue())):
            action = add("&Riffle", text, slot)
            if before is not None:
                menu.removeAction(action)
                menu.insertAction(before, action)
        self.view_action = add("&View", "Playlists", lambda: None)
        self.view_action.setCheckable(True)
        self.view_action.toggled.connect(self.panel.setVisible)
        self.view_action.toggled.connect(lambda on: self.window.state.set_flag(_SHOWN_KEY, on))
        self.view_action.setChecked(self.window.state.flag(_SHOWN_KEY, True))
        self.panel.setVisible(self.view_action.isChecked())

    def shutdown(self) -> None:
        self.work.hub.unsubscribe(self.changed)

    # -- reading -------------------------------------------------------------------------------

    def reload(self, then: Callable[[], None] | None = None) -> None:
        def done(rows: list[PlaylistRow]) -> None:
            current = self.panel.current_playlist()
            self.model.set_rows(rows)
            if current is not None and current == self._showing:
                self.panel.tree.selectionModel().blockSignals(True)
                self.panel.select_playlist(current)
                self.panel.tree.selectionModel().blockSignals(False)
            if self._showing is not None:
                self._show_tracks(self._showing)
            if then is not None:
                then()

        self.work.read(read_playlists, done, name="read playlists")

    def changed(self, changes: Changes) -> None:
        if changes.playlists or changes.tracks:
            self.reload()
        elif self._showing is not None and (changes.ratings or changes.plays):
            row = self._row(self._showing)
            if row is not None and row.playlist.smart:
                self._show_tracks(self._showing)

    def _library_loaded(self, _data: object) -> None:
        self.model.refresh_names()
        if self._showing is not None:
            self._show_tracks(self._showing)

    def _row(self, playlist_id: int) -> PlaylistRow | None:
        number = self.model.row_of_playlist(playlist_id)
        return self.model.rows[number] if number is not None else None

    # -- showing and playing -------------------------------------------------------------------

    def track_ids(self, playlist_id: int, *, playable: bool = False) -> list[int]:
        """The tracks of a playlist as the table knows them, in order: a smart playlist's
        query evaluated now, else its entries that name a track (with *playable*, only
        those whose file is there)."""
        row = self._row(playlist_id)
        data = self.window.model.library
        if row is None:
            return []
        if row.playlist.query is not None:
            try:
                rows = data.filter(parse(row.playlist.query), range(len(data)))
            except QueryError:
                return []
            ids = [data.ids[r] for r in rows]
        else:
            ids = [e.track_id for e in row.entries if e.track_id is not None]
        if not playable:
            return ids
        return [tid for tid in ids if (r := data.row_of(tid)) is not None
                and not data.missing[r]]

    def show(self, playlist_id: int) -> None:
        """Show the playlist's tracks in the table, in its order."""
        self.window.browser.clear_pick()  # the whole library, narrowed to the playlist
        self._showing = playlist_id
        self._show_tracks(playlist_id, picked=True)

    def _show_tracks(self, playlist_id: int, *, picked: bool = False) -> None:
        """Pin the playlist's tracks in the table (again: its tracks changed), unless the
        table was sent elsewhere meanwhile (*picked*: the person just asked for it)."""
        row = self._row(playlist_id)
        window = self.window
        if row is None or (not picked and window.library.browse_label.text() != self._label):
            self._forget()
            return
        playlist = row.playlist
        missing = f" · {playlist.unmatched} not found" if playlist.unmatched else ""
        self._label = f"Playlist “{playlist.name}”{missing}"
        window.model.set_pinned(self.track_ids(playlist_id))
        window.library.show_browse(self._label)

    def _forget(self) -> None:
        if self._showing is None:
            return
        self._showing = None
        self._label = ""
        self.panel.clear_pick()

    def play(self, playlist_id: int, start: int = 0) -> None:
        row = self._row(playlist_id)
        if row is None or self.window.control is None:
            return
        if not row.playlist.smart and 0 < start < len(row.entries):
            skipped = sum(1 for e in row.entries[:start] if e.track_id is not None)
            ids = self.track_ids(playlist_id)[skipped:]
            ids = [tid for tid in ids if self._playable(tid)]
        else:
            ids = self.track_ids(playlist_id, playable=True)
        if not ids:
            self.window.show_message(f"“{row.playlist.name}” has no track to play.")
            return
        self.window.control.play_now(ids)

    def _playable(self, track_id: int) -> bool:
        data = self.window.model.library
        row = data.row_of(track_id)
        return row is not None and not data.missing[row]

    def enqueue(self, playlist_id: int, next_up: bool) -> None:
        ids = self.track_ids(playlist_id, playable=True)
        if ids and self.window.control is not None:
            self.window.control.enqueue(ids, next_up)

    # -- writing -------------------------------------------------------------------------------

    def _write(self, fn: Callable[[Store], Changes], done: Callable[[], None] | None = None,
               name: str = "playlist") -> None:
        self.work.write(fn, done=done, failed=self._failed, name=name)

    def _failed(self, exc: BaseException) -> None:
        self.window.show_message(str(exc) if isinstance(exc, RiffleError)
                                 else f"The playlist could not be saved: {exc}")

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.window, title, label, QLineEdit.EchoMode.Normal,
                                         text)
        return value.strip() if ok and value.strip() else None

    def new_playlist(self, name: str | None = None, track_ids: list[int] | None = None) -> None:
        name = name or self._ask("New playlist", "Name of the new playlist:")
        if name:
            ids = list(track_ids or [])
            self._write(lambda store: edits.create_playlist(store, name, ids),
                        name="new playlist")

    def new_smart_playlist(self, name: str | None = None, query: str | None = None) -> None:
        """A smart playlist of *query* (asked for, offering the table's filter)."""
        if query is None:
            query = self._ask("New smart playlist", "Tracks that match (as in the filter box, "
                              "for example rating:>=4 plays:<3):",
                              self.window.model.filter_text)
        if not query:
            return
        try:
            parse(query)
        except QueryError as exc:
            self.window.show_message(str(exc))
            return
        name = name or self._ask("New smart playlist", "Name of the smart playlist:", query)
        if name:
            self._write(lambda store: edits.create_playlist(store, name, query=query),
                        name="new smart playlist")

    def edit_query(self, playlist_id: int, query: str | None = None) -> None:
        row = self._row(playlist_id)
        if row is None or not row.playlist.smart:
            return
        query = query or self._ask("Edit smart playlist", f"Tracks “{row.playlist.name}” "
                                   "holds:", row.playlist.query or "")
        if query:
            self._write(lambda store: edits.set_playlist_query(store, playlist_id, query),
                        name="edit smart playlist")

    def save_queue(self, name: str | None = None) -> None:
        """The queue as it is now (the playing track, then what is queued and picked) as a
        new playlist."""
        control = self.window.control
        if control is None:
            return
        queue = control.queue
        ids = [e.track_id for e in (queue.current, *queue.upcoming) if e is not None]
        if not ids:
            self.window.show_message("The queue is empty: nothing to save.")
            return
        name = name or self._ask("Save queue as playlist", "Name of the new playlist:")
        if name:
            self.new_playlist(name, ids)

    def rename(self, playlist_id: int, name: str) -> None:
        self._write(lambda store: edits.rename_playlist(store, playlist_id, name),
                    name="rename playlist")

    def delete(self, playlist_id: int, *, ask: bool = True) -> None:
        row = self._row(playlist_id)
        if row is None:
            return
        if ask and QMessageBox.question(
                self.window, "Delete playlist",
                f"Delete the playlist “{row.playlist.name}”? Its tracks stay in the "
                "library.") != QMessageBox.StandardButton.Yes:
            return
        if self._showing == playlist_id:
            self.window.show_all()
        self._write(lambda store: edits.delete_playlist(store, playlist_id),
                    name="delete playlist")

    def remove_entries(self, playlist_id: int, entry_ids: list[int]) -> None:
        self._write(lambda store: edits.remove_from_playlist(store, playlist_id, entry_ids),
                    name="remove from playlist")

    def reorder(self, playlist_id: int, entry_ids: list[int]) -> None:
        self._write(lambda store: edits.reorder_playlist(store, playlist_id, entry_ids),
                    name="reorder playlist")

    def add_tracks(self, playlist_id: int, track_ids: list[int], at: int = -1) -> None:
        self._write(lambda store: edits.add_to_playlist(store, playlist_id, track_ids,
                                                        at if at >= 0 else None),
                    name="add to playlist")

    # -- files ---------------------------------------------------------------------------------

    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Import a playlist", "", _FILES)
        if not path:
            return
        reports: list[PlaylistImport] = []

        def run(store: Store) -> Changes:
            report, changes = import_playlist(store, path)
            reports.append(report)
            return changes

        def done() -> None:
            report = reports[0]
            found = sum(report.matched.values())
            lost = len(report.unmatched)
            self.window.show_message(
                f"Imported “{report.name}”: {found} of {report.entries} entries found"
                + (f"; {lost} not found (kept, greyed)" if lost else "") + ".")
            self.reload(lambda: self.panel.select_playlist(report.playlist_id))

        self._write(run, done, name="import playlist")

    def export(self, playlist_id: int, path: str | None = None) -> None:
        row = self._row(playlist_id)
        if row is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.window, "Export playlist", f"{row.playlist.name}.m3u8", _FILES)
        if not path:
            return
        playlist = row.playlist

        def run(store: Store) -> Any:
            return export_playlist(store, playlist, path, force=True)

        self.work.read(run, lambda count: self.window.show_message(
            f"Wrote {count} entries of “{playlist.name}” to {path_text(path)}."),
            failed=self._failed, name="export playlist")
