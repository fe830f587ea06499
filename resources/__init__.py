"""Riffle's shipped files that are not code: the icon, the style sheet, the .desktop file.

A package so that a wheel carries them (package data) and an installed Riffle finds them
beside its code: `files()` is where they are, in a checkout and once installed alike.
"""

from __future__ import annotations

from importlib.resources import files as _files
from importlib.resources.abc import Traversable

#: The file names, as the desktop install and the window use them.
ICON = "riffle.svg"
STYLE_SHEET = "riffle.qss"
DESKTOP_ENTRY = "riffle.desktop"


def files() -> Traversable:
    """The folder of the shipped files."""
    return _files(__name__)
