"""The Playlists section of the side list: a header with its actions and the playlists'
tree (ui/playlist_model.py), below the artists, albums and genres.

The section says what the person asks for through its signals; ui/playlist_actions.py
does it. `SideColumn` stacks the browser and this section and hides itself when both are
hidden.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.playlist_model import PlaylistModel


class PlaylistTree(QTreeView):
    """Delete removes the selected entries (or asks to delete a playlist); Enter plays."""

    delete_pressed = Signal()
    enter_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.delete_pressed.emit()
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.enter_pressed.emit()
                return
        super().keyPressEvent(event)


class PlaylistPanel(QWidget):
    """Saved playlists: pick one to see its tracks in the table, play, edit, import."""

    picked = Signal(int)  # playlist id
    play_requested = Signal(int, int)  # playlist id, entry number to start at
    enqueue_requested = Signal(int, bool)  # playlist id, True = play next
    new_requested = Signal()
    new_smart_requested = Signal()
    save_queue_requested = Signal()
    import_requested = Signal()
    export_requested = Signal(int)
    edit_query_requested = Signal(int)
    delete_requested = Signal(int)
    remove_entries_requested = Signal(int, list)  # playlist id, entry ids

    def __init__(self, model: PlaylistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        heading = QLabel("Playlists")
        heading.setObjectName("queueHeading")
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setAutoRaise(True)
        self.add_button.setToolTip("New playlist, smart playlist, or import a playlist file")
        self.add_button.setAccessibleName("Add a playlist")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        menu.addAction("New playlist…", self.new_requested.emit)
        menu.addAction("New smart playlist…", self.new_smart_requested.emit)
        menu.addAction("Save queue as playlist…", self.save_queue_requested.emit)
        menu.addSeparator()
        menu.addAction("Import playlist file…", self.import_requested.emit)
        self.add_button.setMenu(menu)
        self.tree = PlaylistTree()
        self.tree.setModel(model)
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Playlists")
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setDropIndicatorShown(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.doubleClicked.connect(self._play_at)
        self.tree.enter_pressed.connect(lambda: self._play_at(self.tree.currentIndex()))
        self.tree.delete_pressed.connect(self._delete_selected)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)

    # -- what the actions call -----------------------------------------------------------------

    def current_playlist(self) -> int | None:
        row = self.model.playlist_at(self.tree.currentIndex())
        return row.playlist.id if row is not None else None

    def select_playlist(self, playlist_id: int) -> None:
        row = self.model.row_of_playlist(playlist_id)
        if row is not None:
            self.tree.setCurrentIndex(self.model.index(row, 0))

    def clear_pick(self) -> None:
        """The table shows something else now: no playlist is picked."""
        self.tree.selectionModel().blockSignals(True)
        self.tree.clearSelection()
        self.tree.setCurrentIndex(QModelIndex())
        self.tree.selectionModel().blockSignals(False)

    def rename(self, playlist_id: int) -> None:
        """Edit the playlist's name in place."""
        row = self.model.row_of_playlist(playlist_id)
        if row is not None:
            self.tree.edit(self.model.index(row, 0))

    # -- inside --------------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.playlist_at(current)
        if row is not None:
            self.picked.emit(row.playlist.id)

    def _play_at(self, index: QModelIndex) -> None:
        row = self.model.playlist_at(index)
        if row is None:
            return
        entry = self.model.entry_at(index)
        self.play_requested.emit(row.playlist.id, index.row() if entry is not None else 0)

    def _delete_selected(self) -> None:
        indexes = self.tree.selectionModel().selectedIndexes()
        entries = [(self.model.playlist_at(i), self.model.entry_at(i)) for i in indexes]
        chosen = [(row, entry) for row, entry in entries if row is not None and entry]
        if chosen:
            owner = chosen[0][0]
            assert owner is not None
            self.remove_entries_requested.emit(owner.playlist.id, [
                entry.id for row, entry in chosen
                if entry is not None and row is not None and row.playlist.id == owner.playlist.id])
            return
        playlist = self.current_playlist()
        if playlist is not None:
            self.delete_requested.emit(playlist)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        row = self.model.playlist_at(index)
        menu = QMenu(self)
        if row is not None:
            playlist = row.playlist
            menu.addAction("Play", lambda: self._play_at(index))
            menu.addAction("Play next", lambda: self.enqueue_requested.emit(playlist.id, True))
            menu.addAction("Add to queue",
                           lambda: self.enqueue_requested.emit(playlist.id, False))
            menu.addSeparator()
            if self.model.entry_at(index) is not None:
                menu.addAction("Remove from playlist", self._delete_selected)
            menu.addAction("Rename", lambda: self.rename(playlist.id))
            if playlist.smart:
                menu.addAction("Edit query…",
                               lambda: self.edit_query_requested.emit(playlist.id))
            menu.addAction("Export…", lambda: self.export_requested.emit(playlist.id))
            menu.addAction("Delete playlist", lambda: self.delete_requested.emit(playlist.id))
            menu.addSeparator()
        menu.addAction("New playlist…", self.new_requested.emit)
        menu.addAction("New smart playlist…", self.new_smart_requested.emit)
        menu.addAction("Save queue as playlist…", self.save_queue_requested.emit)
        menu.addAction("Import playlist file…", self.import_requested.emit)
        menu.popup(self.tree.viewport().mapToGlobal(pos))


class SideColumn(QSplitter):
    """The browser above, the Playlists section below; hidden when both are hidden."""

    def __init__(self, *parts: QWidget) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.setChildrenCollapsible(False)
        for part in parts:
            self.addWidget(part)
            part.installEventFilter(self)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(len(parts) - 1, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ShowToParent, QEvent.Type.HideToParent):
            self.setVisible(any(not self.widget(i).isHidden() for i in range(self.count())))
        return False
