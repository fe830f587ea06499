"""Showing text from files (tags, names, paths) as the text it is, never as rich text.

Qt guesses: a QLabel (with its default AutoText format) and every tooltip render text that
looks like HTML as HTML, so an artist `<img src=... width=3000>` would load a local image
and stretch the window, and `<a href=...>` would become a link. Labels that show file text
are set to plain text with `plain_label`; tooltips, which have no such setting, get the
text escaped into rich text that shows exactly the characters given (`tooltip`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtText
from PySide6.QtWidgets import QLabel


def plain_label(label: QLabel) -> QLabel:
    """*label*, set to show its text as plain text whatever it looks like."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tooltip(text: str) -> str:
    """Tooltip text that shows *text* as it is (escaped; line breaks kept); '' stays ''."""
    if not text:
        return ""
    return QtText.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
