"""The QApplication's looks and the window's parts: icon, style sheet, application names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from player import settings as s
from player.assembly import assemble_player
from player.backend import Backend
from player.paths import APP_NAME
from player.queue import Filler
from player.settings import Settings
from player.store import Store
from player.work import Work
from ui.library_jobs import LibraryJobs, LibraryLoader, SimilarFunction
from ui.looks import DesktopLooks
from ui.tasks import BackgroundWork
from ui.vlc_bridge import PlaybackBridge
from ui.window_parts import PlayerParts, WindowParts
from ui.window_state import WindowState

#: Shipped files that are not code: the icon, the style sheet, the .desktop file.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"

#: make_backend(callback, volume=...) builds the engine; raises PlaybackError without one.
MakeBackend = Callable[..., Backend]
#: make_filler(store, work) builds the auto-shuffle (cheaply: its first snapshot is built
#: through *work*, off the GUI thread); *store* is read for its settings.
MakeFiller = Callable[[Store, Work], Filler]


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
    """The QApplication with Riffle's names, icon and style (Fusion, with Riffle's light or
    dark palette as the desktop is light or dark: ui/looks.py)."""
    app = QApplication(argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("riffle")
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    DesktopLooks(app)  # kept by the application, follows the desktop's changes
    return app


def window_parts(*, store: Store, work: BackgroundWork, jobs: LibraryJobs,
                 loader: LibraryLoader, state: WindowState, suggested_folder: Path | None,
                 player: PlayerParts | None,
                 similar: SimilarFunction | None = None,
                 map_cache: Path | None = None) -> WindowParts:
    return WindowParts(store=store, work=work, jobs=jobs, loader=loader, state=state,
                       icon=app_icon(), player=player, similar=similar, map_cache=map_cache,
                       suggested_folder=str(suggested_folder) if suggested_folder else None)


def build_player(store: Store, work: BackgroundWork, make_backend: MakeBackend,
                 make_filler: MakeFiller | None) -> PlayerParts:
    """The player the window drives (player.assembly): the engine reporting through a
    PlaybackBridge to the GUI thread, every write through *work*'s writer thread, the
    auto-shuffle as filler. Raises PlaybackError when there is no engine, and
    PlayerBusyError when another Riffle plays from this library."""
    settings = Settings(store.settings)
    bridge = PlaybackBridge()
    backend = make_backend(bridge.post, volume=settings.get(s.VOLUME))
    filler = make_filler(store, work) if make_filler is not None else None
    try:
        player = assemble_player(store, backend, work, filler=filler)
    except BaseException:
        backend.close()
        raise
    bridge.set_handler(player.session.handle_event)
    return PlayerParts(player, bridge)


def close_player(player: PlayerParts | None) -> None:
    """End the open play (kept as stopped, position saved) and release the engine."""
    if player is not None:
        player.close()
