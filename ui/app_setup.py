"""The QApplication's looks and the window's parts: icon, style sheet, application names."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from player.paths import APP_NAME
from player.store import Store
from ui.library_jobs import LibraryJobs, LibraryLoader
from ui.main_window import WindowParts
from ui.tasks import BackgroundWork
from ui.window_state import WindowState

#: Shipped files that are not code: the icon, the style sheet, the .desktop file.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def app_icon() -> QIcon:
    icon = QIcon(str(RESOURCES / "riffle.svg"))
    return icon if not icon.isNull() else QIcon.fromTheme("audio-x-generic")


def style_sheet() -> str:
    path = RESOURCES / "riffle.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def make_application(argv: list[str]) -> QApplication:
    """The QApplication with Riffle's names, icon and style (Fusion, the system's colours)."""
    app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("riffle")
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    return app


def window_parts(*, store: Store, work: BackgroundWork, jobs: LibraryJobs,
                 loader: LibraryLoader, state: WindowState,
                 suggested_folder: Path | None) -> WindowParts:
    return WindowParts(store=store, work=work, jobs=jobs, loader=loader, state=state,
                       icon=app_icon(),
                       suggested_folder=str(suggested_folder) if suggested_folder else None)
