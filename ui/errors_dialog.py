"""The list of files Riffle could not read or play, each with the reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.plain_text import tooltip


class ErrorsDialog(QDialog):
    """A table of (file, problem); double-click shows the file in its folder."""

    reveal_requested = Signal(str)

    def __init__(self, problems: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Files with problems")
        self.resize(760, 420)
        self._problems = list(problems)
        intro = QLabel(
            f"Riffle could not use {len(self._problems):,} file"
            f"{'s' if len(self._problems) != 1 else ''}. They stay in the library with their "
            "history; fix or replace them and scan again." if self._problems
            else "Every file in the library could be read.")
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["File", "Problem"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        for path, reason in self._problems:
            item = QTreeWidgetItem([path, reason])
            item.setToolTip(0, tooltip(path))
            item.setToolTip(1, tooltip(reason))
            self.list.addTopLevelItem(item)
        self.list.setColumnWidth(0, 430)
        self.list.itemDoubleClicked.connect(
            lambda item, _col: self.reveal_requested.emit(item.text(0)))
        copy = QPushButton("Copy list")
        copy.clicked.connect(self._copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _copy(self) -> None:
        text = "\n".join(f"{path}\t{reason}" for path, reason in self._problems)
        QGuiApplication.clipboard().setText(text)
