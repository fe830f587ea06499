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
from player.formatting import bitrate, day, distance, duration, format_name, path_text
from player.query import Query, parse
from ui.library_columns import COLUMN_TITLES, NUMERIC_COLUMNS, SIMILAR_COLUMNS, Column
from ui.library_data import LibraryData, narrows
from ui.plain_text import tooltip

#: Item data roles the views and delegates read.
TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RATING_ROLE = Qt.ItemDataRole.UserRole + 2
#: MIME type of dragged tracks: track ids, one per line.
TRACKS_MIME = "application/x-riffle-track-ids"

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NUMERIC = NUMERIC_COLUMNS
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
    #: The filter, the side-list pick or the library changed: so may the albums in view.
    scope_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = LibraryData([])
        self._visible: Sequence[int] = array("i")
        self._query: Query = parse("")
        self._browse: tuple[tuple[str, str], ...] = ()
        self._album: str | None = None  # the key of the album picked in the album view
        self._pinned: list[int] | None = None  # track ids shown in this order, e.g. similar
        self._notes: dict[int, tuple[float, str]] = {}  # similar tracks: (distance, shared)
        self._sort_column = -1
        self._descending = False
        self.playing_id: int | None = None
        #: Whether a library was read yet (an empty table before that is still loading).
        self.loaded = False
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
        self.loaded = True
        self._visible = self._compute()
        self.endResetModel()
        self.count_changed.emit(len(self._visible))
        self.scope_changed.emit()

    def set_filter(self, text: str) -> None:
        """Filter by query text; raises QueryError (and keeps the last filter) if malformed."""
        query = parse(text)
        old, self._query = self._query, query
        if query.terms == old.terms:
            return
        if not old.is_empty and narrows(old, query) and self._album is None:
            # typing on: only the rows shown now can still match
            self.beginResetModel()
            self._visible = array("i", self._data.filter(query, self._visible))
            self.endResetModel()
            self.count_changed.emit(len(self._visible))
        else:
            self._album = None
            self._refresh()
        self.scope_changed.emit()

    @property
    def filter_text(self) -> str:
        return self._query.text

    def set_browse(self, picks: Sequence[tuple[str, str]]) -> None:
        """Narrow to side-list picks: (field, value) pairs; empty shows everything."""
        picks = tuple(picks)
        if picks != self._browse:
            self._browse = picks
            self._album = None
            self._refresh()
            self.scope_changed.emit()

    def set_album(self, key: str | None) -> None:
        """List only the tracks of one album (its player.albums Album.key; None: every
        album the filter and the side list leave)."""
        if key != self._album:
            self._album = key
            self._refresh()

    @property
    def album(self) -> str | None:
        """The key of the album the table lists, None when it lists no single album."""
        return self._album

    def albums_in_scope(self) -> list[int]:
        """The albums (indices into library.album_list) of the tracks the filter and the
        side-list pick leave, the album pick itself aside: what the album view shows."""
        if self._album is None and self._pinned is None:
            return self._data.albums_in(self._visible)  # the same rows, already filtered
        rows: Sequence[int] = range(len(self._data))
        if not self._query.is_empty or self._browse:
            rows = self._data.filter(self._query, rows, self._browse)
        return self._data.albums_in(rows)

    @property
    def query_is_empty(self) -> bool:
        return self._query.is_empty

    def set_pinned(self, track_ids: Sequence[int] | None,
                   notes: dict[int, tuple[float, str]] | None = None) -> None:
        """Show only these tracks, in this order (None: the whole library again); *notes*
        gives tracks that sound like the first their (distance, what they share), shown in
        the Distance and Sounds alike in columns."""
        self._pinned = list(track_ids) if track_ids is not None else None
        self._notes = dict(notes or {}) if track_ids is not None else {}
        self._refresh()

    @property
    def pinned(self) -> bool:
        return self._pinned is not None

    @property
    def has_notes(self) -> bool:
        """Whether the rows shown are similar tracks with their distances."""
        return bool(self._notes)

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
                self._changed(tid, Column.TITLE, Column.SHARED)

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
            path = path_text(d.path(i))
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
        if column in _TEXT_LISTS:
            return getattr(d, _TEXT_LISTS[column])[i] or ""
        if column in _NUMBER_LISTS:
            value = getattr(d, _NUMBER_LISTS[column])[i]
            return str(value) if value else ""
        if column == Column.DURATION:
            return duration(d.durations[i])
        if column == Column.LAST_PLAYED:
            return format_last_played(d.last_played[i])
        if column == Column.ALBUM_ARTIST:
            return d.album_artist(i) or ""
        if column == Column.ADDED:
            return day(d.added[i])
        if column == Column.FORMAT:
            return format_name(d.codecs[i])
        if column == Column.BITRATE:
            return bitrate(d.bitrates[i])
        if column == Column.PATH:
            return path_text(d.path(i))
        if column in SIMILAR_COLUMNS:
            note = self._notes.get(d.ids[i])
            if note is None:
                return "the track itself" if column == Column.SHARED and self._notes else ""
            return distance(note[0]) if column == Column.DISTANCE else note[1]
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
            if self._sort_column in SIMILAR_COLUMNS:
                ids = self._data.ids
                if self._sort_column == Column.SHARED:
                    pinned.sort(key=lambda r: self._notes.get(ids[r], (0.0, ""))[1].casefold())
                if self._descending:
                    pinned.reverse()
            elif 0 <= self._sort_column < len(Column):
                rank = {row: i for i, row in enumerate(
                    self._data.order(self._sort_column, self._descending))}
                pinned.sort(key=rank.__getitem__)
            return pinned
        if 0 <= self._sort_column < len(Column) and self._sort_column not in SIMILAR_COLUMNS:
            return self._data.order(self._sort_column, self._descending)
        if self._album is not None:  # one album, unsorted: in the order it plays
            index = self._data.album_index(self._album)
            return self._data.album_rows(index) if index is not None else []
        return range(len(self._data))

    def _compute(self) -> Sequence[int]:
        """The visible rows: an array (compact) for every list of them the model keeps."""
        base = self._base_order()
        browse = self._browse + ((("album_key", self._album),) if self._album else ())
        if not self._query.is_empty or browse:
            base = self._data.filter(self._query, base, browse)
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


#: Columns shown as the text or whole numbers (blank for none or 0) that LibraryData holds.
_TEXT_LISTS = {Column.ARTIST: "artists", Column.ALBUM: "albums", Column.GENRE: "genres"}
_NUMBER_LISTS = {Column.YEAR: "years", Column.TRACK: "track_numbers",
                 Column.DISC: "disc_numbers", Column.PLAYS: "plays", Column.SKIPS: "skips"}

__all__ = ["RATING_ROLE", "TRACKS_MIME", "TRACK_ID_ROLE", "LibraryModel", "QueryError"]
