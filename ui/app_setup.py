"""The QApplication's looks and the window's parts: icon, style sheet, application names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from player import settings as s
from player.backend import Backend
from player.history import PlayTracker
from player.paths import APP_NAME
from player.queue import Filler, Queue, RepeatMode
from player.session import Session
from player.settings import Settings
from player.store import Store
from ui.library_jobs import LibraryJobs, LibraryLoader, SimilarFunction
from ui.main_window import PlayerParts, WindowParts
from ui.tasks import BackgroundWork
from ui.vlc_bridge import PlaybackBridge
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
                 loader: LibraryLoader, state: WindowState, suggested_folder: Path | None,
                 player: PlayerParts | None,
                 similar: SimilarFunction | None = None) -> WindowParts:
    return WindowParts(store=store, work=work, jobs=jobs, loader=loader, state=state,
                       icon=app_icon(), player=player, similar=similar,
                       suggested_folder=str(suggested_folder) if suggested_folder else None)


def build_player(store: Store, make_backend: Callable[..., Backend],
                 make_filler: Callable[[Store], Filler] | None) -> PlayerParts:
    """The session the window drives: backend → bridge → session, queue restored from the
    store (paused where it was), volume, mute and ReplayGain from the settings.

    *make_backend(callback, volume=...)* builds the engine; it raises PlaybackError when
    there is none. *make_filler(store)* builds the auto-shuffle; the window calls it on a
    worker thread with a Store of the filler's own, once the library is on screen (loading
    it takes most of a second at 100k tracks).
    """
    settings = Settings(store.settings)
    bridge = PlaybackBridge()
    backend = make_backend(bridge.post, volume=settings.get(s.VOLUME))
    backend.set_mute(settings.get(s.MUTED))
    queue = Queue(None, ahead=settings.get(s.AUTO_AHEAD), auto=settings.get(s.AUTO_SHUFFLE),
                  repeat=RepeatMode(settings.get(s.REPEAT)), state=store.queue_state)
    session = Session(backend, queue, PlayTracker(store.plays), store.tracks,
                      replaygain=settings.get(s.REPLAYGAIN_MODE))
    bridge.set_handler(session.handle_event)
    return PlayerParts(session, bridge, make_filler=make_filler)


def close_player(player: PlayerParts | None) -> None:
    """End the open play (kept as stopped, position saved) and release the engine."""
    if player is None:
        return
    try:
        player.session.shutdown()
    finally:
        player.session.backend.close()
        for store in player.stores:
            store.close()
