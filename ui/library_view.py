"""The library panel: the filter box above the table of every track, or the album covers
above the tracks of the album picked.

It shows and asks; what a request means (playing, queueing, rating) is decided by the
window's wiring in main_window.py, through the signals below. When the table is empty it
says why: the library is being read, it has no folder or no music yet, or nothing matches
the filter (and a filter that cannot be read says what is wrong with it).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.errors import QueryError
from player.formatting import star_bar
from ui.album_view import AlbumView
from ui.library_columns import Column
from ui.library_model import RATING_ROLE, LibraryModel
from ui.plain_text import ElidedLabel, plain_label
from ui.stars import StarDelegate
from ui.track_table import TrackTable
from ui.window_state import WindowState

logger = logging.getLogger(__name__)

FILTER_HINT = ("Filter: words, artist:…, album:…, genre:…, year:1990..1999, rating:>=4, "
               "plays:>10   (Ctrl+F)")
_VIEW_KEY = "library/view"
TRACKS, ALBUMS = "tracks", "albums"
READING = "Reading the library…"
#: The album covers follow the filter once typing pauses this long (milliseconds).
ALBUMS_AFTER_MS = 150


class FilterBox(QLineEdit):
    """The filter box; Escape empties it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class LibraryPanel(QWidget):
    """Filter box, what the table is narrowed to, the result count; the album covers (in
    the album view) and the library table."""

    play_requested = Signal(list)  # track ids: play the first now, the rest after it
    enqueue_requested = Signal(list, bool)  # track ids, True = play next (before the rest)
    rate_requested = Signal(list, int)  # track ids, stars 0–5
    reveal_requested = Signal(str)  # a file path to show in its folder
    similar_requested = Signal(int)  # a track id
    why_requested = Signal(int)  # a track id: why the auto-shuffle would (not) pick it
    path_requested = Signal(int)  # a track id: a sonic path from what plays to it
    flow_requested = Signal(list, bool)  # track ids in flow order: True plays now, else queue
    properties_requested = Signal(int)  # a track id: show its file's properties
    view_changed = Signal(str)  # TRACKS or ALBUMS

    def __init__(self, model: LibraryModel, state: WindowState,
                 albums: AlbumView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._state = state
        self._pick_label = ""  # what the side list narrows to
        self._album_label = ""  # the album picked in the album view
        self._library_hint = ""  # why the library itself is empty, from the window

        self.filter_box = FilterBox()
        self.filter_box.setPlaceholderText(FILTER_HINT)
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName("Filter the library")
        self.filter_box.setMinimumWidth(220)  # a long pick gives way, never the filter
        self.filter_box.textChanged.connect(self._filter_changed)
        self.filter_problem = plain_label(QLabel())
        self.filter_problem.setObjectName("filterProblem")
        self.filter_problem.setWordWrap(True)
        self.filter_problem.hide()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.browse_label = ElidedLabel(widest=320)
        self.browse_label.setObjectName("browseLabel")
        self.clear_browse = QToolButton()
        self.clear_browse.setText("Show all")
        self.clear_browse.setAutoRaise(True)
        self.clear_browse.hide()
        self.views = QButtonGroup(self)
        view_row = QHBoxLayout()
        view_row.setSpacing(0)
        for number, (name, tip) in enumerate((("Tracks", "Every track in a table"),
                                              ("Albums", "Albums by their covers (Ctrl+B)"))):
            button = QToolButton()
            button.setText(name)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setObjectName("segment")
            self.views.addButton(button, number)
            view_row.addWidget(button)
        self.views.button(0).setChecked(True)
        self.views.idToggled.connect(lambda number, on: on and self.set_view(
            (TRACKS, ALBUMS)[number]))

        self.table = TrackTable(state)
        self.table.setModel(model)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated_ids.connect(lambda idx: self._activated(idx[0]))
        self.stars = StarDelegate(RATING_ROLE, self.table)
        self.stars.rated.connect(self._star_clicked)
        self.table.setItemDelegateForColumn(Column.RATING, self.stars)
        self.table.setup_columns()

        self.albums = albums
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        if albums is not None:
            self.split.addWidget(albums)
            albums.album_clicked.connect(self._album_clicked)
            albums.play_requested.connect(self.play_requested)
            albums.enqueue_requested.connect(self.enqueue_requested)
            albums.hide()
        self.split.addWidget(self.table)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(self.split.count() - 1, 2)

        model.count_changed.connect(self._count_changed)
        self._albums_later = QTimer(self)
        self._albums_later.setSingleShot(True)
        self._albums_later.setInterval(ALBUMS_AFTER_MS)
        self._albums_later.timeout.connect(self._show_albums)
        model.scope_changed.connect(self._scope_changed)
        model.modelAboutToBeReset.connect(self._remember_current)
        model.modelReset.connect(self._restore_current)
        self._current_id: int | None = None

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.browse_label)
        top.addWidget(self.clear_browse)
        top.addWidget(self.count_label)
        if albums is not None:
            top.addLayout(view_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.filter_problem)
        layout.addWidget(self.split, 1)
        self._update_empty()
        if albums is not None and state.text(_VIEW_KEY, TRACKS) == ALBUMS:
            self.views.button(1).setChecked(True)

    # -- what the window calls ---------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def selected_ids(self) -> list[int]:
        """Selected tracks in the table's order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return self.model.track_ids(rows)

    def show_browse(self, label: str) -> None:
        """Say what the side list narrows the table to ('' when nothing); a new pick
        leaves the album picked in the album view."""
        self._pick_label = label
        self._album_label = ""
        self._show_labels()

    def set_library_hint(self, text: str) -> None:
        """What the table says when the library has no tracks at all (no folder yet, a
        scan under way, folders without music)."""
        self._library_hint = text
        self._update_empty()

    @property
    def view(self) -> str:
        """TRACKS or ALBUMS."""
        return ALBUMS if self.albums is not None and self.albums.isVisible() else TRACKS

    def set_view(self, view: str) -> None:
        """Show the table alone (TRACKS) or the album covers above it (ALBUMS)."""
        if self.albums is None:
            return
        albums = view == ALBUMS
        self.views.button(1 if albums else 0).setChecked(True)
        if albums == self.albums.isVisible():
            return
        self.albums.setVisible(albums)
        if albums:
            self._show_albums()
        elif self.model.album is not None:
            self.model.set_album(None)
            self._album_label = ""
            self._show_labels()
        self._state.set_text(_VIEW_KEY, view)
        self.view_changed.emit(view)

    def select_track(self, track_id: int) -> bool:
        """Scroll to and select a track; False when it is not visible under the filter."""
        row = self.model.row_of(track_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, self.table.ScrollHint.PositionAtCenter)
        return True

    # -- inside ------------------------------------------------------------------------------

    def _filter_changed(self, text: str) -> None:
        try:
            self.model.set_filter(text)
        except QueryError as exc:
            problem = str(exc)
        else:
            problem = ""
        self.filter_box.setProperty("invalid", bool(problem))
        self.filter_box.setToolTip(problem)
        self.filter_problem.setText(problem)
        self.filter_problem.setVisible(bool(problem))
        self.filter_box.style().unpolish(self.filter_box)
        self.filter_box.style().polish(self.filter_box)
        self._update_empty()

    def _show_labels(self) -> None:
        label = self._album_label or self._pick_label
        self.browse_label.setText(label)
        self.clear_browse.setVisible(bool(label))
        self._update_empty()

    def _album_clicked(self, key: str, label: str) -> None:
        self.model.set_album(key)
        self._album_label = label
        self._show_labels()

    def _scope_changed(self) -> None:
        """The filter, the side-list pick or the library changed: the covers follow once
        typing pauses (laying out 10,000 covers at every keystroke would slow typing)."""
        if self.albums is not None and self.albums.isVisible():
            self._albums_later.start()
        if self.model.album is None and self._album_label:
            self._album_label = ""
            self._show_labels()

    def _show_albums(self) -> None:
        self._albums_later.stop()
        if self.albums is not None and self.albums.isVisible():
            self.albums.set_albums(self.model.library, self.model.albums_in_scope(),
                                   self.model.album)

    def _count_changed(self, count: int) -> None:
        total = len(self.model.library)
        if count == total:
            self.count_label.setText(f"{total:,} tracks")
        else:
            self.count_label.setText(f"{count:,} of {total:,}")
        self._update_empty()

    def _update_empty(self) -> None:
        """Say in the empty table why it is empty."""
        model = self.model
        text = ""
        if not model.loaded:
            text = READING
        elif len(model.library) == 0:
            text = self._library_hint
        elif self.filter_problem.isVisible():
            text = f"The filter cannot be read. {self.filter_problem.text()}"
        elif model.pinned:
            text = "None of these tracks is in the library any more."
        elif not model.query_is_empty:
            where = f" in {self.browse_label.full_text()}" if self.browse_label.full_text() \
                else ""
            text = (f"No track matches “{self.filter_box.text().strip()}”{where}. "
                    "Change the filter, or press Escape to clear it.")
        elif self.browse_label.full_text():
            text = f"No tracks in {self.browse_label.full_text()}."
        self.table.empty_text = text
        self.table.viewport().update()

    def _remember_current(self) -> None:
        index = self.table.currentIndex()
        self._current_id = self.model.track_id(index.row()) if index.isValid() else None

    def _restore_current(self) -> None:
        if self._current_id is not None:
            row = self.model.row_of(self._current_id)
            if row is not None:
                self.table.setCurrentIndex(self.model.index(row, 0))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() != Column.RATING:
            self.play_requested.emit([self.model.track_id(index.row())])

    def _star_clicked(self, index: QModelIndex, stars: int) -> None:
        ids = self.selected_ids()
        clicked = self.model.track_id(index.row())
        self.rate_requested.emit(ids if clicked in ids else [clicked], stars)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        ids = self.selected_ids()
        clicked = self.model.track_id(index.row())
        if clicked not in ids:
            ids = [clicked]
        one = len(ids) == 1
        menu = QMenu(self)
        menu.addAction("Play now", lambda: self.play_requested.emit(ids))
        menu.addAction("Play next", lambda: self.enqueue_requested.emit(ids, True))
        menu.addAction("Add to queue", lambda: self.enqueue_requested.emit(ids, False))
        menu.addSeparator()
        rate = menu.addMenu("Rate")
        for stars in range(5, 0, -1):
            rate.addAction(star_bar(stars),
                           lambda s=stars: self.rate_requested.emit(ids, s))
        rate.addAction("Clear rating", lambda: self.rate_requested.emit(ids, 0))
        menu.addSeparator()
        path = self.model.path_of(clicked) or ""
        for text, signal, value in (
                ("Show in folder", self.reveal_requested, path),
                ("Similar tracks", self.similar_requested, clicked),
                ("Why this track?", self.why_requested, clicked),
                ("Properties…", self.properties_requested, clicked)):
            action = menu.addAction(text, lambda s=signal, v=value: s.emit(v))
            action.setEnabled(one)
        menu.addSeparator()
        menu.addAction("Play a path to here", lambda: self.path_requested.emit(clicked)) \
            .setEnabled(one)
        menu.addAction("Play in flow order", lambda: self.flow_requested.emit(ids, True)) \
            .setEnabled(not one)
        menu.addAction("Queue in flow order", lambda: self.flow_requested.emit(ids, False)) \
            .setEnabled(not one)
        menu.popup(self.table.viewport().mapToGlobal(pos))
