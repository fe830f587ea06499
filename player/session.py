"""The player: one Backend, one Queue and one PlayTracker, driven by the faces.

A face (the window, the command line) calls the commands (play, pause, next, ...) and feeds
every backend event to `handle_event`, all on the one thread that owns the Session: the
backend's callback must only forward events to that thread (a queued Qt signal, or an
EventQueue read by a loop). The Session then decides what plays next, logs the plays with
the reason each track changed, and marks tracks that cannot be played. Its writes go
through `Work` (never blocking the owner's thread); what they change is published on the
work's ChangeHub once each command is complete, so feedback (a skip redraws the auto part,
player/feedback.py) only ever acts on a queue that has already moved on.

Faults at play time (player/play_faults.py): a vanished file is marked missing, an
undecodable one (or one that stops decoding well before its end) gets its play error
recorded, the face gets a message (`on_message`), and the queue moves on; after
`max_failures` failures in a row playback stops instead of spinning through the library.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from player.backend import (
    Backend,
    Ended,
    Failed,
    NoOutput,
    PlaybackEvent,
    PlayerState,
    Position,
    Started,
    replaygain_db,
)
from player.changes import Changes
from player.errors import TrackNotFoundError
from player.history import ChangeReason, PlayTracker
from player.models import PlayOutcome, Track
from player.play_faults import PlayFaults
from player.queue import Queue, QueueEntry, RepeatMode
from player.store.tracks import TrackStore
from player.work import Work

logger = logging.getLogger(__name__)

#: "Previous" later than this into a track (milliseconds) restarts it instead.
RESTART_MS = 3000
#: How often the position reached is saved with the queue while playing, in milliseconds.
SAVE_POSITION_MS = 5000


class Session:
    """The player the faces drive. Not thread-safe: call it from its owner's thread.

    *listeners* are called with no argument whenever what plays or the play state changes;
    *on_message* receives sentences for a person ("Cannot play …: the file is gone"). Plays
    that an earlier run left open (it crashed) are closed as stopped when a Session is built.
    """

    def __init__(self, backend: Backend, queue: Queue, tracker: PlayTracker,
                 tracks: TrackStore, work: Work, *, replaygain: str = "track",
                 on_message: Callable[[str], None] | None = None, max_failures: int = 3) -> None:
        """*tracks* serves the quick reads of the owner's thread (the track about to play);
        *work* writes and publishes what changed."""
        self.backend = backend
        self.queue = queue
        self.tracker = tracker
        self.tracks = tracks
        self.work = work
        self.hub = work.hub
        self.replaygain = replaygain
        self.on_message = on_message
        self.faults = PlayFaults(work, tracker, max_failures)
        self.listeners: list[Callable[[], None]] = []
        self._serial = -1
        self._entry: QueueEntry | None = None  # the entry loaded in the backend
        self._track: Track | None = None
        self._saved_at = 0
        self._busy = False
        self._running = False
        self._started = False
        #: Stop when the playing track ends (once); the queue then waits on the next entry.
        self.stop_after_current = False
        #: Why no sound can be made, for a person (None: the output works, or is untried).
        self.no_output: str | None = None
        tracker.close_interrupted()
        queue.listeners.append(self._queue_changed)

    # -- reading -------------------------------------------------------------------------------

    @property
    def state(self) -> PlayerState:
        """Playing from the moment a track is asked to start until the Session has handled
        the end of the queue (or a stop); paused while the backend holds."""
        if not self._running:
            return PlayerState.STOPPED
        if self.backend.state is PlayerState.PAUSED:
            return PlayerState.PAUSED
        return PlayerState.PLAYING

    @property
    def track(self) -> Track | None:
        """The track loaded now (playing, paused, or stopped at its start)."""
        return self._track

    @property
    def entry(self) -> QueueEntry | None:
        return self._entry

    @property
    def started(self) -> bool:
        """True once the backend reported that the loaded track really plays (False while
        it is only being opened, and for a file that then fails)."""
        return self._started

    @property
    def active(self) -> bool:
        """True while something plays or is paused (or is about to)."""
        return self._running

    def position_ms(self) -> int | None:
        return self.backend.position()

    def duration_ms(self) -> int | None:
        duration = self.backend.duration()
        if duration is None and self._track is not None and self._track.duration:
            return int(self._track.duration * 1000)
        return duration

    # -- commands ------------------------------------------------------------------------------

    def play(self) -> None:
        """Resume, or start the queue's current entry (the first one ahead if none)."""
        if self.state is PlayerState.PAUSED:
            self.backend.resume()
            self._notify()
            return
        if self._running:
            return
        with self._driving():
            entry = self.queue.current or self.queue.advance(ChangeReason.NEXT)
            if entry is None:
                self._say("Nothing to play: the queue is empty.")
                return
            self._start(entry, start_ms=self.queue.resume_position_ms)

    def pause(self) -> None:
        self.backend.pause()
        self.tracker.flush()
        self._save_position()
        self._notify()

    def toggle(self) -> None:
        """Play/pause, for one button or a media key."""
        if self.state is PlayerState.PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop playback; the current entry stays and `play` starts it again."""
        with self.hub.batch():
            self._leave(ChangeReason.STOPPED)
            self._halt()
            self.queue.resume_position_ms = 0
            self._notify()

    def next(self) -> None:
        """The user moves on to the next entry (a skip if done early). What the queue showed
        next plays; feedback from the track left is applied after that."""
        with self.hub.batch():
            self._leave(ChangeReason.NEXT)
            with self._driving():
                self._start_or_stop(self.queue.advance(ChangeReason.NEXT))

    def previous(self) -> None:
        """Back to the previous entry, or to the start of this one if well into it."""
        position = self.backend.position() or 0
        if self.active and position > RESTART_MS:
            self.seek(0)
            return
        with self.hub.batch():
            self._leave(ChangeReason.PREVIOUS)
            with self._driving():
                self._start_or_stop(self.queue.previous())

    def play_now(self, track_ids: list[int]) -> None:
        """Play these tracks now, in this order, ahead of everything queued."""
        if not track_ids:
            return
        with self.hub.batch():
            self._leave(ChangeReason.PICKED)
            with self._driving():
                self._start_or_stop(self.queue.play_now(track_ids))

    def jump_to(self, key: int) -> None:
        """Play the upcoming queue entry *key* now."""
        with self.hub.batch():
            self._leave(ChangeReason.PICKED)
            with self._driving():
                self._start_or_stop(self.queue.jump_to(key))

    def seek(self, position_ms: int) -> None:
        """Jump to *position_ms*; the jump itself does not count as listening."""
        before = self._position_s()
        if before is not None:
            self.tracker.position(before)
        self.backend.seek(position_ms)
        self.tracker.seeked(position_ms / 1000.0)

    def set_volume(self, percent: int) -> None:
        self.backend.set_volume(percent)

    def set_mute(self, muted: bool) -> None:
        self.backend.set_mute(muted)

    @property
    def learning(self) -> bool:
        """Whether the recommender learns from what plays ("don't learn from this" off)."""
        return self.tracker.learning

    def set_learning(self, learn: bool) -> None:
        """Learn from what plays, or not: plays are logged either way, but the ones marked
        are never judgements (nor recent plays) for the auto-shuffle."""
        self.tracker.set_learning(learn)
        self._notify()

    def set_repeat(self, mode: RepeatMode) -> None:
        self.queue.set_repeat(mode)

    def set_stop_after_current(self, stop: bool) -> None:
        """Stop once the playing track has ended (it counts as played to the end); the next
        entry is then loaded, waiting for `play`."""
        self.stop_after_current = bool(stop)
        if self.active:
            self._prepare_next()
        self._notify()

    def shutdown(self) -> None:
        """The program closes: the open play ends as stopped, the position is kept."""
        self._leave(ChangeReason.QUIT)
        self._save_position()
        self._halt()
        if self._queue_changed in self.queue.listeners:
            self.queue.listeners.remove(self._queue_changed)

    # -- backend events ------------------------------------------------------------------------

    def handle_event(self, event: PlaybackEvent) -> None:
        """Act on one backend event; stale events about an earlier track are ignored."""
        if isinstance(event, Position):
            if event.serial == self._serial:
                self._on_position(event)
            return
        with self.hub.batch():
            if isinstance(event, Started) and event.serial >= self._serial:
                self._on_started(event)  # a new serial: a track the backend started itself
            elif isinstance(event, Ended) and event.serial == self._serial:
                self._on_ended(event)
            elif isinstance(event, Failed) and event.serial == self._serial:
                self._on_failed(event.message)
            elif isinstance(event, NoOutput) and event.serial == self._serial:
                self._on_no_output(event.message)

    def _on_started(self, event: Started) -> None:
        self._serial = event.serial
        if self._entry is None:
            return
        if self._track is not None and event.path != self._track.path:
            logger.warning("the engine started %s instead of %s", event.path, self._track.path)
            with self._driving():
                self._start(self._entry)
            return
        self._started = True
        self.no_output = None
        duration = event.duration_ms / 1000.0 if event.duration_ms else None
        self.tracker.begin(self._entry.track_id, duration=duration or self._duration_s(),
                           source=self._entry.source,
                           position=self.queue.resume_position_ms / 1000.0)
        self.queue.resume_position_ms = 0
        logger.info("playing %s", self._track.path if self._track else self._entry.track_id)
        self._notify()

    def _on_position(self, event: Position) -> None:
        duration = event.duration_ms / 1000.0 if event.duration_ms else None
        self.tracker.position(event.position_ms / 1000.0, duration)
        if abs(event.position_ms - self._saved_at) >= SAVE_POSITION_MS:
            self._saved_at = event.position_ms
            self.queue.save_position(event.position_ms)

    def _on_ended(self, event: Ended) -> None:
        shortfall = self.tracker.end_shortfall()
        if shortfall is not None:
            # The decoder gave up well before the end: a failure, never a completion.
            self._on_failed(shortfall)
            return
        self._leave(ChangeReason.ENDED)
        with self._driving():
            entry = self.queue.advance(ChangeReason.ENDED)
        if self.stop_after_current:
            self.stop_after_current = False
            self._halt()  # also stops a next track the engine may have started
            self._set_loaded(entry, self._lookup(entry) if entry is not None else None)
            self._notify()
            return
        track = self._lookup(entry) if entry is not None else None
        if event.next_started and entry is not None and track is not None \
                and track.path == event.next_path:
            # The backend already plays it: adopt it, its Started event follows.
            self._serial = event.serial + 1
            self._set_loaded(entry, track)
            self._prepare_next()
            return
        if event.next_started:
            # The queue changed after the backend was told what follows: load the right one.
            logger.info("the engine started %s, the queue wants another track",
                        event.next_path)
            self.backend.stop()
        self._start_or_stop(entry)

    def _on_failed(self, message: str) -> None:
        entry, track = self._entry, self._track
        if entry is None:
            return
        self._say(self.faults.record(entry, track, message, duration=self._duration_s()))
        self._fail_and_move_on(entry.track_id)

    def _on_no_output(self, message: str) -> None:
        """No sound can be made: the engine stopped; say so instead of seeming to play.
        Not the track's fault, nor the listener's choice: no play error, no skip."""
        self.tracker.finish(ChangeReason.INTERRUPTED, position=self._position_s())
        self._running = False
        self.no_output = message
        self._say(message)
        self._notify()

    # -- internals -----------------------------------------------------------------------------

    def _halt(self) -> None:
        self.backend.stop()
        self._running = False

    def _save_position(self) -> None:
        position = self.backend.position()
        if position is not None and self._entry is not None:
            self.queue.save_position(position)

    def _leave(self, reason: ChangeReason) -> None:
        """Close the open play because of *reason* and say what it changed (published when
        the command is complete: the queue has moved on by then)."""
        track_id = self.tracker.track_id
        position = None if reason is ChangeReason.ENDED else self._position_s()
        outcome = self.tracker.finish(reason, position=position)
        if outcome is None or track_id is None:
            return
        self.faults.played_through(outcome, self._track)
        if reason is ChangeReason.QUIT:
            return  # the program closes: nobody is left to act on it
        played = frozenset({track_id})
        judged = self.tracker.learning and outcome is PlayOutcome.SKIPPED
        self.hub.publish(Changes(plays=played, skips=played if judged else frozenset()))

    def _start_or_stop(self, entry: QueueEntry | None) -> None:
        if entry is None:
            self._halt()
            self._set_loaded(None, None)
            self._notify()
            return
        self._start(entry)

    def _start(self, entry: QueueEntry, start_ms: int = 0) -> None:
        """Load and play *entry*; failures before libvlc even opens the file land here."""
        track = self._lookup(entry)
        if track is None:
            self._say(f"Track {entry.track_id} is no longer in the library; skipping it.")
            self._fail_and_move_on()
            return
        self._set_loaded(entry, track)
        if not os.path.isfile(track.path):
            self._say(self.faults.record(entry, track, "the file is gone",
                                         duration=track.duration, detail=f" ({track.path})."))
            self._fail_and_move_on(entry.track_id)
            return
        with self._driving():
            self._serial = self.backend.load(track.path, gain_db=self._gain(track),
                                             start_ms=start_ms)
            self.backend.play()
            self._running = True
            self._prepare_next()
        self._saved_at = start_ms
        self._notify()

    def _fail_and_move_on(self, failed: int | None = None) -> None:
        """Count a failure and move on; the auto picks of track *failed* leave the queue."""
        if failed is not None:
            with self._driving():
                self.queue.drop_unplayable(failed)
        if self.faults.count():
            self._halt()
            with self._driving():
                self.queue.advance(ChangeReason.ERROR)  # `play` goes on after the failed one
            self._set_loaded(None, None)
            self._say(f"Playback stopped: {self.faults.max_failures} tracks in a row could "
                      "not be played.")
            self._notify()
            return
        with self._driving():
            self._start_or_stop(self.queue.advance(ChangeReason.ERROR))

    def _prepare_next(self) -> None:
        """Tell the backend what follows, so it can start it the moment this one ends."""
        if self.stop_after_current:
            self.backend.set_next(None)
            return
        nxt = self.queue.peek_next(ChangeReason.ENDED)
        track = self._lookup(nxt) if nxt is not None else None
        if track is None or not os.path.isfile(track.path):
            self.backend.set_next(None)
            return
        self.backend.set_next(track.path, gain_db=self._gain(track))

    def _queue_changed(self) -> None:
        if not self._busy and self.active:
            self._prepare_next()

    @contextmanager
    def _driving(self) -> Iterator[None]:
        """The Session itself changes the queue: it prepares the next track when done."""
        outer, self._busy = self._busy, True
        try:
            yield
        finally:
            self._busy = outer

    def _set_loaded(self, entry: QueueEntry | None, track: Track | None) -> None:
        self._entry = entry
        self._track = track
        self._started = False

    def _lookup(self, entry: QueueEntry) -> Track | None:
        try:
            return self.tracks.get(entry.track_id)
        except TrackNotFoundError:
            return None

    def _gain(self, track: Track) -> float:
        return replaygain_db(self.replaygain, track.rg_track_gain, track.rg_track_peak,
                             track.rg_album_gain, track.rg_album_peak)

    def _position_s(self) -> float | None:
        position = self.backend.position()
        return None if position is None else position / 1000.0

    def _duration_s(self) -> float | None:
        duration = self.duration_ms()
        return duration / 1000.0 if duration else None

    def _say(self, text: str) -> None:
        logger.info("%s", text)
        if self.on_message is not None:
            self.on_message(text)

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:
                logger.exception("a player listener failed")
