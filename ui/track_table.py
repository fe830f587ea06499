"""The table of tracks: its columns (which show, how wide, remembered), keys and empty state.

A table, not a tree view: QTreeView asks the model for every row's flags whenever it lays
out, which at 100,000 rows is a second of Python calls per filter keystroke.

The columns fill the table's width exactly until the person sizes one themselves
(library_columns.fit_widths: title and artist take the slack), and again whenever the
table's inner width changes, as it does when the vertical scroll bar comes or goes.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyle,
    QTableView,
    QWidget,
)

from ui.library_columns import (
    COLUMN_TITLES,
    LOOKS,
    OPTIONAL_COLUMNS,
    SIMILAR_COLUMNS,
    Column,
    ColumnLook,
    fit_widths,
)
from ui.stars import stars_width
from ui.window_state import WindowState

logger = logging.getLogger(__name__)

_HEADER_KEY = "library/header"
_AUTO_FIT_KEY = "library/auto_fit"
_RATING_WIDTH = stars_width() + 14


def column_look(column: Column, header: QHeaderView | None = None) -> ColumnLook:
    """How *column* shows; the rating column is as wide as its stars, and no column
    narrower than its heading in *header*'s font (never "Last p…")."""
    look = LOOKS[column]
    if column == Column.RATING:
        return ColumnLook(look.title, _RATING_WIDTH, _RATING_WIDTH, shown=True)
    if header is None:
        return look
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    heading = header.fontMetrics().horizontalAdvance(look.title) + 2 * margin + 4
    if heading <= look.least:
        return look
    return replace(look, least=heading, width=max(look.width, heading))


class TrackTable(QTableView):
    """A flat, sortable list of tracks; Enter plays like a double click does. When it has
    no rows it says why (`empty_text`)."""

    activated_ids = Signal(list)

    def __init__(self, state: WindowState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.empty_text = ""
        self._fitting = False
        self._auto_fit = True
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)

    def setup_columns(self) -> None:
        """Columns as the person left them (or as they first are), once the model is set."""
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)  # fit_columns shares the width instead
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self._first_columns()
        saved = self._state.bytes(_HEADER_KEY)
        restored = (saved is not None and header.restoreState(saved)
                    and header.count() == len(Column))
        if saved is not None and not restored:
            logger.info("ignoring a saved column layout of another version, or unreadable")
            self._first_columns()
        header.setSectionResizeMode(Column.RATING, QHeaderView.ResizeMode.Fixed)
        for column in SIMILAR_COLUMNS:  # shown only with a list of similar tracks
            header.setSectionHidden(column, True)
        # columns follow the window's width until the person sizes one themselves
        self._auto_fit = not restored or self._state.flag(_AUTO_FIT_KEY, True)
        header.sectionResized.connect(self._section_resized)
        header.sectionMoved.connect(self._save_header)
        header.sortIndicatorChanged.connect(self._save_header)
        self.setSortingEnabled(True)  # sorts by the (restored) indicator at once
        # the inner width changes when the vertical scroll bar comes or goes: fit again
        self.viewport().installEventFilter(self)

    def _first_columns(self) -> None:
        header = self.horizontalHeader()
        for column in Column:
            header.resizeSection(column, column_look(column).width)
            header.setSectionHidden(column, not LOOKS[column].shown)

    # -- what the panel calls ----------------------------------------------------------------

    @property
    def auto_fit(self) -> bool:
        return self._auto_fit

    def fit_columns(self) -> None:
        """Size the shown columns to fill the table's inner width exactly."""
        header = self.horizontalHeader()
        shown = {c: column_look(c, header) for c in Column if not header.isSectionHidden(c)}
        widths = fit_widths(shown, self.viewport().width())
        if all(header.sectionSize(c) == w for c, w in widths.items()):
            return
        self._fitting = True
        try:
            for column, width in widths.items():
                header.resizeSection(column, width)
        finally:
            self._fitting = False
        self._save_header()

    def fit_again(self) -> None:
        """Follow the window's width again (after the person sized columns)."""
        self._auto_fit = True
        self._state.set_flag(_AUTO_FIT_KEY, True)
        self.fit_columns()

    def show_column(self, column: Column, shown: bool) -> None:
        """Show or hide an optional column (from the header's menu)."""
        self._show((column,), shown)
        self._save_header()

    def show_similar_columns(self, shown: bool) -> None:
        """Show the Distance and Sounds alike columns (a list of similar tracks) or not."""
        header = self.horizontalHeader()
        if any(header.isSectionHidden(c) == shown for c in SIMILAR_COLUMNS):
            self._show(SIMILAR_COLUMNS, shown)

    def _show(self, columns: tuple[Column, ...], shown: bool) -> None:
        header = self.horizontalHeader()
        self._fitting = True  # not the person sizing a column
        try:
            for column in columns:
                header.setSectionHidden(column, not shown)
                if shown and header.sectionSize(column) < 20:
                    header.resizeSection(column, column_look(column).width)
        finally:
            self._fitting = False
        if self._auto_fit:
            self.fit_columns()

    # -- Qt ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_ids.emit([self.currentIndex()])
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if self.empty_text and model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.empty_text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Resize and watched is self.viewport()
                and self._auto_fit and self.viewport().width() > 100):
            self.fit_columns()
        return False

    # -- inside ------------------------------------------------------------------------------

    def _header_menu(self, pos: QPoint) -> None:
        header = self.horizontalHeader()
        menu = QMenu(self)
        for column in OPTIONAL_COLUMNS:
            action = QAction(COLUMN_TITLES[column], menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: self.show_column(c, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("Fit columns to the window", self.fit_again)
        menu.addAction("Library order", lambda: header.setSortIndicator(
            -1, Qt.SortOrder.AscendingOrder))
        menu.popup(header.mapToGlobal(pos))

    def _section_resized(self, *args: object) -> None:
        if not self._fitting:
            if self._auto_fit:
                self._auto_fit = False
                self._state.set_flag(_AUTO_FIT_KEY, False)
            self._save_header()

    def _save_header(self, *args: object) -> None:
        self._state.set_bytes(_HEADER_KEY, self.horizontalHeader().saveState())
