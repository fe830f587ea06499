"""The library panel: the filter box above the table of every track.

It shows and asks; what a request means (playing, queueing, rating) is decided by the
window's wiring in main_window.py, through the signals below.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.errors import QueryError
from player.formatting import star_bar
from ui.library_data import COLUMN_TITLES, Column
from ui.library_model import RATING_ROLE, LibraryModel
from ui.plain_text import plain_label
from ui.stars import StarDelegate, stars_width
from ui.window_state import WindowState

logger = logging.getLogger(__name__)

FILTER_HINT = ("Filter: words, artist:…, album:…, genre:…, year:1990..1999, rating:>=4, "
               "plays:>10   (Ctrl+F)")
_HEADER_KEY = "library/header"
_AUTO_FIT_KEY = "library/auto_fit"
#: Column → (width in pixels, share of the width left over). Columns with a share grow
#: with the window until the person sizes a column; the width is then their minimum.
_COLUMN_SIZES = {
    Column.TITLE: (140, 4), Column.ARTIST: (100, 3), Column.ALBUM: (100, 3),
    Column.YEAR: (44, 0), Column.GENRE: (72, 1), Column.DURATION: (48, 0),
    Column.RATING: (stars_width() + 14, 0), Column.PLAYS: (42, 0),
    Column.LAST_PLAYED: (86, 1),
}


class TrackTable(QTableView):
    """A flat, sortable list of tracks; Enter plays like a double click does.

    A table, not a tree view: QTreeView asks the model for every row's flags whenever it
    lays out, which at 100,000 rows is a second of Python calls per filter keystroke.
    """

    activated_ids = Signal(list)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_ids.emit([self.currentIndex()])
            return
        super().keyPressEvent(event)


class LibraryPanel(QWidget):
    """Filter box, result count and the library table."""

    play_requested = Signal(list)  # track ids: play the first now, the rest after it
    enqueue_requested = Signal(list, bool)  # track ids, True = play next (before the rest)
    rate_requested = Signal(list, int)  # track ids, stars 0–5
    reveal_requested = Signal(str)  # a file path to show in its folder
    similar_requested = Signal(int)  # a track id
    why_requested = Signal(int)  # a track id: why the auto-shuffle would (not) pick it
    path_requested = Signal(int)  # a track id: a sonic path from what plays to it
    flow_requested = Signal(list, bool)  # track ids in flow order: True plays now, else queue

    def __init__(self, model: LibraryModel, state: WindowState,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._state = state

        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText(FILTER_HINT)
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName("Filter the library")
        self.filter_box.textChanged.connect(self._filter_changed)
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.browse_label = plain_label(QLabel())
        self.browse_label.setObjectName("browseLabel")
        self.clear_browse = QToolButton()
        self.clear_browse.setText("Show all")
        self.clear_browse.setAutoRaise(True)
        self.clear_browse.hide()

        self.table = TrackTable()
        self.table.setModel(model)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setMouseTracking(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated_ids.connect(lambda idx: self._activated(idx[0]))
        self.stars = StarDelegate(RATING_ROLE, self.table)
        self.stars.rated.connect(self._star_clicked)
        self.table.setItemDelegateForColumn(Column.RATING, self.stars)

        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)  # fit_columns shares the width instead
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        for column, (width, _share) in _COLUMN_SIZES.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.RATING, QHeaderView.ResizeMode.Fixed)
        saved = state.bytes(_HEADER_KEY)
        restored = saved is not None and header.restoreState(saved)
        if saved is not None and not restored:
            logger.info("ignoring an unreadable saved column layout")
        # columns follow the window's width until the person sizes one themselves
        self._auto_fit = not restored or state.flag(_AUTO_FIT_KEY, True)
        self._fitting = False
        header.sectionResized.connect(self._section_resized)
        header.sectionMoved.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)
        self.table.setSortingEnabled(True)  # sorts by the (restored) indicator at once

        model.count_changed.connect(self._count_changed)
        model.modelAboutToBeReset.connect(self._remember_current)
        model.modelReset.connect(self._restore_current)
        self._current_id: int | None = None

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.browse_label)
        top.addWidget(self.clear_browse)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit and self.table.viewport().width() > 200:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Give every shown column its width, then share what is left by _COLUMN_SIZES.
        Used until the person sizes a column themselves."""
        header = self.table.horizontalHeader()
        shown = {c: size for c, size in _COLUMN_SIZES.items() if not header.isSectionHidden(c)}
        spare = max(0, self.table.viewport().width() - 2
                    - sum(width for width, _share in shown.values()))
        shares = sum(share for _width, share in shown.values()) or 1
        self._fitting = True
        try:
            for column, (width, share) in shown.items():
                header.resizeSection(column, width + spare * share // shares)
        finally:
            self._fitting = False
        self._save_header()

    # -- what the window calls ---------------------------------------------------------------

    def focus_filter(self) -> None:
        self.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_box.selectAll()

    def selected_ids(self) -> list[int]:
        """Selected tracks in the table's order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return self.model.track_ids(rows)

    def show_browse(self, label: str) -> None:
        """Say what the side list narrows the table to ('' when nothing)."""
        self.browse_label.setText(label)
        self.clear_browse.setVisible(bool(label))

    def select_track(self, track_id: int) -> bool:
        """Scroll to and select a track; False when it is not visible under the filter."""
        row = self.model.row_of(track_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # -- inside ------------------------------------------------------------------------------

    def _filter_changed(self, text: str) -> None:
        try:
            self.model.set_filter(text)
        except QueryError as exc:
            self.filter_box.setProperty("invalid", True)
            self.filter_box.setToolTip(str(exc))
        else:
            self.filter_box.setProperty("invalid", False)
            self.filter_box.setToolTip("")
        self.filter_box.style().unpolish(self.filter_box)
        self.filter_box.style().polish(self.filter_box)

    def _count_changed(self, count: int) -> None:
        total = len(self.model.library)
        if count == total:
            self.count_label.setText(f"{total:,} tracks")
        else:
            self.count_label.setText(f"{count:,} of {total:,}")

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
        many = len(ids) > 1
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
        reveal = menu.addAction("Show in folder", lambda: self.reveal_requested.emit(path))
        reveal.setEnabled(not many)
        similar = menu.addAction("Similar tracks",
                                 lambda: self.similar_requested.emit(clicked))
        similar.setEnabled(not many)
        why = menu.addAction("Why this track?", lambda: self.why_requested.emit(clicked))
        why.setEnabled(not many)
        menu.addSeparator()
        path = menu.addAction("Play a path to here", lambda: self.path_requested.emit(clicked))
        path.setEnabled(not many)
        menu.addAction("Play in flow order", lambda: self.flow_requested.emit(ids, True)) \
            .setEnabled(many)
        menu.addAction("Queue in flow order", lambda: self.flow_requested.emit(ids, False)) \
            .setEnabled(many)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column in Column:
            action = QAction(COLUMN_TITLES[column], menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != Column.TITLE)
            action.toggled.connect(lambda on, c=column: self._show_column(c, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Fit columns to the window", self._fit_again)
        menu.addAction("Library order", lambda: header.setSortIndicator(
            -1, Qt.SortOrder.AscendingOrder))
        menu.popup(header.mapToGlobal(pos))

    def _show_column(self, column: Column, shown: bool) -> None:
        header = self.table.horizontalHeader()
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < 20:
            header.resizeSection(column, _COLUMN_SIZES[column][0])
        if self._auto_fit:
            self.fit_columns()
        self._save_header()

    def _fit_again(self) -> None:
        self._auto_fit = True
        self._state.set_flag(_AUTO_FIT_KEY, True)
        self.fit_columns()

    def _section_resized(self, *args: object) -> None:
        if not self._fitting:
            if self._auto_fit:
                self._auto_fit = False
                self._state.set_flag(_AUTO_FIT_KEY, False)
            self._save_header()

    def _save_header(self, *args: object) -> None:
        self._state.set_bytes(_HEADER_KEY, self.table.horizontalHeader().saveState())
