"""The Playback menu's modes and keys: Stop, stop after this track, repeat, seek and volume
keys, and Help's list of every shortcut.

Each action is one call on the Session (or on the bar, whose volume slider saves the
volume); the repeat mode is saved as a setting. After a stop the bar shows 0:00 of the
track that waits, whoever stopped it (a key, the menu, MPRIS, "stop after this track").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from player import edits
from player import settings as s
from player.backend import PlayerState
from player.queue import RepeatMode
from player.settings import Settings
from ui.tasks import BackgroundWork

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.player_control import PlayerControl

#: How far the seek keys jump, in milliseconds; how much the volume keys change, in percent.
SEEK_STEP_MS = 5000
VOLUME_STEP = 5
_REPEAT_TEXT = {RepeatMode.OFF: "Off", RepeatMode.ONE: "This track",
                RepeatMode.QUEUE: "The queue"}
#: Keys that belong to one panel rather than to a menu action, for the shortcuts list.
PANEL_KEYS = [
    ("Enter / double-click", "Play the selected tracks (library), play this entry (queue)"),
    ("Delete", "Remove the selected entries from the queue"),
    ("Type in the filter box", "Filter the library with the command line's words"),
]


class PlaybackModes(QObject):
    """Adds the modes and keys to the window's Playback menu and follows the session."""

    def __init__(self, window: MainWindow, control: PlayerControl, work: BackgroundWork,
                 settings: Settings) -> None:
        super().__init__(window)
        self.window = window
        self.control = control
        self.session = control.session
        self.bar = control.bar
        self.work = work
        app = Qt.ShortcutContext.ApplicationShortcut
        add = window.add_action
        add("&Playback", "Stop", self.stop,
            [QKeySequence("Ctrl+."), QKeySequence(Qt.Key.Key_MediaStop)], app)
        self.stop_after = add("&Playback", "Stop after this track", self._stop_after_toggled,
                              "Ctrl+Shift+.")
        self.stop_after.setCheckable(True)
        menu = window.menu("&Playback").addMenu("Repeat")
        group = QActionGroup(self)
        self.repeat_actions: dict[RepeatMode, QAction] = {}
        for mode in RepeatMode:
            action = menu.addAction(_REPEAT_TEXT[mode])
            action.setCheckable(True)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, m=mode: self.set_repeat(m))
            self.repeat_actions[mode] = action
        add("&Playback", "Repeat: next mode", self.cycle_repeat, "Ctrl+R")
        window.menu("&Playback").addSeparator()
        add("&Playback", "Forward 5 seconds", lambda: self.seek_by(SEEK_STEP_MS),
            [QKeySequence("Alt+Right"), QKeySequence(Qt.Key.Key_AudioForward)], app)
        add("&Playback", "Back 5 seconds", lambda: self.seek_by(-SEEK_STEP_MS),
            [QKeySequence("Alt+Left"), QKeySequence(Qt.Key.Key_AudioRewind)], app)
        add("&Playback", "Volume up", lambda: self.volume_by(VOLUME_STEP), "Ctrl+Up", app)
        add("&Playback", "Volume down", lambda: self.volume_by(-VOLUME_STEP), "Ctrl+Down",
            app)
        add("&Playback", "Mute", lambda: self.bar.mute.toggle(), "Ctrl+M", app)
        window.menu("&Playback").addSeparator()
        self.session.listeners.append(self.refresh)
        self.refresh()

    # -- actions -----------------------------------------------------------------------------

    def stop(self) -> None:
        self.session.stop()

    def _stop_after_toggled(self) -> None:
        self.session.set_stop_after_current(self.stop_after.isChecked())

    def set_repeat(self, mode: RepeatMode) -> None:
        """Repeat off, this track, or the queue; shown in the menu and saved."""
        self.session.set_repeat(mode)
        self.refresh()

        self.work.write(lambda store: edits.save_settings(store, {s.REPEAT: mode.value}),
                        name="save repeat")

    def cycle_repeat(self) -> None:
        order = list(RepeatMode)
        self.set_repeat(order[(order.index(self.session.queue.repeat) + 1) % len(order)])

    def seek_by(self, delta_ms: int) -> None:
        """Jump *delta_ms* milliseconds (negative: back) within the playing track."""
        if not self.session.active:
            return
        position = (self.session.position_ms() or 0) + delta_ms
        duration = self.session.duration_ms()
        if duration:
            position = min(position, max(0, duration - 1000))
        self.session.seek(max(0, position))
        self.bar.show_position(max(0, position), duration or 0)

    def volume_by(self, delta: int) -> None:
        """Change the volume by *delta* percent through the bar (shown and saved)."""
        self.bar.volume.setValue(max(0, min(100, self.bar.volume.value() + delta)))

    # -- following the session ---------------------------------------------------------------

    def refresh(self) -> None:
        session = self.session
        self.repeat_actions[session.queue.repeat].setChecked(True)
        self.stop_after.setChecked(session.stop_after_current)
        if session.track is not None and session.state is PlayerState.STOPPED:
            self.bar.show_position(0, session.duration_ms() or 0)
        self.bar.show_problem(session.no_output)

    def detach(self) -> None:
        if self.refresh in self.session.listeners:
            self.session.listeners.remove(self.refresh)


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, in menu order, then the
    panels' own keys."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if keys:
            rows.append((", ".join(keys), action.text().replace("&", "")))
    return rows + PANEL_KEYS


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, in a table."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 520)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, text) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def show_shortcuts(window: QWidget, actions: Callable[[], list[QAction]]) -> ShortcutsDialog:
    dialog = ShortcutsDialog(shortcut_rows(actions()), window)
    dialog.show()
    return dialog

