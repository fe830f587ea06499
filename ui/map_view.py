"""The taste map's drawing: every analysed track as a point, with pyqtgraph.

Points are coloured by what Riffle predicts the listener thinks of them (blue liked, grey
unknown, orange disliked, a palette that reads for colour-blind eyes too); tracks the
listener rated or skipped carry a marker; the playing track and the queue ahead are drawn
as a path. Drawing stays smooth at 100,000 points by level of detail: while more than
SCATTER_LIMIT points are in view they are drawn as one image (each point a small block of
pixels, computed with numpy whenever colours change); closer in, the points in view (and a
margin around it) become a scatter plot of real dots.

Gestures: hover shows a card about the point under the pointer; a click plays it; the
right button offers playing, queueing and a sonic path to it; a drag pans and the wheel
zooms; with the lasso on (or Shift held) a drag draws a loop and the tracks inside are
queued. This module shows and asks; what a request means is decided by its owner.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from ui.map_geometry import inside_polygon

#: Above this many points in view, they are drawn as one image instead of as dots.
SCATTER_LIMIT = 6_000
#: Side of the image, in pixels, over the whole map.
RASTER = 1024
#: A hover or click finds the nearest point within this many pixels.
PICK_PIXELS = 9
LIKED = np.array([46, 124, 222], dtype=np.float64)
NEUTRAL = np.array([165, 165, 172], dtype=np.float64)
DISLIKED = np.array([232, 118, 32], dtype=np.float64)
#: Colours are drawn from this many steps of the scale (so dots share their brushes).
STEPS = 21


def preference_colours(preference: np.ndarray) -> np.ndarray:
    """RGB (0–255, one row per point) for preferences −1..1: orange … grey … blue."""
    p = np.clip(np.nan_to_num(preference), -1.0, 1.0)[:, None]
    liked = NEUTRAL + (LIKED - NEUTRAL) * np.maximum(p, 0.0)
    return np.where(p >= 0, liked, NEUTRAL + (DISLIKED - NEUTRAL) * np.maximum(-p, 0.0))


def colour_steps(preference: np.ndarray) -> np.ndarray:
    """Each preference's step (0..STEPS-1) on the colour scale."""
    p = np.clip(np.nan_to_num(preference), -1.0, 1.0)
    return np.rint((p + 1.0) / 2.0 * (STEPS - 1)).astype(np.int64)


class _MapBox(pg.ViewBox):
    """The view box: pans and zooms as pyqtgraph's does, and hands lasso drags to the
    MapView (clicks reach it through the scene, whichever item is under the pointer)."""

    def __init__(self, owner: MapView) -> None:
        super().__init__(enableMenu=False)
        self.owner = owner
        self.setAspectLocked(True)

    def mouseDragEvent(self, ev: object, axis: int | None = None) -> None:
        if self.owner.lasso_wanted(ev):
            self.owner.lasso_drag(ev)
        else:
            super().mouseDragEvent(ev, axis)


class MapView(pg.PlotWidget):
    """The map. Call `show_points`, `set_path`, `set_highlight`; listen to the signals."""

    play_requested = Signal(int)  # a track id
    queue_requested = Signal(list)  # track ids, in the order lassoed (map order)
    next_requested = Signal(list)  # track ids to play next
    path_requested = Signal(int)  # a track id: a sonic path from what plays to it
    hovered = Signal(int)  # a track id under the pointer (-1: none)

    def __init__(self, parent: QWidget | None = None) -> None:
        self.box = _MapBox(self)
        super().__init__(parent, viewBox=self.box)
        self.setBackground(self.palette().color(self.backgroundRole()))
        self.hideAxis("left")
        self.hideAxis("bottom")
        self.setMouseTracking(True)
        self.lasso_on = False
        self.ids = np.empty(0, dtype=np.int64)
        self.xy = np.empty((0, 2), dtype=np.float32)
        self._rgb = np.empty((0, 3))
        self._steps = np.empty(0, dtype=np.int64)
        self._lit = np.ones(0, dtype=bool)
        self._shown: tuple[float, float, float, float] | None = None
        self._brushes = [pg.mkBrush(*preference_colours(np.array([v]))[0], 235)
                         for v in np.linspace(-1.0, 1.0, STEPS)]
        self._dim_brush = pg.mkBrush(150, 150, 155, 60)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(0)
        self.dots = pg.ScatterPlotItem(size=6, pen=None, pxMode=True)
        self.dots.setZValue(1)
        white = pg.mkPen(255, 255, 255, 230, width=1)
        self.marks = {  # judged tracks: one item per kind, so each is drawn in one go
            kind: pg.ScatterPlotItem(pxMode=True, symbol=symbol, size=13, pen=white,
                                     brush=pg.mkBrush(*colour, 240))
            for kind, symbol, colour in (("loved", "star", (46, 124, 222)),
                                         ("middling", "o", (140, 140, 150)),
                                         ("disliked", "x", (215, 80, 20)))}
        for mark in self.marks.values():
            mark.setZValue(2)
        self.path_line = pg.PlotCurveItem(pen=pg.mkPen(40, 40, 40, 170, width=2))
        self.path_line.setZValue(3)
        self.path_dots = pg.ScatterPlotItem(size=9, pxMode=True,
                                            pen=pg.mkPen(30, 30, 30, 220, width=1.5),
                                            brush=pg.mkBrush(255, 255, 255, 230))
        self.path_dots.setZValue(4)
        self.playing = pg.ScatterPlotItem(size=20, symbol="star", pxMode=True,
                                          pen=pg.mkPen(20, 20, 20, width=1.5),
                                          brush=pg.mkBrush(255, 214, 0))
        self.playing.setZValue(5)
        self.ring = pg.ScatterPlotItem(size=16, symbol="o", pxMode=True, brush=None,
                                       pen=pg.mkPen(20, 20, 20, 230, width=2))
        self.ring.setZValue(6)
        self.lasso_line = pg.PlotCurveItem(pen=pg.mkPen(20, 110, 200, width=2,
                                                        style=Qt.PenStyle.DashLine))
        self.lasso_line.setZValue(6)
        for item in (self.image, self.dots, *self.marks.values()):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the box handles them
            self.addItem(item)
        # What is drawn over the points (a lasso, a path, the playing ring) must never
        # widen the range and move the view under the pointer.
        for item in (self.path_line, self.path_dots, self.playing, self.ring,
                     self.lasso_line):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.addItem(item, ignoreBounds=True)
        self._lasso: list[QPointF] = []
        self._labels: list[pg.TextItem] = []
        self.card = QLabel(self)  # what the hovered point is, always plain text
        self.card.setObjectName("mapCard")
        self.card.setTextFormat(Qt.TextFormat.PlainText)
        self.card.setWordWrap(True)
        self.card.setMaximumWidth(380)
        self.card.setAutoFillBackground(True)
        self.card.setMargin(8)
        self.card.hide()
        self._hover = -1
        self.box.sigRangeChanged.connect(lambda *_: self._refresh_dots())
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self.scene().sigMouseClicked.connect(self.clicked)

    # -- what the owner calls ------------------------------------------------------------

    def show_points(self, ids: np.ndarray, xy: np.ndarray, preference: np.ndarray,
                    stars: np.ndarray, skips: np.ndarray, *, keep_view: bool = False) -> None:
        """Draw these points (one per track) coloured by *preference*; rated and skipped
        tracks get a marker. *keep_view*: stay where the person was looking."""
        self.ids = np.asarray(ids, dtype=np.int64)
        self.xy = np.asarray(xy, dtype=np.float32).reshape(-1, 2)
        self._rgb = preference_colours(preference)
        self._steps = colour_steps(preference)
        if len(self._lit) != len(self.ids):
            self._lit = np.ones(len(self.ids), dtype=bool)
        self._draw_marks(np.asarray(stars), np.asarray(skips))
        self._draw_image()
        self._shown = None
        if not keep_view:
            self.show_all()
        self._refresh_dots()

    def show_all(self) -> None:
        if len(self.xy):
            low, high = self.xy.min(axis=0), self.xy.max(axis=0)
            self.box.setRange(QRectF(QPointF(*low), QPointF(*high)), padding=0.05)

    def set_highlight(self, lit: np.ndarray | None) -> None:
        """Bring out the points where *lit* is True (one bool per point); None: all."""
        self._lit = np.ones(len(self.ids), dtype=bool) if lit is None \
            else np.asarray(lit, dtype=bool)
        self._draw_image()
        self._shown = None
        self._refresh_dots()

    def set_path(self, points: list[int], playing: int | None) -> None:
        """Draw the path through these point indices; *playing*: the point playing now."""
        xy = self.xy[points] if points else np.empty((0, 2))
        self.path_line.setData(xy[:, 0], xy[:, 1]) if len(xy) > 1 else self.path_line.clear()
        self.path_dots.setData(pos=xy)
        if playing is None:
            self.playing.clear()
        else:
            self.playing.setData(pos=self.xy[[playing]])

    def set_labels(self, labels: list[tuple[float, float, str]]) -> None:
        """Short texts written on the map at (x, y): the regions' numbers (plain text)."""
        for item in self._labels:
            self.removeItem(item)
        self._labels = []
        for x, y, text in labels:
            item = pg.TextItem(text, color=(40, 40, 40), anchor=(0.5, 0.5),
                               fill=pg.mkBrush(255, 255, 255, 200),
                               border=pg.mkPen(120, 120, 120, 200))
            item.setPos(x, y)
            item.setZValue(7)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.addItem(item)
            self._labels.append(item)

    def centre_on(self, point: int) -> None:
        rect = self.box.viewRect()
        x, y = (float(v) for v in self.xy[point])
        self.box.setRange(QRectF(x - rect.width() / 2, y - rect.height() / 2, rect.width(),
                                 rect.height()), padding=0)

    def show_card(self, text: str) -> None:
        """The hover card's text (plain text, never markup); '' hides it."""
        if not text:
            self.card.hide()
            return
        self.card.setText(text)
        self.card.adjustSize()
        pos = self.mapFromGlobal(QCursor.pos())
        x = min(max(4, pos.x() + 16), max(4, self.width() - self.card.width() - 4))
        y = min(max(4, pos.y() + 16), max(4, self.height() - self.card.height() - 4))
        self.card.move(x, y)
        self.card.show()
        self.card.raise_()

    def points_in_view(self) -> int:
        return int(self._in_view(self.box.viewRect()).sum()) if len(self.xy) else 0

    def drawing_image(self) -> bool:
        """Whether the points are drawn as one image (many in view) rather than as dots."""
        return self.image.isVisible()

    # -- drawing -------------------------------------------------------------------------

    def _draw_marks(self, stars: np.ndarray, skips: np.ndarray) -> None:
        kinds = {"loved": stars >= 4, "middling": stars == 3,
                 "disliked": ((stars >= 1) & (stars <= 2)) | ((stars == 0) & (skips >= 2))}
        for kind, chosen in kinds.items():
            self.marks[kind].setData(pos=self.xy[chosen])

    def _draw_image(self) -> None:
        """Every point as a block of pixels of its colour (dimmed when not lit)."""
        if not len(self.xy):
            self.image.clear()
            return
        low, high = self.xy.min(axis=0), self.xy.max(axis=0)
        span = np.maximum(high - low, 1e-6)
        size = RASTER
        pixel = span.max() / (size - 4)
        cols = np.clip(((self.xy[:, 0] - low[0]) / pixel).astype(np.int64) + 2, 0, size - 2)
        rows = np.clip(((self.xy[:, 1] - low[1]) / pixel).astype(np.int64) + 2, 0, size - 2)
        corner = rows * size + cols
        at = np.concatenate([corner, corner + 1, corner + size, corner + size + 1])
        weight = np.tile(np.where(self._lit, 1.0, 0.15), 4)
        rgba = np.zeros((size * size, 4), dtype=np.float32)
        for c in range(3):
            rgba[:, c] = np.bincount(at, weights=np.tile(self._rgb[:, c], 4) * weight,
                                     minlength=size * size)
        count = np.bincount(at, weights=weight, minlength=size * size)
        filled = count > 0
        rgba[filled, :3] /= count[filled, None]
        rgba[:, 3] = np.where(filled, np.clip(110 + 120 * count, 0, 245), 0)
        rgba[filled & (count < 0.5), 3] = 45
        image = rgba.reshape(size, size, 4).astype(np.ubyte)
        self.image.setImage(image, levels=(0, 255))
        self.image.setRect(QRectF(float(low[0]) - 2 * pixel, float(low[1]) - 2 * pixel,
                                  size * pixel, size * pixel))

    def _in_view(self, rect: QRectF, margin: float = 0.0) -> np.ndarray:
        dx, dy = rect.width() * margin, rect.height() * margin
        x, y = self.xy[:, 0], self.xy[:, 1]
        return ((x >= rect.left() - dx) & (x <= rect.right() + dx)
                & (y >= rect.top() - dy) & (y <= rect.bottom() + dy))

    def _refresh_dots(self) -> None:
        """Dots for the points in and around the view when few enough; else the image."""
        if not len(self.xy):
            self.dots.clear()
            self.image.hide()
            return
        rect = self.box.viewRect()
        shown = self._shown
        if shown is not None:  # still inside what the dots cover, at a similar zoom
            left, top, right, bottom = shown
            width = right - left
            if (rect.left() >= left and rect.right() <= right and rect.top() >= top
                    and rect.bottom() <= bottom and rect.width() > width / 4):
                return
        near = self._in_view(rect, margin=0.5)
        if near.sum() > SCATTER_LIMIT * 2 or self._in_view(rect).sum() > SCATTER_LIMIT:
            self.dots.clear()
            self.image.show()
            self._shown = None
            return
        self.image.hide()
        rows = np.flatnonzero(near)
        brushes = [self._brushes[s] if lit else self._dim_brush
                   for s, lit in zip(self._steps[rows].tolist(), self._lit[rows].tolist(),
                                     strict=True)]
        self.dots.setData(pos=self.xy[rows], brush=brushes, data=rows)
        self._shown = (rect.left() - rect.width() * 0.5, rect.top() - rect.height() * 0.5,
                       rect.right() + rect.width() * 0.5, rect.bottom() + rect.height() * 0.5)

    # -- gestures ------------------------------------------------------------------------

    def point_at(self, scene_pos: QPointF) -> int:
        """The point nearest *scene_pos* within PICK_PIXELS, or -1."""
        if not len(self.xy):
            return -1
        here = self.box.mapSceneToView(scene_pos)
        px = self.box.viewPixelSize()
        d = ((self.xy[:, 0] - here.x()) / px[0]) ** 2 + ((self.xy[:, 1] - here.y()) / px[1]) ** 2
        best = int(np.argmin(d))
        return best if d[best] <= PICK_PIXELS ** 2 else -1

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        point = self.point_at(scene_pos)
        if point != self._hover:
            self.mark_hovered(point)
            self.hovered.emit(int(self.ids[point]) if point >= 0 else -1)

    def mark_hovered(self, point: int) -> None:
        """Ring the point under the pointer (-1: none)."""
        self._hover = point
        if point >= 0:
            self.ring.setData(pos=self.xy[[point]])
        else:
            self.ring.clear()

    def leaveEvent(self, event: object) -> None:  # type: ignore[override]
        self.mark_hovered(-1)
        self.card.hide()
        super().leaveEvent(event)  # type: ignore[arg-type]

    def clicked(self, ev: object) -> None:
        button = ev.button()  # type: ignore[attr-defined]
        point = self.point_at(ev.scenePos())  # type: ignore[attr-defined]
        if point < 0:
            return
        track_id = int(self.ids[point])
        ev.accept()  # type: ignore[attr-defined]
        if button == Qt.MouseButton.LeftButton:
            self.play_requested.emit(track_id)
        elif button == Qt.MouseButton.RightButton:
            self.point_menu(track_id).popup(QCursor.pos())

    def point_menu(self, track_id: int) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Play now", lambda: self.play_requested.emit(track_id))
        menu.addAction("Play next", lambda: self.next_requested.emit([track_id]))
        menu.addAction("Add to queue", lambda: self.queue_requested.emit([track_id]))
        menu.addSeparator()
        menu.addAction("Play a path to here", lambda: self.path_requested.emit(track_id))
        return menu

    def lasso_wanted(self, ev: object) -> bool:
        modifiers = ev.modifiers()  # type: ignore[attr-defined]
        return ev.button() == Qt.MouseButton.LeftButton and (  # type: ignore[attr-defined]
            self.lasso_on or bool(modifiers & Qt.KeyboardModifier.ShiftModifier))

    def lasso_drag(self, ev: object) -> None:
        ev.accept()  # type: ignore[attr-defined]
        here = self.box.mapSceneToView(ev.scenePos())  # type: ignore[attr-defined]
        if ev.isStart():  # type: ignore[attr-defined]
            self._lasso = [self.box.mapSceneToView(ev.buttonDownScenePos())]  # type: ignore[attr-defined]
        self._lasso.append(here)
        loop = np.array([[p.x(), p.y()] for p in [*self._lasso, self._lasso[0]]])
        self.lasso_line.setData(loop[:, 0], loop[:, 1])
        if ev.isFinish():  # type: ignore[attr-defined]
            self.lasso_line.clear()
            self.finish_lasso(loop[:-1])

    def finish_lasso(self, polygon: np.ndarray) -> None:
        """Queue the tracks inside *polygon* (map coordinates), nearest the start first."""
        self._lasso = []
        if len(polygon) < 3 or not len(self.xy):
            return
        inside = np.flatnonzero(inside_polygon(self.xy, polygon))
        if len(inside):
            start = polygon[0]
            order = np.argsort(np.sum((self.xy[inside] - start) ** 2, axis=1))
            self.queue_requested.emit([int(t) for t in self.ids[inside[order]]])

    def pick_colour(self, point: int) -> QColor:
        """The colour point *point* is drawn in (for tests and the legend)."""
        r, g, b = (int(v) for v in self._rgb[point])
        return QColor(r, g, b)
