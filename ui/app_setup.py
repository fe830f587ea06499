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
                 filler: Filler | None) -> PlayerParts:
    """The session the window drives: backend → bridge → session, queue restored from the
    store (paused where it was), volume, mute and ReplayGain from the settings.

    *make_backend(callback, volume=...)* builds the engine; it raises PlaybackError when
    there is none.
    """
    settings = Settings(store.settings)
    bridge = PlaybackBridge()
    backend = make_backend(bridge.post, volume=settings.get(s.VOLUME))
    backend.set_mute(settings.get(s.MUTED))
    queue = Queue(filler, ahead=settings.get(s.AUTO_AHEAD), auto=settings.get(s.AUTO_SHUFFLE),
                  repeat=RepeatMode(settings.get(s.REPEAT)), state=store.queue_state,
                  on_auto_removed=store.removals.add_many)
    session = Session(backend, queue, PlayTracker(store.plays), store.tracks,
                      replaygain=settings.get(s.REPLAYGAIN_MODE))
    bridge.set_handler(session.handle_event)
    return PlayerParts(session, bridge, discover=_discover_setter(filler))


def _discover_setter(filler: Filler | None) -> Callable[[float], None] | None:
    """How to hand the auto-shuffle a new discover share: the recommender's filler keeps it
    in `config.discover`; a filler without one (random picks) has nothing to tune."""
    config = getattr(filler, "config", None)
    if config is None or not hasattr(config, "discover"):
        return None

    def set_discover(value: float) -> None:
        config.discover = value

    return set_discover


def close_player(player: PlayerParts | None) -> None:
    """End the open play (kept as stopped, position saved) and release the engine."""
    if player is None:
        return
    try:
        player.session.shutdown()
    finally:
        player.session.backend.close()
