"""The now-playing bar: cover, title, transport, position, volume and the track's stars.

It only shows what it is told and reports what the person does (signals); the window's
player wiring (player_panel.py) connects it to the session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player.formatting import clock
from player.models import Track
from ui.icons import icon
from ui.plain_text import plain_label, tooltip
from ui.sliders import JumpSlider
from ui.stars import StarRating

COVER_SIZE = 64


def placeholder_cover(size: int, palette: QPalette) -> QPixmap:
    """A neutral square with a note, for tracks without cover art."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    base = palette.color(QPalette.ColorRole.Mid)
    base.setAlphaF(0.35)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(base)
    p.drawRoundedRect(QRectF(0, 0, size, size), 6, 6)
    note = QColor(palette.color(QPalette.ColorRole.WindowText))
    note.setAlphaF(0.35)
    p.setBrush(note)
    s = size
    p.drawEllipse(QRectF(s * 0.28, s * 0.58, s * 0.2, s * 0.15))
    p.drawRect(QRectF(s * 0.43, s * 0.28, s * 0.05, s * 0.38))
    p.drawRect(QRectF(s * 0.43, s * 0.28, s * 0.22, s * 0.06))
    p.drawEllipse(QRectF(s * 0.52, s * 0.52, s * 0.2, s * 0.15))
    p.drawRect(QRectF(s * 0.67, s * 0.28, s * 0.05, s * 0.32))
    p.end()
    return pixmap


class NowPlayingBar(QWidget):
    """Cover | title and details | transport and position | volume and stars."""

    play_pause_clicked = Signal()
    next_clicked = Signal()
    previous_clicked = Signal()
    seek_requested = Signal(int)  # milliseconds
    volume_changed = Signal(int)  # percent
    mute_toggled = Signal(bool)
    rated = Signal(int)  # stars 0–5 for the playing track
    cover_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nowPlaying")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._duration_ms = 0
        self._cover: bytes | None = None
        self._seeking = False
        self._playing = False

        self.cover = QLabel()
        self.cover.setFixedSize(COVER_SIZE, COVER_SIZE)
        self.cover.setCursor(Qt.CursorShape.PointingHandCursor)
        self.cover.setToolTip("Show the playing track in the library")
        self.cover.mousePressEvent = lambda _e: self.cover_clicked.emit()  # type: ignore
        self.title = plain_label(QLabel())
        self.title.setObjectName("npTitle")
        self.details = plain_label(QLabel())
        self.details.setObjectName("npDetails")
        for label in (self.title, self.details):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stars = StarRating()
        self.stars.rated.connect(self.rated)
        self.problem = QLabel()
        self.problem.setObjectName("npProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.problem.hide()

        self.previous = self._button("previous", "Previous (Ctrl+Left)", 20)
        self.previous.clicked.connect(self.previous_clicked)
        self.play = self._button("play", "Play (Space)", 28)
        self.play.clicked.connect(self.play_pause_clicked)
        self.next = self._button("next", "Next (Ctrl+Right)", 20)
        self.next.clicked.connect(self.next_clicked)
        self.elapsed = QLabel("0:00")
        self.remaining = QLabel("0:00")
        for label in (self.elapsed, self.remaining):
            label.setObjectName("npTime")
            label.setMinimumWidth(42)
        self.elapsed.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.seek = JumpSlider(Qt.Orientation.Horizontal)
        self.seek.setAccessibleName("Position")
        self.seek.sliderPressed.connect(self._seek_started)
        self.seek.sliderMoved.connect(self._seek_moved)
        self.seek.sliderReleased.connect(self._seek_finished)
        self.mute = self._button("volume", "Mute", 18)
        self.mute.setCheckable(True)
        self.mute.toggled.connect(self._mute_toggled)
        self.volume = JumpSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setFixedWidth(96)
        self.volume.setAccessibleName("Volume")
        self.volume.valueChanged.connect(self._volume_moved)

        text_box = QWidget()
        text_box.setMinimumWidth(220)
        text_box.setMaximumWidth(420)
        text_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        text = QVBoxLayout(text_box)
        text.setContentsMargins(0, 0, 0, 0)
        text.setSpacing(2)
        text.addStretch(1)
        text.addWidget(self.title)
        text.addWidget(self.details)
        text.addWidget(self.problem)
        text.addWidget(self.stars)
        text.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.previous, self.play, self.next):
            buttons.addWidget(button)
        buttons.addStretch(1)
        position = QHBoxLayout()
        position.addWidget(self.elapsed)
        position.addWidget(self.seek, 1)
        position.addWidget(self.remaining)
        middle = QVBoxLayout()
        middle.setSpacing(0)
        middle.addLayout(buttons)
        middle.addLayout(position)
        volume = QHBoxLayout()
        volume.addWidget(self.mute)
        volume.addWidget(self.volume)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 6, 8, 6)
        row.setSpacing(12)
        row.addWidget(self.cover)
        row.addWidget(text_box, 2)
        row.addLayout(middle, 3)
        row.addLayout(volume)
        self.show_track(None)

    # -- what the wiring calls ---------------------------------------------------------------

    def show_track(self, track: Track | None) -> None:
        """Show the loaded track (None: nothing loaded)."""
        enabled = track is not None
        if track is None:
            self.title.setText("Nothing playing")
            self.details.setText("Double-click a track, or press Space to start the shuffle")
            self.show_cover(None)
            self.stars.set_stars(0)
        else:
            self.title.setText(track.display_title)
            self.details.setText(f"{track.display_artist} — {track.display_album}"
                                 + (f" ({track.year})" if track.year else ""))
            self.stars.set_stars(track.rating)
            self.title.setToolTip(tooltip(track.path))
        self.stars.setEnabled(enabled)
        self.seek.setEnabled(enabled)
        if not enabled:
            self.show_position(0, 0)

    def show_cover(self, image: bytes | None) -> None:
        self._cover = image
        pixmap = QPixmap()
        if image and pixmap.loadFromData(image):
            ratio = self.devicePixelRatioF()
            pixmap = pixmap.scaled(QSize(COVER_SIZE, COVER_SIZE) * ratio,
                                   Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                   Qt.TransformationMode.SmoothTransformation)
            pixmap.setDevicePixelRatio(ratio)
            self.cover.setPixmap(pixmap)
        else:
            self.cover.setPixmap(placeholder_cover(COVER_SIZE, self.palette()))

    def show_playing(self, playing: bool) -> None:
        self._playing = playing
        self.play.setIcon(icon("pause" if playing else "play", 28))
        self.play.setToolTip("Pause (Space)" if playing else "Play (Space)")

    def show_position(self, position_ms: int, duration_ms: int) -> None:
        """Move the slider and times, unless the person is dragging the slider."""
        self._duration_ms = max(0, duration_ms)
        if self._seeking:
            return
        self.seek.blockSignals(True)
        self.seek.setRange(0, max(0, duration_ms // 1000))
        self.seek.setValue(max(0, position_ms // 1000))
        self.seek.blockSignals(False)
        self._show_times(position_ms)

    def show_volume(self, percent: int, muted: bool) -> None:
        self.volume.blockSignals(True)
        self.volume.setValue(percent)
        self.volume.blockSignals(False)
        self.mute.blockSignals(True)
        self.mute.setChecked(muted)
        self.mute.blockSignals(False)
        self.mute.setIcon(icon("muted" if muted else "volume", 18))

    def show_rating(self, stars: int | None) -> None:
        self.stars.set_stars(stars)

    def show_problem(self, text: str | None) -> None:
        """Say plainly why nothing can be heard (no sound output); None hides it."""
        self.problem.setText(text or "")
        self.problem.setToolTip(text or "")
        self.problem.setVisible(bool(text))

    # -- inside ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._cover is None:
            self.show_cover(None)  # the empty cover is drawn in the palette's colours

    def _button(self, name: str, tip: str, size: int) -> QToolButton:
        button = QToolButton()
        button.setObjectName("transport")
        button.setIcon(icon(name, size))
        button.setIconSize(QSize(size, size))
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        return button

    def _show_times(self, position_ms: int) -> None:
        self.elapsed.setText(clock(position_ms / 1000))
        left = max(0, self._duration_ms - position_ms)
        self.remaining.setText("-" + clock(left / 1000) if self._duration_ms else "")

    def _seek_started(self) -> None:
        self._seeking = True

    def _seek_moved(self, seconds: int) -> None:
        self._show_times(seconds * 1000)

    def _seek_finished(self) -> None:
        self._seeking = False
        self.seek_requested.emit(self.seek.value() * 1000)

    def _volume_moved(self, percent: int) -> None:
        self.volume_changed.emit(percent)

    def _mute_toggled(self, muted: bool) -> None:
        self.mute.setIcon(icon("muted" if muted else "volume", 18))
        self.mute_toggled.emit(muted)
