"""The one bridge from the playback engine's threads to the GUI thread.

The backend calls `post(event)` from whatever thread it reports on; `post` only emits a
signal, which Qt queues to the bridge's own (GUI) thread. There the event goes to the
session (`handle_event`) and the position is announced for the now-playing bar. Nothing
here calls the backend, and nothing touches a widget off the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from player.backend import PlaybackEvent, Position

logger = logging.getLogger(__name__)


class PlaybackBridge(QObject):
    """Receives backend events on any thread and hands them on on the GUI thread."""

    #: The playing position: milliseconds into the track, and its length (-1: unknown).
    position_changed = Signal(int, int)
    _arrived = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler: Callable[[PlaybackEvent], None] | None = None
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def set_handler(self, handler: Callable[[PlaybackEvent], None]) -> None:
        """Who acts on events (the session's handle_event); set before playing."""
        self._handler = handler

    def post(self, event: PlaybackEvent) -> None:
        """The backend's callback: safe from any thread, returns at once."""
        self._arrived.emit(event)

    @Slot(object)
    def _deliver(self, event: PlaybackEvent) -> None:
        if self._handler is not None:
            try:
                self._handler(event)
            except Exception:  # one bad event must not stop the music
                logger.exception("handling the playback event %r failed", event)
        if isinstance(event, Position):
            self.position_changed.emit(event.position_ms,
                                       -1 if event.duration_ms is None else event.duration_ms)
