"""Showing text from files (tags, names, paths) as the text it is, never as rich text.

Qt guesses: a QLabel (with its default AutoText format) and every tooltip render text that
looks like HTML as HTML, so an artist `<img src=... width=3000>` would load a local image
and stretch the window, and `<a href=...>` would become a link. Labels that show file text
are set to plain text with `plain_label`; tooltips, which have no such setting, get the
text escaped into rich text that shows exactly the characters given (`tooltip`).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtGui import Qt as QtText
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def plain_label(label: QLabel) -> QLabel:
    """*label*, set to show its text as plain text whatever it looks like."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip(text: str) -> str:
    """Tooltip text that shows *text* as it is (escaped; line breaks kept); '' stays ''."""
    if not text:
        return ""
    return QtText.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


class ElidedLabel(QLabel):
    """One line of plain text that gives way to its neighbours: it asks for its text's
    width up to *widest* pixels, takes less when the row is short, and ends in "…" when the
    text does not fit; the tooltip holds the whole text."""

    def __init__(self, widest: int = 280, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        plain_label(self)
        self._full = ""
        self._widest = widest
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        super().setText(text)
        self.setToolTip(tooltip(text))
        self.updateGeometry()

    def full_text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """The text as it fits now (elided)."""
        return self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(min(hint.width(), self._widest), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("…") * 6),
                     hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())
