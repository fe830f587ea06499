"""The album view: the library's albums as a grid of covers with their title and artist.

A click lists the album's tracks in the table below; a double click (or Enter) plays it.
The grid shows the albums of the tracks the filter and the side list leave, grouped as
player.albums groups them. Covers come from CoverThumbnails, asked for only when an album
is painted, so 10,000 albums cost no more than the few on screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeyEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui.cover_thumbnails import CoverThumbnails
from ui.library_data import LibraryData
from ui.now_playing import placeholder_cover
from ui.plain_text import tooltip

KEY_ROLE = Qt.ItemDataRole.UserRole + 40
ARTIST_ROLE = Qt.ItemDataRole.UserRole + 41
PATH_ROLE = Qt.ItemDataRole.UserRole + 42
#: The cover's side in the grid, in pixels.
COVER = 150
_PAD = 8
_Index = QModelIndex | QPersistentModelIndex


class AlbumModel(QAbstractListModel):
    """The albums shown: indices into a LibraryData's album_list."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = LibraryData([])
        self._albums: list[int] = []
        self._rows: dict[str, int] = {}

    def set_albums(self, data: LibraryData, albums: list[int]) -> None:
        self.beginResetModel()
        self._data = data
        self._albums = albums
        self._rows = {}
        self.endResetModel()

    @property
    def library(self) -> LibraryData:
        return self._data

    def album_index(self, row: int) -> int:
        """The album of grid row *row*, as an index into the library's album_list."""
        return self._albums[row]

    def row_of_key(self, key: str) -> int | None:
        """The grid row of the album with Album.key *key*, None when not shown."""
        if not self._rows and self._albums:
            keys = self._data.album_keys
            self._rows = {keys[n]: row for row, n in enumerate(self._albums)}
        return self._rows.get(key)

    def track_ids(self, row: int) -> list[int]:
        """The tracks of the album on grid row *row*, in the order they play."""
        ids = self._data.ids
        return [ids[i] for i in self._data.album_rows(self._albums[row])]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._albums)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        number = self._albums[index.row()]
        album = self._data.album_list[number]
        if role == Qt.ItemDataRole.DisplayRole:
            return album.title
        if role == ARTIST_ROLE:
            return album.artist
        if role == KEY_ROLE:
            return self._data.album_keys[number]
        if role == PATH_ROLE:
            return self._data.path(album.first)
        if role == Qt.ItemDataRole.ToolTipRole:
            tracks = f"{album.tracks:,} track{'s' if album.tracks != 1 else ''}"
            return tooltip(f"{album.title}\n{album.artist}\n{tracks}")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)


class AlbumDelegate(QStyledItemDelegate):
    """A cover with the album's title (bold) and artist below it, each on one line."""

    def __init__(self, thumbnails: CoverThumbnails, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self._placeholder: tuple[int, QPixmap] | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = option.fontMetrics.height()  # type: ignore[attr-defined]
        return QSize(COVER + 2 * _PAD, COVER + 2 * _PAD + 2 * line + 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect  # type: ignore[attr-defined]
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        painter.save()
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.drawRoundedRect(rect.adjusted(2, 2, -2, -2), 6, 6)
        cover = QRect(rect.left() + _PAD, rect.top() + _PAD, COVER, COVER)
        pixmap = self.thumbnails.pixmap(index.data(KEY_ROLE), index.data(PATH_ROLE))
        painter.drawPixmap(cover, pixmap if pixmap is not None else self._empty(palette))
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        line = metrics.height()
        text = QRect(cover.left(), cover.bottom() + 5, COVER, line)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        bold = QFont(option.font)  # type: ignore[attr-defined]
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(role))
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight,
                                                          COVER))
        painter.setFont(option.font)  # type: ignore[attr-defined]
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        artist = index.data(ARTIST_ROLE) or ""
        painter.drawText(text.translated(0, line + 1),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(artist, Qt.TextElideMode.ElideRight, COVER))
        painter.restore()

    def _empty(self, palette: QPalette) -> QPixmap:
        """The picture of an album without a cover (made once per palette)."""
        key = palette.cacheKey()
        if self._placeholder is None or self._placeholder[0] != key:
            self._placeholder = (key, placeholder_cover(COVER, palette))
        return self._placeholder[1]


class AlbumView(QListView):
    """The grid of albums. Signals carry the album's key (Album.key) and its tracks."""

    album_clicked = Signal(str, str)  # the album's key, "Title — Artist"
    play_requested = Signal(list)  # track ids in album order
    enqueue_requested = Signal(list, bool)  # track ids, True = play next

    EMPTY_TEXT = "No albums here. Tracks without an album name are listed in the table."

    def __init__(self, thumbnails: CoverThumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.albums = AlbumModel(self)
        self.setModel(self.albums)
        self.delegate = AlbumDelegate(thumbnails, self)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # the layout of 10,000 albums costs no Python calls
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setSpacing(2)
        self.setMouseTracking(True)
        self.setAccessibleName("Albums")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.clicked.connect(self._clicked)
        self.doubleClicked.connect(self._play)
        # a cover arrived: repaint what is on screen (Qt merges these into one paint)
        thumbnails.arrived.connect(lambda _key: self.viewport().update())

    def set_albums(self, data: LibraryData, albums: list[int], current: str | None) -> None:
        """Show these albums (indices into data.album_list); *current* stays selected."""
        self.albums.set_albums(data, albums)
        row = self.albums.row_of_key(current) if current else None
        if row is not None:
            self.setCurrentIndex(self.albums.index(row))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._play(self.currentIndex())
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.albums.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(16, 16, -16, -16),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.EMPTY_TEXT)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.album_clicked.emit(index.data(KEY_ROLE),
                                    f"{index.data()} — {index.data(ARTIST_ROLE)}")

    def _play(self, index: QModelIndex) -> None:
        if index.isValid():
            self._clicked(index)
            self.play_requested.emit(self.albums.track_ids(index.row()))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        ids = self.albums.track_ids(index.row())
        menu = QMenu(self)
        menu.addAction("Play album", lambda: self.play_requested.emit(ids))
        menu.addAction("Play next", lambda: self.enqueue_requested.emit(ids, True))
        menu.addAction("Add to queue", lambda: self.enqueue_requested.emit(ids, False))
        menu.popup(self.viewport().mapToGlobal(pos))
