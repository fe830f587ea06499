"""The tray icon: play/pause, next, previous, the current track, show/hide and quit; and
closing the window to the tray when that setting is on.

Shown only where the desktop has a tray (QSystemTrayIcon.isSystemTrayAvailable); without
one, closing the window quits as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from ui.icons import icon


class TrayMenu(QMenu):
    """The tray's menu: what plays, the transport, the window, quit."""

    def __init__(self, toggle: Callable[[], None], next_: Callable[[], None],
                 previous: Callable[[], None], show_hide: Callable[[], None],
                 quit_: Callable[[], None]) -> None:
        super().__init__()
        self.now = self.addAction("Nothing playing")
        self.now.setEnabled(False)
        self.addSeparator()
        self.play = self.addAction(icon("play", 16), "Play", toggle)
        self.next = self.addAction(icon("next", 16), "Next", next_)
        self.previous = self.addAction(icon("previous", 16), "Previous", previous)
        self.addSeparator()
        self.show_hide: QAction = self.addAction("Hide Riffle", show_hide)
        self.quit: QAction = self.addAction("Quit", quit_)

    def show_state(self, text: str, playing: bool, window_visible: bool) -> None:
        self.now.setText(text or "Nothing playing")
        self.play.setText("Pause" if playing else "Play")
        self.play.setIcon(icon("pause" if playing else "play", 16))
        self.show_hide.setText("Hide Riffle" if window_visible else "Show Riffle")


class Tray(QObject):
    """A tray icon over *window*; `close_to_tray` decides what closing the window does."""

    def __init__(self, window: QMainWindow, app_icon: QIcon, menu: TrayMenu,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.window = window
        self.menu = menu
        self.close_to_tray = False
        self.quitting = False
        self.icon = QSystemTrayIcon(app_icon, self)
        self.icon.setToolTip("Riffle")
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._activated)
        menu.aboutToShow.connect(self._menu_opens)
        window.installEventFilter(self)
        self._text = ""
        self._playing = False

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def show_state(self, text: str, playing: bool) -> None:
        self._text, self._playing = text, playing
        self.icon.setToolTip(f"Riffle — {text}" if text else "Riffle")
        self.menu.show_state(text, playing, self.window.isVisible())

    def show_hide(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            raise_window(self.window)

    def hide(self) -> None:
        self.icon.hide()

    def _menu_opens(self) -> None:
        self.menu.show_state(self._text, self._playing, self.window.isVisible())

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.show_hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.window and event.type() == QEvent.Type.Close
                and self.close_to_tray and not self.quitting and self.icon.isVisible()):
            event.ignore()
            self.window.hide()
            return True
        return False


def raise_window(window: QMainWindow) -> None:
    """Show *window* in front (after a hide to the tray, a minimise, or a second launch)."""
    window.show()
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
