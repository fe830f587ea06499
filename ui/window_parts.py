"""What the window is built from: main.py makes these, tests make small real ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QIcon

from player.assembly import Player
from player.store import Store
from ui.library_jobs import LibraryJobs, LibraryLoader, SimilarFunction
from ui.tasks import BackgroundWork
from ui.vlc_bridge import PlaybackBridge
from ui.window_state import WindowState


@dataclass
class PlayerParts:
    """The assembled player the window drives, and the bridge its engine reports through."""

    player: Player
    bridge: PlaybackBridge

    def close(self) -> None:
        """End the open play (kept as stopped, position saved) and release the engine."""
        self.player.close()


@dataclass
class WindowParts:
    """Everything the main window needs, built outside it."""

    store: Store  # the GUI thread's own connection, for short reads
    work: BackgroundWork
    jobs: LibraryJobs
    loader: LibraryLoader
    state: WindowState
    icon: QIcon
    suggested_folder: str | None = None
    player: PlayerParts | None = None
    similar: SimilarFunction | None = None
    map_cache: Path | None = None  # where the taste map's layout is saved
    #: Where things that can be rebuilt are kept (cover thumbnails); None: the user's
    #: cache folder (player.paths.default_cache_dir).
    cache_dir: Path | None = None
