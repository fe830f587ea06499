"""One factory for the playing stack, used by every face.

    backend → play log → queue (with the auto-shuffle as filler) → session → feedback

A face that builds its own copy will one day forget a wire (one did: removed auto picks
stopped being learned from). The window and `riffle play` both call `assemble_player`, and
differ only in the Work they hand in (threads in the window, at once on the command line)
and in how the backend's events reach the owner's thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from player import edits
from player import settings as s
from player.backend import Backend
from player.changes import Changes
from player.errors import PlayerBusyError
from player.feedback import AutoPartFeedback
from player.history import PlayTracker
from player.play_log import PlayLogWriter
from player.queue import Filler, Queue, RepeatMode
from player.queue_saving import QueueSaver
from player.session import Session
from player.store import Store
from player.store.lock import FileLock
from player.work import Work

logger = logging.getLogger(__name__)


#: The lock (player/store/lock.py) held by the one process that plays from a library.
PLAY_LOCK = "play"


@dataclass
class Player:
    """The assembled playing stack of one face."""

    session: Session
    queue: Queue
    feedback: AutoPartFeedback
    work: Work
    lock: FileLock | None = None

    def __post_init__(self) -> None:
        self.work.hub.subscribe(self.settings_changed)

    def settings_changed(self, changes: Changes) -> None:
        """Saved settings the player uses while it runs take effect at once."""
        values = changes.settings
        if s.REPLAYGAIN_MODE.key in values:
            self.session.replaygain = values[s.REPLAYGAIN_MODE.key]
        if s.AUTO_SHUFFLE.key in values or s.AUTO_AHEAD.key in values:
            self.queue.set_auto(values.get(s.AUTO_SHUFFLE.key, self.queue.auto_wanted),
                                values.get(s.AUTO_AHEAD.key))
        if s.REPEAT.key in values:
            self.queue.set_repeat(RepeatMode(values[s.REPEAT.key]))
        if s.AUDIO_OUTPUT.key in values:
            _use_output(self.backend, values[s.AUDIO_OUTPUT.key],
                        values.get(s.AUDIO_DEVICE.key, ""))

    @property
    def backend(self) -> Backend:
        return self.session.backend

    @property
    def filler(self) -> Filler | None:
        return self.queue.filler

    def close(self) -> None:
        """The face closes: the open play ends as stopped, the position is kept, the engine
        is released."""
        try:
            self.session.shutdown()
        finally:
            self.work.hub.unsubscribe(self.settings_changed)
            self.feedback.close()
            self.backend.close()
            if self.lock is not None:
                self.lock.release()


def assemble_player(store: Store, backend: Backend, work: Work, *,
                    filler: Filler | None = None, repeat: RepeatMode | None = None,
                    auto: bool | None = None, output_chosen: bool = False,
                    on_message: Callable[[str], None] | None = None) -> Player:
    """The player over *store*: the queue restored as it was saved (paused where it was),
    mute, ReplayGain, repeat, the sound output and the auto part from the settings
    (*repeat* and *auto* override them for this run, and *output_chosen* keeps the output
    the backend was built with), every write through *work*, and the filler following what
    *work* publishes. *store* serves the owner thread's quick reads only.

    One process plays from a library at a time: raises PlayerBusyError when another one
    does, before anything is touched (so it never closes that one's open play as cut off).
    """
    lock = FileLock(store.path, PLAY_LOCK)
    if not lock.try_exclusive():
        raise PlayerBusyError(
            f"Riffle is already playing from the library {store.path} (the window, or "
            "another riffle play). Stop that one first, or add to its queue: riffle FILE...")
    settings = s.Settings(store.settings)
    backend.set_mute(settings.get(s.MUTED))
    if not output_chosen:
        _use_output(backend, settings.get(s.AUDIO_OUTPUT), settings.get(s.AUDIO_DEVICE))
    queue = Queue(filler, ahead=settings.get(s.AUTO_AHEAD),
                  auto=settings.get(s.AUTO_SHUFFLE) if auto is None else auto,
                  repeat=RepeatMode(repeat or settings.get(s.REPEAT)),
                  saver=QueueSaver(store.queue_state, work),
                  on_auto_removed=partial(_removed, work))
    tracker = PlayTracker(PlayLogWriter(work))
    session = Session(backend, queue, tracker, store.tracks, work,
                      replaygain=settings.get(s.REPLAYGAIN_MODE), on_message=on_message)
    feedback = AutoPartFeedback(queue, work.hub)
    if filler is not None:
        filler.follow(Changes.everything(), queue.top_up)
    return Player(session, queue, feedback, work, lock)


def _use_output(backend: Backend, name: str, device: str) -> None:
    """Play through the chosen output module and device ('' for libvlc's own choice)."""
    if name:
        backend.set_audio_output(name, device or None)


def _removed(work: Work, track_ids: list[int]) -> None:
    work.write(lambda store: edits.record_removals(store, track_ids),
               name="remember removed auto picks")
