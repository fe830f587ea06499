"""Where the window remembers its looks: size, splitters, columns, open panels.

Kept in an INI file of its own (not the library database): it describes this screen and
this desktop, not the music. main.py passes the path; tests pass a temporary one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs

from PySide6.QtCore import QByteArray, QSettings

from player.paths import APP_NAME


def default_state_path() -> Path:
    """The window state file in the user's config folder, e.g. ~/.config/Riffle/."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "window.ini"


class WindowState:
    """Typed reads and writes of the window's remembered layout."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._qs.setValue(key, value)

    def flag(self, key: str, default: bool) -> bool:
        value: Any = self._qs.value(key, default)
        if isinstance(value, str):
            return value.lower() in {"1", "true", "yes"}
        return bool(value)

    def set_flag(self, key: str, value: bool) -> None:
        self._qs.setValue(key, bool(value))

    def number(self, key: str, default: int) -> int:
        try:
            return int(self._qs.value(key, default))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def set_number(self, key: str, value: int) -> None:
        self._qs.setValue(key, int(value))

    def text(self, key: str, default: str) -> str:
        value: Any = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def set_text(self, key: str, value: str) -> None:
        self._qs.setValue(key, str(value))

    def sync(self) -> None:
        """Write pending changes to disk now (they are also written at exit)."""
        self._qs.sync()
