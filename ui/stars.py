"""Star ratings drawn in place: a delegate for the table and queue, a widget for the bar.

Five stars; the rated ones filled, the others a faint outline so a person sees where to
click. Clicking star n rates n; clicking the current rating again clears it. Hovering
previews the rating the click would give.
"""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QCursor, QMouseEvent, QPainter, QPalette, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

MAX_STARS = 5
FILLED = QColor("#e8a317")
_STAR_SIZE = 13
_GAP = 3


def _star_polygon(size: float) -> QPolygonF:
    """A five-pointed star filling a size×size box at the origin."""
    points = []
    radius, inner = size / 2, size / 2 * 0.45
    for k in range(10):
        r = radius if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        points.append(QPointF(size / 2 + r * math.cos(angle), size / 2 + 0.06 * size
                              + r * math.sin(angle)))
    return QPolygonF(points)


_POLYGON = _star_polygon(_STAR_SIZE)


def stars_width() -> int:
    return MAX_STARS * _STAR_SIZE + (MAX_STARS - 1) * _GAP


def star_at(rect: QRect, x: float) -> int:
    """Which star (1–5) lies under x in stars drawn at *rect*; 0 left of the first."""
    left = rect.x() + 2
    if x < left:
        return 0
    return min(MAX_STARS, int((x - left) // (_STAR_SIZE + _GAP)) + 1)


def paint_stars(painter: QPainter, rect: QRect, stars: int, palette: QPalette,
                preview: int = 0, selected: bool = False) -> None:
    """Draw *stars* filled (or *preview* when hovering) and the rest as faint outlines."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    text = palette.color(QPalette.ColorRole.HighlightedText if selected
                         else QPalette.ColorRole.Text)
    faint = QColor(text)
    faint.setAlphaF(0.28)
    hover = QColor(FILLED)
    hover.setAlphaF(0.55)
    top = rect.y() + (rect.height() - _STAR_SIZE) / 2
    shown = preview or stars
    for n in range(1, MAX_STARS + 1):
        painter.save()
        painter.translate(rect.x() + 2 + (n - 1) * (_STAR_SIZE + _GAP), top)
        if n <= shown:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover if preview else FILLED)
        else:
            painter.setPen(faint)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(_POLYGON)
        painter.restore()
    painter.restore()


class StarDelegate(QStyledItemDelegate):
    """Paints the rating column and turns a click on a star into `rated(index, stars)`.

    The rating is read from *rating_role*; the view needs mouse tracking for the preview.
    """

    rated = Signal(QModelIndex, int)

    def __init__(self, rating_role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._role = rating_role

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = option.rect  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        preview = 0
        if state & QStyle.StateFlag.State_MouseOver and isinstance(widget, QAbstractItemView):
            pos = widget.viewport().mapFromGlobal(QCursor.pos())
            if rect.contains(pos):
                preview = star_at(rect, pos.x())
        paint_stars(painter, rect, int(index.data(self._role) or 0),
                    option.palette,  # type: ignore[attr-defined]
                    preview=preview, selected=bool(state & QStyle.StateFlag.State_Selected))

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(stars_width() + 6, _STAR_SIZE + 6)

    def editorEvent(self, event: QEvent, model: object,
                    option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        if (event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent)
                and event.button() == Qt.MouseButton.LeftButton):
            star = star_at(option.rect, event.position().x())  # type: ignore[attr-defined]
            if star:
                current = int(index.data(self._role) or 0)
                self.rated.emit(QModelIndex(index), 0 if star == current else star)
                return True
        return False


class StarRating(QWidget):
    """Five clickable stars (the playing track's rating in the now-playing bar)."""

    rated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stars = 0
        self._preview = 0
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Rate the playing track (keys 1–5, 0 clears)")
        self.setAccessibleName("Rating")

    def stars(self) -> int:
        return self._stars

    def set_stars(self, stars: int | None) -> None:
        self._stars = stars or 0
        self.setAccessibleDescription(f"{self._stars} of {MAX_STARS} stars")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(stars_width() + 4, _STAR_SIZE + 8)

    def paintEvent(self, event: QEvent) -> None:
        painter = QPainter(self)
        paint_stars(painter, self.rect(), self._stars, self.palette(),
                    preview=self._preview if self.isEnabled() else 0)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._preview = star_at(self.rect(), event.position().x())
        self.update()

    def leaveEvent(self, event: QEvent) -> None:
        self._preview = 0
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            star = star_at(self.rect(), event.position().x())
            if star:
                self.rated.emit(0 if star == self._stars else star)
