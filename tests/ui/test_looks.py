"""ui/looks.py: a light and a dark palette, chosen as the desktop says, both readable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.looks import DesktopLooks, Scheme, is_dark, palette

Role = QPalette.ColorRole


def _luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", list(Scheme))
def test_both_palettes_are_readable(scheme: Scheme) -> None:
    colours = palette(scheme)
    assert is_dark(colours) is (scheme is Scheme.DARK)
    for text, ground in ((Role.Text, Role.Base), (Role.Text, Role.AlternateBase),
                         (Role.WindowText, Role.Window), (Role.ButtonText, Role.Button),
                         (Role.HighlightedText, Role.Highlight)):
        assert contrast(colours.color(text), colours.color(ground)) >= 4.5, (text, ground)
    assert contrast(colours.color(Role.Text), colours.color(Role.Base)) >= 12
    assert contrast(colours.color(Role.PlaceholderText), colours.color(Role.Base)) >= 4.5


@pytest.fixture
def app_restored(qapp: QApplication) -> Iterator[QApplication]:
    before, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    yield qapp
    qapp.setPalette(before)
    qapp.setStyleSheet(sheet)


def test_the_palette_follows_the_desktop_when_it_changes(app_restored: QApplication) -> None:
    app = app_restored
    looks = DesktopLooks(app)
    try:
        assert looks.scheme is Scheme.LIGHT  # the offscreen desktop is light and says nothing
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert looks.scheme is Scheme.DARK and is_dark(app.palette())
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert looks.scheme is Scheme.LIGHT and not is_dark(app.palette())
    finally:
        app.styleHints().colorSchemeChanged.disconnect(looks.follow)
        looks.deleteLater()
