"""The first start: ask where the music lives, then scan it.

Shown in place of the library while the library has no folders. The user's music folder is
suggested when it exists; a folder dropped on the window lands in the list too.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

INTRO = ("Riffle plays the music you own. Tell it where your music lives: it reads the "
         "tags, listens to each track once to learn how it sounds, and keeps an endless "
         "shuffle of songs you are likely to enjoy. Nothing leaves this computer.")


class WelcomePage(QWidget):
    """'Where is your music?' with a folder list and a Start button."""

    start_requested = Signal(list)  # folder paths

    def __init__(self, icon: QIcon, suggested: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        logo = QLabel()
        logo.setPixmap(icon.pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Welcome to Riffle")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignCenter)
        intro.setObjectName("welcomeIntro")
        ask = QLabel("Your music folders")
        ask.setObjectName("welcomeHeading")
        self.folders = QListWidget()
        self.folders.setAccessibleName("Music folders")
        self.folders.setMaximumHeight(130)
        if suggested:
            self.folders.addItem(suggested)
        add = QPushButton("Add folder…")
        add.clicked.connect(self._choose)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(self._remove)
        self.start = QPushButton("Scan and start listening")
        self.start.setObjectName("primaryButton")
        self.start.setDefault(True)
        self.start.clicked.connect(self._start)
        hint = QLabel("Tip: you can also drop a folder onto this window.")
        hint.setObjectName("hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.folders.model().rowsInserted.connect(self._update)
        self.folders.model().rowsRemoved.connect(self._update)

        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        buttons.addWidget(self.start)
        column = QVBoxLayout()
        column.setSpacing(12)
        column.addStretch(2)
        column.addWidget(logo)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addWidget(ask)
        column.addWidget(self.folders)
        column.addLayout(buttons)
        column.addWidget(hint)
        column.addStretch(3)
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(560)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 3)
        outer.addStretch(1)
        self._update()

    def add_folder(self, path: str) -> None:
        """Add a folder to the list (once)."""
        path = os.path.abspath(os.path.expanduser(path))
        if path not in self.chosen():
            self.folders.addItem(path)

    def chosen(self) -> list[str]:
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def _choose(self) -> None:
        start = self.chosen()[0] if self.chosen() else os.path.expanduser("~")
        path = QFileDialog.getExistingDirectory(self, "Choose a music folder", start)
        if path:
            self.add_folder(path)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def _update(self, *args: object) -> None:
        self.start.setEnabled(self.folders.count() > 0)
        self.remove.setEnabled(self.folders.count() > 0)

    def _start(self) -> None:
        if self.chosen():
            self.start_requested.emit(self.chosen())
