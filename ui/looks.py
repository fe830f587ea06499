"""A light and a dark palette for the Fusion style, following the desktop's choice.

Qt reports the desktop's colour scheme (QStyleHints.colorScheme) where the platform knows
it, and says when it changes; Riffle then switches palettes at once. Where the platform
does not say (Unknown), the desktop's own palette as Qt found it at start decides, and a
GTK_THEME ending in ":dark" counts as a dark desktop. Both palettes are Riffle's own, so
the window looks the same on every desktop and both were looked at.
"""

from __future__ import annotations

import os
from enum import StrEnum

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup


class Scheme(StrEnum):
    LIGHT = "light"
    DARK = "dark"


#: Role → (active colour, disabled colour or None for the same).
_LIGHT: dict[QPalette.ColorRole, tuple[str, str | None]] = {
    _Role.Window: ("#efefef", None), _Role.WindowText: ("#1d1d1f", "#9a9a9a"),
    _Role.Base: ("#ffffff", "#f4f4f4"), _Role.AlternateBase: ("#f5f6f8", None),
    _Role.ToolTipBase: ("#ffffdc", None), _Role.ToolTipText: ("#1d1d1f", None),
    _Role.PlaceholderText: ("#6b6e74", None), _Role.Text: ("#1d1d1f", "#9a9a9a"),
    _Role.Button: ("#e8e8e8", None), _Role.ButtonText: ("#1d1d1f", "#9a9a9a"),
    _Role.BrightText: ("#ffffff", None), _Role.Light: ("#ffffff", None),
    _Role.Midlight: ("#dcdcdc", None), _Role.Mid: ("#b8b8b8", None),
    _Role.Dark: ("#9f9f9f", None), _Role.Shadow: ("#767676", None),
    _Role.Highlight: ("#2f6fd6", "#c8c8c8"), _Role.HighlightedText: ("#ffffff", None),
    _Role.Link: ("#1f5fc4", None), _Role.LinkVisited: ("#6a3fb5", None),
}
_DARK: dict[QPalette.ColorRole, tuple[str, str | None]] = {
    _Role.Window: ("#2b2c2f", None), _Role.WindowText: ("#e6e6e6", "#6f7074"),
    _Role.Base: ("#1f2023", "#26272a"), _Role.AlternateBase: ("#26272b", None),
    _Role.ToolTipBase: ("#3a3b3f", None), _Role.ToolTipText: ("#e6e6e6", None),
    _Role.PlaceholderText: ("#9a9ca1", None), _Role.Text: ("#e6e6e6", "#6f7074"),
    _Role.Button: ("#36373b", None), _Role.ButtonText: ("#e6e6e6", "#6f7074"),
    _Role.BrightText: ("#ffffff", None), _Role.Light: ("#4a4b50", None),
    _Role.Midlight: ("#3e3f43", None), _Role.Mid: ("#55565b", None),
    _Role.Dark: ("#18191b", None), _Role.Shadow: ("#000000", None),
    _Role.Highlight: ("#2c63c7", "#45464b"), _Role.HighlightedText: ("#ffffff", None),
    _Role.Link: ("#7fb0ff", None), _Role.LinkVisited: ("#b59cf0", None),
}


def palette(scheme: Scheme) -> QPalette:
    """Riffle's palette for *scheme*."""
    colours = _DARK if scheme is Scheme.DARK else _LIGHT
    result = QPalette()
    for role, (active, disabled) in colours.items():
        for group in (_Group.Active, _Group.Inactive):
            result.setColor(group, role, QColor(active))
        result.setColor(_Group.Disabled, role, QColor(disabled or active))
    return result


def is_dark(colours: QPalette) -> bool:
    """Whether a palette is a dark one (its window darker than its text)."""
    return colours.color(_Role.Window).lightness() < colours.color(_Role.WindowText).lightness()


def apply_scheme(app: QApplication, scheme: Scheme) -> None:
    """Use the palette of *scheme* in the whole application, style sheet included."""
    app.setPalette(palette(scheme))
    sheet = app.styleSheet()
    if sheet:  # palette(...) in the style sheet is read when it is set
        app.setStyleSheet(sheet)


class DesktopLooks(QObject):
    """Keeps the application's palette on the desktop's light or dark choice."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._desktop_dark = is_dark(app.palette()) or os.environ.get(
            "GTK_THEME", "").lower().endswith(":dark")
        self.scheme = Scheme.LIGHT
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.follow)
        self.follow(hints.colorScheme())

    def follow(self, desktop: Qt.ColorScheme) -> None:
        """The desktop says it is light, dark, or (Unknown) nothing: pick the palette."""
        if desktop == Qt.ColorScheme.Dark:
            scheme = Scheme.DARK
        elif desktop == Qt.ColorScheme.Light:
            scheme = Scheme.LIGHT
        else:
            scheme = Scheme.DARK if self._desktop_dark else Scheme.LIGHT
        self.scheme = scheme
        apply_scheme(self._app, scheme)
