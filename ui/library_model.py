"""The library table's model: every track, sorted and filtered without a proxy.

A QSortFilterProxyModel asks Python once per row to filter and twice per comparison to
sort, which is seconds at 100,000 rows. This model keeps the visible rows as one list of
row numbers into `LibraryData` and rebuilds that list with list comprehensions.
"""

from __future__ import annotations

import datetime
import time
from array import array
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from player.errors import QueryError
from player.formatting import duration
from player.query import Query, parse
from ui.library_data import COLUMN_TITLES, Column, LibraryData, narrows
from ui.plain_text import tooltip

#: Item data roles the views and delegates read.
TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RATING_ROLE = Qt.ItemDataRole.UserRole + 2
#: MIME type of dragged tracks: track ids, one per line.
TRACKS_MIME = "application/x-riffle-track-ids"

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = {Column.YEAR, Column.DURATION, Column.PLAYS}
_Index = QModelIndex | QPersistentModelIndex
_ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
              | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren)


def format_last_played(when: float | None, now: float | None = None) -> str:
    """'today 14:03', 'yesterday', '3 days ago', or a date; '' for never."""
    if not when:
        return ""
    now = time.time() if now is None else now
    then = datetime.datetime.fromtimestamp(when)
    days = (datetime.date.fromtimestamp(now) - then.date()).days
    if days <= 0:
        return f"today {then:%H:%M}"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return f"{then:%Y-%m-%d}"


class LibraryModel(QAbstractTableModel):
    """Rows of the library in the current sort, narrowed by the filter and browse pick."""

    #: The number of visible rows changed (after a filter, browse pick or reload).
    count_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = LibraryData([])
        self._visible: Sequence[int] = array("i")
        self._query: Query = parse("")
        self._browse: tuple[tuple[str, str], ...] = ()
        self._pinned: list[int] | None = None  # track ids shown in this order, e.g. similar
        self._sort_column = -1
        self._descending = False
        self.playing_id: int | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self._dim = QColor(128, 128, 128)

    # -- what the window calls ---------------------------------------------------------------

    @property
    def library(self) -> LibraryData:
        return self._data

    def set_library(self, data: LibraryData) -> None:
        """Show a freshly read library, keeping the current sort, filter and browse pick."""
        self.beginResetModel()
        self._data = data
        self._visible = self._compute()
        self.endResetModel()
        self.count_changed.emit(len(self._visible))

    def set_filter(self, text: str) -> None:
        """Filter by query text; raises QueryError (and keeps the last filter) if malformed."""
        query = parse(text)
        old, self._query = self._query, query
        if query.terms == old.terms:
            return
        if not old.is_empty and narrows(old, query):
            # typing on: only the rows shown now can still match
            self.beginResetModel()
            self._visible = array("i", self._data.filter(query, self._visible))
            self.endResetModel()
            self.count_changed.emit(len(self._visible))
            return
        self._refresh()

    @property
    def filter_text(self) -> str:
        return self._query.text

    def set_browse(self, picks: Sequence[tuple[str, str]]) -> None:
        """Narrow to side-list picks: (field, value) pairs; empty shows everything."""
        picks = tuple(picks)
        if picks != self._browse:
            self._browse = picks
            self._refresh()

    def set_pinned(self, track_ids: Sequence[int] | None) -> None:
        """Show only these tracks, in this order (None: the whole library again)."""
        self._pinned = list(track_ids) if track_ids is not None else None
        self._refresh()

    @property
    def pinned(self) -> bool:
        return self._pinned is not None

    def track_id(self, row: int) -> int:
        return self._data.ids[self._visible[row]]

    def track_ids(self, rows: Sequence[int] | None = None) -> list[int]:
        """Ids of the given visible rows (all visible rows when None), in that order."""
        ids = self._data.ids
        if rows is None:
            return [ids[i] for i in self._visible]
        return [ids[self._visible[r]] for r in rows]

    def row_of(self, track_id: int) -> int | None:
        """The visible row of a track, None when filtered out or unknown."""
        data_row = self._data.row_of(track_id)
        if data_row is None:
            return None
        try:
            return self._visible.index(data_row)
        except ValueError:
            return None

    def path_of(self, track_id: int) -> str | None:
        row = self._data.row_of(track_id)
        return None if row is None else self._data.path(row)

    def set_rating(self, track_id: int, stars: int | None) -> None:
        """Show a new rating at once (the store is written separately)."""
        self.set_ratings([track_id], stars)

    def set_ratings(self, track_ids: Sequence[int], stars: int | None) -> None:
        """The same rating for many tracks (one repaint of the column, however many)."""
        changed = [tid for tid in track_ids if self._data.set_rating(tid, stars) is not None]
        if len(changed) == 1:
            self._changed(changed[0], Column.RATING, Column.RATING)
        elif changed and self._visible:
            self.dataChanged.emit(self.index(0, Column.RATING),
                                  self.index(len(self._visible) - 1, Column.RATING))

    def set_stats(self, track_id: int, plays: int, skips: int, last: float | None) -> None:
        if self._data.set_stats(track_id, plays, skips, last) is not None:
            self._changed(track_id, Column.PLAYS, Column.LAST_PLAYED)

    def set_playing(self, track_id: int | None) -> None:
        """Mark the playing track (drawn bold)."""
        old, self.playing_id = self.playing_id, track_id
        for tid in (old, track_id):
            if tid is not None:
                self._changed(tid, Column.TITLE, Column.LAST_PLAYED)

    # -- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMN_TITLES[Column(section)]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in _NUMERIC else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        i = self._visible[index.row()]
        d = self._data
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(i, column)
        if role == TRACK_ID_ROLE:
            return d.ids[i]
        if role == RATING_ROLE:
            return d.ratings[i] or 0
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _NUMERIC else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if d.ids[i] == self.playing_id else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._dim if d.missing[i] or d.errors[i] else None
        if role == Qt.ItemDataRole.ToolTipRole:
            path = d.path(i)
            if d.errors[i]:
                return tooltip(f"{path}\n{d.errors[i]}")
            if d.missing[i]:
                return tooltip(f"{path}\nThe file is missing.")
            return tooltip(path)
        return None

    def _display(self, i: int, column: int) -> str | None:
        d = self._data
        if column == Column.TITLE:
            return d.titles[i]
        if column == Column.ARTIST:
            return d.artists[i] or ""
        if column == Column.ALBUM:
            return d.albums[i] or ""
        if column == Column.YEAR:
            return str(d.years[i]) if d.years[i] else ""
        if column == Column.GENRE:
            return d.genres[i] or ""
        if column == Column.DURATION:
            return duration(d.durations[i])
        if column == Column.PLAYS:
            return str(d.plays[i]) if d.plays[i] else ""
        if column == Column.LAST_PLAYED:
            return format_last_played(d.last_played[i])
        return None  # the rating column is painted by the star delegate

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; a column outside the table restores library order."""
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._refresh()

    def mimeTypes(self) -> list[str]:
        return [TRACKS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes})
        mime = QMimeData()
        mime.setData(TRACKS_MIME, "\n".join(map(str, self.track_ids(rows))).encode())
        return mime

    # -- inside ------------------------------------------------------------------------------

    def _base_order(self) -> Sequence[int]:
        if self._pinned is not None:
            rows = (self._data.row_of(track_id) for track_id in self._pinned)
            pinned = [row for row in rows if row is not None]
            if 0 <= self._sort_column < len(Column):
                rank = {row: i for i, row in enumerate(
                    self._data.order(self._sort_column, self._descending))}
                pinned.sort(key=rank.__getitem__)
            return pinned
        if 0 <= self._sort_column < len(Column):
            return self._data.order(self._sort_column, self._descending)
        return range(len(self._data))

    def _compute(self) -> Sequence[int]:
        """The visible rows: an array (compact) for every list of them the model keeps."""
        base = self._base_order()
        if not self._query.is_empty or self._browse:
            base = self._data.filter(self._query, base, self._browse)
        return base if isinstance(base, array) else array("i", base)

    def _refresh(self) -> None:
        self.beginResetModel()
        self._visible = self._compute()
        self.endResetModel()
        self.count_changed.emit(len(self._visible))

    def _changed(self, track_id: int, first: Column, last: Column) -> None:
        row = self.row_of(track_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, first), self.index(row, last))


__all__ = ["RATING_ROLE", "TRACKS_MIME", "TRACK_ID_ROLE", "LibraryModel", "QueryError"]
