"""Wires the player (session and queue) to the now-playing bar, the queue panel and the table.

No decisions are made here: each person's action becomes one call on the session or the
queue, and each change they announce is shown. Listeners of the core are plain callables
called on the GUI thread (the session is driven only from it, events arrive through the
PlaybackBridge), so showing a change here is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from player import settings as s
from player.backend import PlayerState
from player.cover import find_cover
from player.errors import RiffleError
from player.models import Track
from player.queue import Filler
from player.session import Session
from player.settings import Settings
from player.store import Store
from player.store.listing import LISTING_COLUMNS, library_rows
from ui.library_model import LibraryModel
from ui.now_playing import NowPlayingBar
from ui.queue_panel import QueuePanel
from ui.tasks import BackgroundWork, TaskContext
from ui.vlc_bridge import PlaybackBridge

if TYPE_CHECKING:
    from ui.main_window import PlayerParts

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

    def __init__(self, session: Session, bridge: PlaybackBridge, bar: NowPlayingBar,
                 queue_panel: QueuePanel, library: LibraryModel, work: BackgroundWork,
                 settings: Settings, *, player: PlayerParts | None = None,
                 parent: QObject | None = None) -> None:
        """*player* says how to build the auto-shuffle, and collects the stores to close."""
        super().__init__(parent)
        self.session = session
        self.queue = session.queue
        self.bar = bar
        self.queue_panel = queue_panel
        self.library = library
        self.work = work
        self.settings = settings
        self._player = player
        self._discover: Callable[[float], None] | None = None
        self._library_changed: Callable[[], None] | None = None
        self._filler_started = False
        self.filler_ready = False
        self._shown_id: int | None = None
        self._covers: dict[str, bytes | None] = {}
        self._last_stats_id: int | None = None
        self._save_volume = QTimer(self)
        self._save_volume.setSingleShot(True)
        self._save_volume.setInterval(600)
        self._save_volume.timeout.connect(self._persist_volume)

        bar.play_pause_clicked.connect(self.toggle)
        bar.next_clicked.connect(self.next)
        bar.previous_clicked.connect(self.previous)
        bar.seek_requested.connect(session.seek)
        bar.volume_changed.connect(self._volume)
        bar.mute_toggled.connect(self._mute)
        bridge.position_changed.connect(self._position)
        queue_panel.play_requested.connect(session.jump_to)
        queue_panel.auto_toggled.connect(self.set_auto)
        queue_panel.discover_changed.connect(self.set_discover)
        queue_panel.clear_requested.connect(self.queue.clear)
        session.listeners.append(self.refresh)
        session.on_message = self.message.emit

        volume, muted = settings.get(s.VOLUME), settings.get(s.MUTED)
        session.set_volume(volume)
        session.set_mute(muted)
        bar.show_volume(volume, muted)
        queue_panel.show_settings(settings.get(s.AUTO_SHUFFLE), settings.get(s.DISCOVER))
        self.refresh()

    # -- actions -----------------------------------------------------------------------------

    def toggle(self) -> None:
        self.session.toggle()

    def next(self) -> None:
        self.session.next()

    def previous(self) -> None:
        self.session.previous()

    def play_now(self, track_ids: list[int]) -> None:
        """Play these now; the auto part is drawn again to follow what the person chose."""
        self.session.play_now(track_ids)
        if self.queue.auto_enabled:
            self.queue.redraw_auto()

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

    def rated(self, track_ids: list[int], stars: int) -> None:
        """Ratings are in the store: show them on the bar and let the auto part follow."""
        if self.playing_id() in track_ids:
            self.bar.show_rating(stars or None)
        self.queue.redraw_auto()

    def set_auto(self, enabled: bool) -> None:
        self.queue.set_auto(enabled)
        self.queue_panel.show_settings(enabled, self.settings.get(s.DISCOVER))
        self._write_setting(s.AUTO_SHUFFLE, enabled)

    def start_auto_shuffle(self) -> None:
        """Build the auto-shuffle off the GUI thread (once); the auto part fills when ready."""
        make = self._player.make_filler if self._player is not None else None
        if self._filler_started or make is None:
            return
        self._filler_started = True

        def build(ctx: TaskContext) -> tuple[Store, Filler]:
            own = Store.open(ctx.store.path)  # used only on the GUI thread from now on
            try:
                return own, make(own)
            except BaseException:
                own.close()
                raise

        self.work.run(build, on_result=self._filler_built, name="auto-shuffle")

    def _filler_built(self, built: tuple[Store, Filler]) -> None:
        store, filler = built
        if self._player is not None:
            self._player.stores.append(store)
        self._discover = _discover_setter(filler)
        self._library_changed = getattr(filler, "library_changed", None)
        self.queue.set_filler(filler)
        self.filler_ready = True

    def set_discover(self, value: float) -> None:
        """A new familiar–adventurous value: stored, told to the shuffle, auto part redrawn."""
        if self._discover is not None:
            self._discover(value)
        self._write_setting(s.DISCOVER, value, then=self.queue.redraw_auto)

    def library_scanned(self, _report: object = None) -> None:
        """New tracks (or new descriptions) may be there: the auto-shuffle looks again, and
        an empty auto part gets its first picks."""
        if self._library_changed is not None:
            self._library_changed()
        if not self.queue.auto_part and self.queue.auto_enabled:
            self.queue.redraw_auto()

    def settings_saved(self, values: dict[str, Any]) -> None:
        """Apply edited settings that the player uses while it runs."""
        if s.REPLAYGAIN_MODE.key in values:
            self.session.replaygain = values[s.REPLAYGAIN_MODE.key]
        if s.AUTO_AHEAD.key in values:
            self.queue.set_auto(self.settings.get(s.AUTO_SHUFFLE), values[s.AUTO_AHEAD.key])

    def shutdown(self) -> None:
        if self.refresh in self.session.listeners:
            self.session.listeners.remove(self.refresh)
        self._persist_volume()

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what the session has loaded (or the restored queue's current, paused)."""
        track = self.session.track
        if track is None and self.queue.current is not None:
            track = self._lookup(self.queue.current.track_id)
            if track is not None and self._shown_id != track.id:
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
        previous, self._shown_id = self._shown_id, track.id if track else None
        self.bar.show_track(track)
        if previous is not None:
            self._reload_stats(previous)
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
        track = self.session.track
        if track is not None and track.path == path:
            self.bar.show_cover(image)

    def _reload_stats(self, track_id: int) -> None:
        """A track stopped playing: read its new play count and last-played time."""
        def read(ctx: TaskContext) -> list[tuple[Any, ...]]:
            return library_rows(ctx.store.db, [track_id])

        def show(rows: list[tuple[Any, ...]]) -> None:
            for row in rows:
                self.library.set_stats(row[_ID], row[_PLAYS] or 0, row[_SKIPS] or 0,
                                       row[_LAST])

        self.work.run(read, on_result=show, name="play stats")

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
        self._write_setting(s.MUTED, muted)

    def _persist_volume(self) -> None:
        self._write_setting(s.VOLUME, self.bar.volume.value())

    def _write_setting(self, setting: s.Setting[Any], value: Any,
                       then: Callable[[], None] | None = None) -> None:
        def write(ctx: TaskContext) -> None:
            Settings(ctx.store.settings).set(setting, value)

        self.work.write(write, name=f"save {setting.key}",
                        on_result=(lambda _r: then()) if then is not None else None)


def _discover_setter(filler: Filler) -> Callable[[float], None] | None:
    """How to hand the auto-shuffle a new discover share; None for a filler without one."""
    setter = getattr(filler, "set_discover", None)
    return setter if callable(setter) else None
