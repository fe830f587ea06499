"""The list of files Riffle could not read or play, or found damaged, each with the reason.

It follows the library while open (`set_problems`): a file that fails to play joins it at
once. Texts are never cut off: the reason wraps, and the file picked is shown whole below
the list with its folder.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from player.formatting import PROBLEM_KINDS, path_text, problem_text
from ui.plain_text import plain_label, tooltip
from ui.problems import Problem

_PATH_ROLE = Qt.ItemDataRole.UserRole + 1
#: Room the item view keeps beside a cell's text, in pixels.
_TEXT_MARGIN = 10


def wrapped_height(text: str, font: QFont, width: int) -> int:
    """How tall *text* is when wrapped to *width* pixels the way item views wrap it (at
    word boundaries, or anywhere in a word longer than the line)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    height = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1, width))
        height += line.height()
    layout.endLayout()
    return math.ceil(height)


class _WrappingRows(QStyledItemDelegate):
    """Rows as tall as their cells' text wrapped to the columns' widths: nothing is cut."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        width = self._view.columnWidth(index.column()) - _TEXT_MARGIN
        text = index.data() or ""
        needed = wrapped_height(text, option.font, width) + 6  # type: ignore[attr-defined]
        return QSize(hint.width(), max(hint.height(), needed))


class ErrorsDialog(QDialog):
    """A table of (file, kind, problem); double-click shows the file in its folder."""

    reveal_requested = Signal(str)

    def __init__(self, problems: Sequence[Problem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Files with problems")
        self.resize(860, 480)
        self._problems: list[Problem] = []
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["File", "Kind", "Problem"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setUniformRowHeights(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setItemDelegate(_WrappingRows(self.list))
        header = self.list.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setColumnWidth(0, 280)
        header.sectionResized.connect(lambda *_: self.list.doItemsLayout())
        self.list.itemDoubleClicked.connect(
            lambda item, _col: self.reveal_requested.emit(item.data(0, _PATH_ROLE)))
        self.list.currentItemChanged.connect(lambda item, _old: self._show_details(item))
        self.details = plain_label(QLabel())
        self.details.setObjectName("problemDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = QPushButton("Copy list")
        copy.clicked.connect(self._copy)
        self.reveal = QPushButton("Show in folder")
        self.reveal.clicked.connect(self._reveal_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.reveal, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.set_problems(problems)

    def set_problems(self, problems: Sequence[Problem]) -> None:
        """Show this list (it changed while the dialog was open); the picked file stays."""
        current = self.list.currentItem()
        picked = current.data(0, _PATH_ROLE) if current is not None else None
        self._problems = list(problems)
        count = len(self._problems)
        self.intro.setText(
            f"Riffle cannot use {count:,} file{'s' if count != 1 else ''} as it should. "
            "They keep their place and history in the library; fix or replace them and "
            "scan again (F5)." if count else "Every file in the library can be read and "
            "played.")
        self.list.clear()
        for path, kind, reason in self._problems:
            text = problem_text(kind, reason)
            shown = path_text(path)
            item = QTreeWidgetItem([os.path.basename(shown), PROBLEM_KINDS.get(kind, kind),
                                    text])
            item.setData(0, _PATH_ROLE, path)
            item.setToolTip(0, tooltip(shown))
            item.setToolTip(2, tooltip(text))
            self.list.addTopLevelItem(item)
            if path == picked:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self._show_details(self.list.currentItem())

    def _show_details(self, item: QTreeWidgetItem | None) -> None:
        self.reveal.setEnabled(item is not None)
        self.details.setVisible(item is not None)
        if item is None:
            self.details.setText("")
            return
        path = path_text(item.data(0, _PATH_ROLE))
        self.details.setText(f"{path}\n{item.text(2)}")

    def _reveal_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.reveal_requested.emit(item.data(0, _PATH_ROLE))

    def _copy(self) -> None:
        text = "\n".join(f"{path_text(path)}\t{problem_text(kind, reason)}"
                         for path, kind, reason in self._problems)
        QGuiApplication.clipboard().setText(text)
