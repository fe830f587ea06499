"""The queue panel: what plays next, the Auto-shuffle switch and the discover slider."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.queue_model import QueueDelegate, QueueModel
from ui.sliders import JumpSlider

EMPTY_HINT = ("Nothing queued.\n\nDrag tracks here, use “Add to queue”, or switch "
              "Auto-shuffle on to keep the music going.")
READING = "Reading the library…"
#: The discover slider moves in steps of 1 on a 0–100 scale (the setting is 0–1).
DISCOVER_STEPS = 100


class QueueList(QListView):
    """The upcoming entries; Delete removes the selected ones, Enter plays one now."""

    remove_requested = Signal(list)  # queue keys
    play_requested = Signal(int)  # a queue key

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        if isinstance(model, QueueModel):
            rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and rows:
                self.remove_requested.emit(model.keys(rows))
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and rows:
                self.play_requested.emit(model.keys(rows[:1])[0])
                return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            ready = not isinstance(model, QueueModel) or model.ready()
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(16, 16, -16, -16),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             EMPTY_HINT if ready else READING)


class QueuePanel(QWidget):
    """Header, the list of what plays next, and the auto-shuffle controls."""

    play_requested = Signal(int)  # a queue key to play now
    why_requested = Signal(int)  # a queue key: why the auto-shuffle (would have) picked it
    flow_requested = Signal()  # put what the listener queued in flow order
    rated = Signal(int, int)  # track id, stars
    auto_toggled = Signal(bool)
    discover_changed = Signal(float)  # 0.0 familiar … 1.0 adventurous
    clear_requested = Signal()

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        title = QLabel("Up next")
        title.setObjectName("queueHeading")
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        clear = QToolButton()
        clear.setText("Clear")
        clear.setAutoRaise(True)
        clear.setToolTip("Empty the queue (the auto-shuffle refills it)")
        clear.clicked.connect(self.clear_requested)

        self.list = QueueList()
        self.list.setModel(model)
        self.delegate = QueueDelegate(self.list)
        self.delegate.rated.connect(self._star_clicked)
        self.list.setItemDelegate(self.delegate)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setDragEnabled(True)
        self.list.setAcceptDrops(True)
        self.list.setDropIndicatorShown(True)
        self.list.setMouseTracking(True)
        self.list.setAccessibleName("Queue")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.doubleClicked.connect(self._double_clicked)
        self.list.remove_requested.connect(self.model.queue.remove)
        self.list.play_requested.connect(self.play_requested)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)

        self.auto = QCheckBox("Auto-shuffle")
        self.auto.setToolTip("Keep the queue filled with tracks you are likely to enjoy")
        self.auto.toggled.connect(self.auto_toggled)
        self.discover = JumpSlider(Qt.Orientation.Horizontal)
        self.discover.setRange(0, DISCOVER_STEPS)
        self.discover.setAccessibleName("Discover: familiar to adventurous")
        self.discover.setToolTip("How far the auto-shuffle strays from what you rated")
        self._discover_timer = QTimer(self)
        self._discover_timer.setSingleShot(True)
        self._discover_timer.setInterval(250)
        self._discover_timer.timeout.connect(
            lambda: self.discover_changed.emit(self.discover.value() / DISCOVER_STEPS))
        self.discover.valueChanged.connect(lambda _v: self._discover_timer.start())
        familiar, adventurous = QLabel("Familiar"), QLabel("Adventurous")
        for label in (familiar, adventurous):
            label.setObjectName("hint")

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(clear)
        ends = QHBoxLayout()  # the ends' names under the slider, so it keeps its length
        ends.setContentsMargins(0, 0, 0, 0)
        ends.addWidget(familiar)
        ends.addStretch(1)
        ends.addWidget(adventurous)
        slider = QVBoxLayout()
        slider.setSpacing(0)
        slider.addWidget(self.discover)
        slider.addLayout(ends)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.auto)
        layout.addLayout(slider)
        model.modelReset.connect(self._update_count)
        self._update_count()

    def show_settings(self, auto: bool, discover: float) -> None:
        """Show stored values without announcing them as changes."""
        for widget, value in ((self.auto, auto), (self.discover, round(discover * 100))):
            widget.blockSignals(True)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            else:
                widget.setValue(int(value))
            widget.blockSignals(False)
        self.discover.setEnabled(auto)

    def selected_track_ids(self) -> list[int]:
        """The tracks of the selected queue rows, in queue order."""
        rows = sorted({i.row() for i in self.list.selectionModel().selectedIndexes()})
        return [self.model.entry(r).track_id for r in rows if r < self.model.rowCount()]

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count.setText(f"{n} track{'s' if n != 1 else ''}" if n else "")
        self.discover.setEnabled(self.auto.isChecked())

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.play_requested.emit(self.model.entry(index.row()).key)

    def _star_clicked(self, row: int, stars: int) -> None:
        self.rated.emit(self.model.entry(row).track_id, stars)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        rows = sorted({i.row() for i in self.list.selectionModel().selectedIndexes()})
        if index.row() not in rows:
            rows = [index.row()]
        keys = self.model.keys(rows)
        menu = QMenu(self)
        menu.addAction("Play now", lambda: self.play_requested.emit(keys[0]))
        menu.addAction("Remove from queue", lambda: self.model.queue.remove(keys))
        why = menu.addAction("Why this track?", lambda: self.why_requested.emit(keys[0]))
        why.setEnabled(len(keys) == 1)
        flow = menu.addAction("Order for flow", self.flow_requested.emit)
        flow.setToolTip("Reorder the tracks you queued so each sounds like the one before")
        flow.setEnabled(len(self.model.queue.user_part) >= 3)
        menu.popup(self.list.viewport().mapToGlobal(pos))
