"""The queue panel's model and delegate: what plays next, the user's part then the auto part.

Rows are the queue's upcoming entries. The delegate draws a caption above the first entry
of each part ("Queued by you", "Auto-shuffle"), each auto pick's reason on a second line,
and the track's stars, which can be clicked. Dragging rows reorders the queue through
`Queue.move`; tracks dragged in from the library are queued where they are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from player.models import UNKNOWN_ARTIST, PlaySource, Track
from player.queue import Queue, QueueEntry
from ui.library_model import RATING_ROLE, TRACKS_MIME, LibraryModel
from ui.plain_text import tooltip
from ui.stars import paint_stars, star_at, stars_width

QUEUE_MIME = "application/x-riffle-queue-keys"
KEY_ROLE = Qt.ItemDataRole.UserRole + 20
REASON_ROLE = Qt.ItemDataRole.UserRole + 21
CAPTION_ROLE = Qt.ItemDataRole.UserRole + 22  # the part's caption on its first row, else None
ARTIST_ROLE = Qt.ItemDataRole.UserRole + 23
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class TrackFacts:
    """What the queue shows of a track."""

    title: str
    artist: str
    rating: int | None


#: track id → what to show (the window answers from the library it holds).
Describe = Callable[[int], TrackFacts]
#: track id → the track as the store has it (None when it has none), for the few tracks
#: the table does not list (its file could not be read).
Lookup = Callable[[int], Track | None]
GONE = "a track no longer in the library"


def describe_from(library: LibraryModel, lookup: Lookup) -> Describe:
    """Title, artist and stars of a track, read from the table's copy of the library, or
    (once) from the store for a track the table does not list."""
    others: dict[int, TrackFacts] = {}

    def describe(track_id: int) -> TrackFacts:
        data = library.library
        row = data.row_of(track_id)
        if row is not None:
            return TrackFacts(data.titles[row], data.artists[row] or UNKNOWN_ARTIST,
                              data.ratings[row])
        facts = others.get(track_id)
        if facts is None:
            track = lookup(track_id)
            facts = (TrackFacts(track.display_title, track.display_artist, track.rating)
                     if track is not None else TrackFacts(GONE, "", None))
            others[track_id] = facts
        return facts

    return describe


class QueueModel(QAbstractListModel):
    """Upcoming queue entries; refreshed whenever the queue says it changed. Until *ready*
    says the library is read, it shows no rows (not rows without names)."""

    def __init__(self, queue: Queue, describe: Describe, parent: QObject | None = None,
                 ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__(parent)
        self.queue = queue
        self._describe = describe
        self.ready = ready
        self._rows: list[QueueEntry] = []
        self._user_count = 0
        queue.listeners.append(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        if self.ready():
            self._rows = list(self.queue.upcoming)
            self._user_count = len(self.queue.user_part)
        else:
            self._rows, self._user_count = [], 0
        self.endResetModel()

    def detach(self) -> None:
        """Stop following the queue (when the window closes)."""
        if self.refresh in self.queue.listeners:
            self.queue.listeners.remove(self.refresh)

    def entry(self, row: int) -> QueueEntry:
        return self._rows[row]

    def entry_by_key(self, key: int) -> QueueEntry:
        return next(e for e in self._rows if e.key == key)

    @property
    def user_count(self) -> int:
        return self._user_count

    def keys(self, rows: Sequence[int]) -> list[int]:
        return [self._rows[r].key for r in rows if 0 <= r < len(self._rows)]

    # -- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        entry = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._describe(entry.track_id).title
        if role == ARTIST_ROLE:
            return self._describe(entry.track_id).artist
        if role == RATING_ROLE:
            return self._describe(entry.track_id).rating or 0
        if role == REASON_ROLE:
            return entry.reason if entry.source is PlaySource.AUTO else None
        if role == KEY_ROLE:
            return entry.key
        if role == CAPTION_ROLE:
            if row == 0 and self._user_count:
                return f"Queued by you · {self._user_count}"
            if row == self._user_count:
                return f"Auto-shuffle · {len(self._rows) - self._user_count}"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            facts = self._describe(entry.track_id)
            why = f"\n{entry.reason}" if entry.reason else ""
            return tooltip(f"{facts.title} — {facts.artist}{why}")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [QUEUE_MIME, TRACKS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes})
        mime = QMimeData()
        mime.setData(QUEUE_MIME, "\n".join(map(str, self.keys(rows))).encode())
        return mime

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: _Index) -> bool:
        """Move dragged entries (or queue dragged library tracks) to *row*."""
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self._rows))
        if data.hasFormat(QUEUE_MIME):
            keys = _numbers(data.data(QUEUE_MIME).data())
            later = [e.key for e in self._rows[target:] if e.key not in keys]
            anchor = later[0] if later else None  # the dragged entries go just before it
            for key in keys:
                order = [e.key for e in self.queue.upcoming]
                if key not in order:
                    continue
                order.remove(key)
                self.queue.move(key, order.index(anchor) if anchor in order else len(order))
            return True
        if data.hasFormat(TRACKS_MIME):
            ids = _numbers(data.data(TRACKS_MIME).data())
            entries = self.queue.enqueue(ids)
            for offset, entry in enumerate(entries):
                self.queue.move(entry.key, min(target, self._user_count) + offset)
            return True
        return False


def _numbers(raw: bytes) -> list[int]:
    return [int(x) for x in bytes(raw).decode().split() if x.strip().isdigit()]


class QueueDelegate(QStyledItemDelegate):
    """Two-line queue rows with part captions and clickable stars."""

    rated = Signal(int, int)  # queue row, stars

    CAPTION_HEIGHT = 26
    PAD = 6

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = option.fontMetrics.height()  # type: ignore[attr-defined]
        height = self.PAD * 2 + line * 2 + 2
        if index.data(CAPTION_ROLE):
            height += self.CAPTION_HEIGHT
        return QSize(120, height)  # as wide as the list: the text is elided to fit

    def _body(self, option: QStyleOptionViewItem, index: _Index) -> QRect:
        rect = QRect(option.rect)  # type: ignore[attr-defined]
        if index.data(CAPTION_ROLE):
            rect.setTop(rect.top() + self.CAPTION_HEIGHT)
        return rect

    def _stars_rect(self, body: QRect, line: int) -> QRect:
        return QRect(body.right() - stars_width() - 8, body.top() + self.PAD, stars_width() + 4,
                     line)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        line = metrics.height()
        caption = index.data(CAPTION_ROLE)
        if caption:
            top = QRect(option.rect)  # type: ignore[attr-defined]
            top.setHeight(self.CAPTION_HEIGHT)
            font = QFont(option.font)  # type: ignore[attr-defined]
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.9)
            painter.setFont(font)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(top.adjusted(self.PAD, 0, -self.PAD, -3),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             caption.upper())
        body = self._body(option, index)
        opt = QStyleOptionViewItem(option)
        opt.rect = body  # type: ignore[attr-defined]
        opt.text = ""  # type: ignore[attr-defined]
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter,
                                widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        stars = self._stars_rect(body, line)
        text = body.adjusted(self.PAD, self.PAD, -(stars.width() + 2 * self.PAD), -self.PAD)
        title = f"{index.data(Qt.ItemDataRole.DisplayRole)} — {index.data(ARTIST_ROLE)}"
        painter.setFont(option.font)  # type: ignore[attr-defined]
        painter.setPen(palette.color(text_role))
        painter.drawText(QRect(text.left(), text.top(), text.width(), line),
                         Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, text.width()))
        reason = index.data(REASON_ROLE) or "queued by you"
        small = QFont(option.font)  # type: ignore[attr-defined]
        small.setItalic(bool(index.data(REASON_ROLE)))
        small.setPointSizeF(small.pointSizeF() * 0.92)
        painter.setFont(small)
        dim = palette.color(text_role if selected else QPalette.ColorRole.PlaceholderText)
        painter.setPen(dim)
        reason_rect = QRect(text.left(), text.top() + line + 2, body.width() - 2 * self.PAD,
                            line)
        painter.drawText(reason_rect, Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(reason, Qt.TextElideMode.ElideRight,
                                                          reason_rect.width()))
        paint_stars(painter, stars, int(index.data(RATING_ROLE) or 0), palette,
                    selected=selected)
        painter.restore()

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: _Index) -> bool:
        if (event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton):
            line = option.fontMetrics.height()  # type: ignore[attr-defined]
            rect = self._stars_rect(self._body(option, index), line)
            pos = event.position().toPoint()
            if rect.contains(pos):
                star = star_at(rect, pos.x())
                if star:
                    current = int(index.data(RATING_ROLE) or 0)
                    self.rated.emit(index.row(), 0 if star == current else star)
                    return True
        return False
