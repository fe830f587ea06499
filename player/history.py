"""The play log: turns what the backend reports into `plays` rows the recommender learns from.

A row is written the moment a track starts and finished when it stops, so a crash loses at
most the last few seconds of listening, never the play. Seconds listened count only real
progress of the playing position, and never more than the time that really passed: a pause
adds nothing, neither does a seek (a jump of the position larger than the time that passed),
and an engine that races through a file (no sound device, undecodable data) is not believed.

How a play ended (see `judge`):
- completed: it reached its end, or the listener moved on in its last seconds (moving on
  during the closing bars is finishing the song, not rejecting it);
- skipped: the listener moved on (next, another track, stop) before hearing min(30 s,
  half the track);
- stopped: the listener stopped or moved on later than that, went back to the previous
  track (going back is not rejecting the one left), or the program closed;
- error: the track could not be played, or its end came well before its known length (the
  decoder gave up on damaged data; see `end_shortfall`). An error is never a skip: it says
  nothing of taste.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from player.formatting import clock, duration
from player.models import PlayOutcome, PlaySource

logger = logging.getLogger(__name__)

#: A skip is moving on before min(SKIP_SECONDS, half the track) was heard.
SKIP_SECONDS = 30.0
#: Moving on within the last min(END_GRACE_SECONDS, END_GRACE_SHARE × duration) completes.
END_GRACE_SECONDS = 10.0
END_GRACE_SHARE = 0.1
#: How often the seconds listened so far are written while a track plays, in seconds.
FLUSH_SECONDS = 1.0
#: A position step larger than the time passed plus this slack (seconds) is a seek.
SEEK_SLACK_SECONDS = 0.6
#: Wall seconds not yet matched by progress that a later step may still use, at most (events
#: can reach the owner in bursts); a step is otherwise capped at the time that passed.
SPARE_SECONDS = 0.5
#: At a natural end, the stretch between the last reported position and the end is
#: credited, up to this many seconds and never more than the time that passed.
END_REMAINDER_SECONDS = 1.0
#: An end more than max(SHORT_END_SECONDS, SHORT_END_SHARE × duration) before the known
#: duration is a decoding failure, not a completion.
SHORT_END_SECONDS = 2.0
SHORT_END_SHARE = 0.1


class ChangeReason(StrEnum):
    """Why the playing track changed or stopped; the queue and the play log both use it."""

    ENDED = "ended"  #: it played to its end (the next track follows on its own)
    NEXT = "next"  #: the user asked for the next track
    PREVIOUS = "previous"  #: the user went back to the previous track
    PICKED = "picked"  #: the user chose another track to play now
    STOPPED = "stopped"  #: the user stopped playback
    ERROR = "error"  #: the track could not be played
    QUIT = "quit"  #: the program closed
    INTERRUPTED = "interrupted"  #: the program was cut off (a crash); closed at next start

    @property
    def by_user(self) -> bool:
        """True when a person chose to move on from the track (the moves that can be skips;
        going back to the previous track is not one)."""
        return self in (ChangeReason.NEXT, ChangeReason.PICKED, ChangeReason.STOPPED)


def skip_threshold(duration: float | None) -> float:
    """Seconds a listener must hear before moving on stops being a skip."""
    if duration is None or duration <= 0:
        return SKIP_SECONDS
    return min(SKIP_SECONDS, duration / 2.0)


def judge(reason: ChangeReason, listened: float, position: float | None,
          duration: float | None) -> PlayOutcome:
    """The outcome of a play that ended for *reason* after *listened* seconds, with the
    playing position at *position* seconds of a *duration*-second track."""
    if reason is ChangeReason.ERROR:
        return PlayOutcome.ERROR
    if reason is ChangeReason.ENDED:
        return PlayOutcome.COMPLETED
    heard_enough = listened >= skip_threshold(duration)
    if duration and position is not None and heard_enough:
        grace = min(END_GRACE_SECONDS, END_GRACE_SHARE * duration)
        if position >= duration - grace:
            return PlayOutcome.COMPLETED
    if reason.by_user and not heard_enough:
        return PlayOutcome.SKIPPED
    return PlayOutcome.STOPPED


class PlaySink(Protocol):
    """Where a PlayTracker writes its rows: player.store.plays.PlayStore at once, or
    player.play_log.PlayLogWriter through the one writer. Ids are whatever `start` returns."""

    def start(self, track_id: int, *, duration: float | None, source: PlaySource,
              started_at: float | None = None, learn: bool = True) -> int: ...

    def set_learn(self, play_id: int, learn: bool) -> None: ...

    def update_listened(self, play_id: int, listened: float) -> None: ...

    def finish(self, play_id: int, *, listened: float, outcome: PlayOutcome,
               ended_at: float | None = None, reason: str | None = None) -> None: ...

    def close_unfinished(self, reason: str) -> int | None: ...


class PlayTracker:
    """Keeps the open play row of the track that plays now and its seconds listened.

    Call `begin` when the backend reports Started, `position` on every Position event,
    `seeked` after asking the backend to seek, and `finish` when the track stops for any
    reason. *clock* is monotonic seconds (injectable for tests); *wall* gives the Unix time
    written to the rows.
    """

    def __init__(self, plays: PlaySink, *, clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time,
                 flush_interval: float = FLUSH_SECONDS) -> None:
        self._plays = plays
        self._clock = clock
        self._wall = wall
        self._flush_interval = flush_interval
        self._play_id: int | None = None
        self._track_id: int | None = None
        self._duration: float | None = None
        self._listened = 0.0
        self._last_pos: float | None = None
        self._last_at = 0.0
        self._spare = 0.0
        self._reached = 0.0
        self._flushed_at = 0.0
        self._flushed_value = 0.0
        self._learn = True

    @property
    def learning(self) -> bool:
        """Whether the plays logged now may be learned from (see `set_learning`)."""
        return self._learn

    def set_learning(self, learn: bool) -> None:
        """Mark the plays from now on, the open one included, as ones the recommender may
        (or may not) learn from. They are logged either way."""
        self._learn = learn
        if self._play_id is not None:
            self._plays.set_learn(self._play_id, learn)

    @property
    def active(self) -> bool:
        """True while a play row is open."""
        return self._play_id is not None

    @property
    def play_id(self) -> int | None:
        return self._play_id

    @property
    def track_id(self) -> int | None:
        return self._track_id

    @property
    def listened(self) -> float:
        """Seconds of the current play heard so far."""
        return self._listened

    def begin(self, track_id: int, *, duration: float | None, source: PlaySource,
              position: float = 0.0) -> int:
        """Open the play row of *track_id* (duration in seconds), starting at *position*
        seconds; an open play of another track is finished as stopped first."""
        if self._play_id is not None:
            self.finish(ChangeReason.QUIT)
        self._play_id = self._plays.start(track_id, duration=duration, source=source,
                                          started_at=self._wall(), learn=self._learn)
        self._track_id = track_id
        self._duration = duration
        self._listened = 0.0
        self._last_pos = self._reached = position
        self._last_at = self._flushed_at = self._clock()
        self._spare = 0.0
        self._flushed_value = 0.0
        logger.debug("play %d of track %d opened", self._play_id, track_id)
        return self._play_id

    def position(self, position: float, duration: float | None = None) -> None:
        """The backend reports the playing position in seconds; counts real progress."""
        if self._play_id is None:
            return
        if duration and not self._duration:
            self._duration = duration
        now = self._clock()
        if self._last_pos is not None:
            step = position - self._last_pos
            passed = now - self._last_at
            if 0 < step <= passed + SEEK_SLACK_SECONDS:
                available = passed + self._spare
                counted = min(step, available)
                self._listened += counted
                self._spare = min(SPARE_SECONDS, available - counted)
        self._last_pos = position
        self._reached = max(self._reached, position)
        self._last_at = now
        if now - self._flushed_at >= self._flush_interval:
            self.flush()

    def seeked(self, position: float) -> None:
        """The owner moved the position to *position* seconds; the jump is not listening."""
        self._last_pos = position
        self._reached = max(self._reached, position)
        self._last_at = self._clock()

    def end_shortfall(self) -> str | None:
        """At a natural end: why the end is a failure, or None when it is a real end.

        An end that comes well before the track's known duration (the playing position never
        got within max(SHORT_END_SECONDS, SHORT_END_SHARE × duration) of it) means the
        decoder stopped on damaged or missing data: "stopped decoding at 0:02 of 0:10".
        """
        if self._play_id is None or not self._duration:
            return None
        tolerance = max(SHORT_END_SECONDS, SHORT_END_SHARE * self._duration)
        if self._duration - self._reached <= tolerance:
            return None
        return f"stopped decoding at {clock(self._reached)} of {duration(self._duration)}"

    def flush(self) -> None:
        """Write the seconds listened so far, so a crash keeps them."""
        if self._play_id is None:
            return
        self._flushed_at = self._clock()
        if self._listened != self._flushed_value:
            self._plays.update_listened(self._play_id, round(self._listened, 3))
            self._flushed_value = self._listened

    def finish(self, reason: ChangeReason, *, position: float | None = None) -> PlayOutcome | None:
        """Close the open play because of *reason*; *position* (seconds) is where playback
        was when it stopped. Returns the outcome written, or None when nothing was open."""
        if self._play_id is None:
            return None
        if position is not None and reason is not ChangeReason.ENDED:
            self.position(position)
        if reason is ChangeReason.ENDED and self._duration and self._last_pos is not None:
            remainder = self._duration - self._last_pos
            passed = self._clock() - self._last_at + self._spare
            self._listened += max(0.0, min(remainder, END_REMAINDER_SECONDS, passed))
        last = self._duration if reason is ChangeReason.ENDED else self._last_pos
        outcome = judge(reason, self._listened, last, self._duration)
        self._plays.finish(self._play_id, listened=round(self._listened, 3), outcome=outcome,
                           ended_at=self._wall(), reason=str(reason))
        logger.debug("play %d of track %s finished: %s after %.1f s (%s)", self._play_id,
                     self._track_id, outcome, self._listened, reason)
        self._play_id = None
        self._track_id = None
        self._last_pos = None
        return outcome

    def close_interrupted(self) -> int:
        """Close the plays a crash left open (not the one open here) as stopped, with the
        seconds they had flushed; returns how many."""
        if self._play_id is not None:
            return 0
        closed = self._plays.close_unfinished(str(ChangeReason.INTERRUPTED))
        if closed:
            logger.info("closed %d play(s) cut off by an earlier crash", closed)
        return closed or 0

    def record_error(self, track_id: int, *, source: PlaySource,
                     duration: float | None = None) -> None:
        """Log a failed attempt to play *track_id*: the open play of that track ends as an
        error, or an error row with nothing listened is written."""
        if self._play_id is not None and self._track_id == track_id:
            self.finish(ChangeReason.ERROR)
            return
        now = self._wall()
        play_id = self._plays.start(track_id, duration=duration, source=source, started_at=now,
                                    learn=self._learn)
        self._plays.finish(play_id, listened=0.0, outcome=PlayOutcome.ERROR, ended_at=now,
                           reason=str(ChangeReason.ERROR))
