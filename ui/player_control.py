"""Wires the player (session and queue) to the now-playing bar, the queue panel and the table.

No decisions are made here: each person's action becomes one call on the session, the queue
or a write of the core (player/edits.py), and each change they announce is shown. What the
auto part does after a rating, a skip or a removal is the core's business
(player/feedback.py). Listeners of the core are plain callables called on the GUI thread
(the session is driven only from it, events arrive through the PlaybackBridge), so showing
a change here is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from player import edits
from player import settings as s
from player.backend import PlayerState
from player.changes import Changes
from player.cover import find_cover
from player.errors import RiffleError
from player.models import Track
from player.queue_types import Why
from player.settings import Settings
from player.store import Store
from player.store.listing import LISTING_COLUMNS, library_rows
from ui.library_model import LibraryModel
from ui.now_playing import NowPlayingBar
from ui.queue_panel import QueuePanel
from ui.tasks import BackgroundWork
from ui.window_parts import PlayerParts

logger = logging.getLogger(__name__)

#: Covers kept in memory (most recent tracks).
COVER_CACHE = 32
_ID, _PLAYS, _SKIPS, _LAST = (LISTING_COLUMNS.index(c) for c in
                              ("id", "play_count", "skip_count", "last_played"))


class PlayerControl(QObject):
    """Connects the session to the bar and the queue panel, and the panels to the session."""

    #: What the window title should say about the playing track ('' when nothing plays).
    playing_text = Signal(str)
    message = Signal(str)

    def __init__(self, parts: PlayerParts, bar: NowPlayingBar, queue_panel: QueuePanel,
                 library: LibraryModel, work: BackgroundWork, settings: Settings, *,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = parts.player
        self.session = self.player.session
        self.queue = self.player.queue
        self.bar = bar
        self.queue_panel = queue_panel
        self.library = library
        self.work = work
        self.settings = settings
        self._shown_id: int | None = None
        self._shown_path: str | None = None  # the file of the track the bar shows
        self._covers: dict[str, bytes | None] = {}
        self._save_volume = QTimer(self)
        self._save_volume.setSingleShot(True)
        self._save_volume.setInterval(600)
        self._save_volume.timeout.connect(self._persist_volume)

        session = self.session
        bar.play_pause_clicked.connect(self.toggle)
        bar.next_clicked.connect(self.next)
        bar.previous_clicked.connect(self.previous)
        bar.seek_requested.connect(session.seek)
        bar.volume_changed.connect(self._volume)
        bar.mute_toggled.connect(self._mute)
        parts.bridge.position_changed.connect(self._position)
        queue_panel.play_requested.connect(session.jump_to)
        queue_panel.auto_toggled.connect(self.set_auto)
        queue_panel.discover_changed.connect(self.set_discover)
        queue_panel.clear_requested.connect(self.queue.clear)
        session.listeners.append(self.refresh)
        session.on_message = self.message.emit
        work.hub.subscribe(self.changed)

        volume, muted = settings.get(s.VOLUME), settings.get(s.MUTED)
        session.set_volume(volume)
        session.set_mute(muted)
        bar.show_volume(volume, muted)
        queue_panel.show_settings(settings.get(s.AUTO_SHUFFLE), settings.get(s.DISCOVER))
        self.refresh()

    @property
    def filler_ready(self) -> bool:
        """Whether the auto-shuffle has read the library and can pick."""
        filler = self.queue.filler
        return filler is not None and filler.ready

    # -- actions -----------------------------------------------------------------------------

    def toggle(self) -> None:
        self.session.toggle()

    def next(self) -> None:
        self.session.next()

    def previous(self) -> None:
        self.session.previous()

    def play_now(self, track_ids: list[int]) -> None:
        self.session.play_now(track_ids)

    def enqueue(self, track_ids: list[int], next_up: bool) -> None:
        if next_up:
            self.queue.enqueue_next(track_ids)
        else:
            self.queue.enqueue(track_ids)
        n = len(track_ids)
        self.message.emit(f"{n} track{'s' if n != 1 else ''} "
                          f"{'will play next' if next_up else 'added to the queue'}.")

    def playing_id(self) -> int | None:
        entry = self.session.entry or self.queue.current
        return entry.track_id if entry is not None else None

    def explain(self, track_id: int, key: int | None,
                show: Callable[[Why | None], None]) -> None:
        """Work out off the GUI thread why the auto-shuffle would (not) pick *track_id* in
        the place of queue entry *key* (None: as the next pick), and *show* it."""
        filler = self.queue.filler
        if filler is None:
            show(None)
            return
        context = self.queue.context_before(key)
        self.work.read(lambda _store: filler.explain(track_id, context), show,
                       name="why this track")

    def set_auto(self, enabled: bool) -> None:
        self.queue.set_auto(enabled)
        self.queue_panel.show_settings(enabled, self.settings.get(s.DISCOVER))
        self._save_setting(s.AUTO_SHUFFLE, enabled)

    def set_discover(self, value: float) -> None:
        """A new familiar–adventurous value: saved; the core redraws the auto part."""
        self._save_setting(s.DISCOVER, value)

    def changed(self, changes: Changes) -> None:
        """Show what a write changed about the playing track and the plays just logged."""
        playing = self.playing_id()
        if playing is not None and playing in changes.ratings:
            row = self.library.library.row_of(playing)
            self.bar.show_rating(self.library.library.ratings[row] if row is not None else None)
        if changes.plays:
            self._reload_stats(sorted(changes.plays))

    def shutdown(self) -> None:
        if self.refresh in self.session.listeners:
            self.session.listeners.remove(self.refresh)
        self.work.hub.unsubscribe(self.changed)
        self._persist_volume()

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what the session has loaded (or the restored queue's current, paused)."""
        track = self.session.track
        if track is None and self.queue.current is not None:
            # nothing loaded in the engine: the bar shows where the waiting track would
            # start (where it was left, or 0:00 after a Stop)
            track = self._lookup(self.queue.current.track_id)
            if track is not None:
                duration = int((track.duration or 0) * 1000)
                self.bar.show_position(self.queue.resume_position_ms, duration)
        playing = self.session.state is PlayerState.PLAYING
        self.bar.show_playing(playing)
        track_id = track.id if track is not None else None
        if track_id != self._shown_id:
            self._track_changed(track)
        self.library.set_playing(track_id if self.session.active else None)
        if track is None:
            self.playing_text.emit("")
        else:
            self.playing_text.emit(f"{track.display_title} — {track.display_artist}")

    def _track_changed(self, track: Track | None) -> None:
        self._shown_id = track.id if track else None
        self._shown_path = track.path if track else None
        self.bar.show_track(track)
        if track is None:
            return
        path = track.path
        if path in self._covers:
            self.bar.show_cover(self._covers[path])
            return
        self.bar.show_cover(None)
        self.work.run(lambda ctx: find_cover(path), name="cover",
                      on_result=lambda image: self._cover_found(path, image))

    def _cover_found(self, path: str, image: bytes | None) -> None:
        self._covers[path] = image
        while len(self._covers) > COVER_CACHE:
            self._covers.pop(next(iter(self._covers)))
        if self._shown_path == path:  # the bar shows that track still (playing or waiting)
            self.bar.show_cover(image)

    def _reload_stats(self, track_ids: list[int]) -> None:
        """Plays of these tracks were logged: read their play counts and last-played times."""
        def read(store: Store) -> list[tuple[Any, ...]]:
            return library_rows(store.db, track_ids)

        def show(rows: list[tuple[Any, ...]]) -> None:
            for row in rows:
                self.library.set_stats(row[_ID], row[_PLAYS] or 0, row[_SKIPS] or 0,
                                       row[_LAST])

        self.work.read(read, show, name="play stats")

    def _position(self, position_ms: int, duration_ms: int) -> None:
        if duration_ms < 0:
            duration_ms = self.session.duration_ms() or 0
        self.bar.show_position(position_ms, duration_ms)

    def _lookup(self, track_id: int) -> Track | None:
        try:
            return self.session.tracks.get(track_id)
        except RiffleError:
            return None

    # -- settings ----------------------------------------------------------------------------

    def _volume(self, percent: int) -> None:
        self.session.set_volume(percent)
        self._save_volume.start()

    def _mute(self, muted: bool) -> None:
        self.session.set_mute(muted)
        self._save_setting(s.MUTED, muted)

    def _persist_volume(self) -> None:
        self._save_setting(s.VOLUME, self.bar.volume.value())

    def _save_setting(self, setting: s.Setting[Any], value: Any) -> None:
        self.work.write(lambda store: edits.save_settings(store, {setting: value}),
                        name=f"save {setting.key}")
