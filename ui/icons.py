"""Transport and volume icons drawn with QPainter, so they look the same on every desktop
(icon themes differ, and a bare X server has none) and follow the palette's text colour."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

_Draw = Callable[[QPainter, float], None]


def _triangle(p: QPainter, s: float, x0: float, x1: float) -> None:
    path = QPainterPath(QPointF(x0, s * 0.2))
    path.lineTo(x1, s * 0.5)
    path.lineTo(x0, s * 0.8)
    path.closeSubpath()
    p.drawPath(path)


def _play(p: QPainter, s: float) -> None:
    _triangle(p, s, s * 0.28, s * 0.82)


def _pause(p: QPainter, s: float) -> None:
    p.drawRoundedRect(QRectF(s * 0.25, s * 0.2, s * 0.17, s * 0.6), s * 0.03, s * 0.03)
    p.drawRoundedRect(QRectF(s * 0.58, s * 0.2, s * 0.17, s * 0.6), s * 0.03, s * 0.03)


def _next(p: QPainter, s: float) -> None:
    _triangle(p, s, s * 0.18, s * 0.68)
    p.drawRect(QRectF(s * 0.7, s * 0.2, s * 0.1, s * 0.6))


def _previous(p: QPainter, s: float) -> None:
    p.save()
    p.translate(s, 0)
    p.scale(-1, 1)
    _next(p, s)
    p.restore()


def _speaker(p: QPainter, s: float) -> None:
    path = QPainterPath(QPointF(s * 0.12, s * 0.38))
    path.lineTo(s * 0.3, s * 0.38)
    path.lineTo(s * 0.5, s * 0.2)
    path.lineTo(s * 0.5, s * 0.8)
    path.lineTo(s * 0.3, s * 0.62)
    path.lineTo(s * 0.12, s * 0.62)
    path.closeSubpath()
    p.drawPath(path)


def _volume(p: QPainter, s: float) -> None:
    _speaker(p, s)
    pen = QPen(p.brush().color(), s * 0.07)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for r in (0.16, 0.3):
        p.drawArc(QRectF(s * (0.5 - r), s * (0.5 - r), s * 2 * r, s * 2 * r), -45 * 16, 90 * 16)


def _muted(p: QPainter, s: float) -> None:
    _speaker(p, s)
    pen = QPen(p.brush().color(), s * 0.07)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(s * 0.62, s * 0.38), QPointF(s * 0.86, s * 0.62))
    p.drawLine(QPointF(s * 0.86, s * 0.38), QPointF(s * 0.62, s * 0.62))


_SHAPES: dict[str, _Draw] = {
    "play": _play, "pause": _pause, "next": _next, "previous": _previous,
    "volume": _volume, "muted": _muted,
}


def icon(name: str, size: int = 24, color: QColor | None = None) -> QIcon:
    """The named icon ('play', 'pause', 'next', 'previous', 'volume', 'muted')."""
    draw = _SHAPES[name]
    if color is None:
        color = QApplication.palette().color(QPalette.ColorRole.WindowText)
    result = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        draw(painter, float(size * scale))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        result.addPixmap(pixmap)
    return result
