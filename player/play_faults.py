"""Bad input at play time: what a track that cannot be played leaves behind, and the run of
failures in a row that makes the player stop instead of spinning through the library.

A failed play is logged as an error (never a skip); the track is marked missing when its
file is gone, or gets the reason it cannot be played otherwise, so the auto-shuffle leaves
it alone. A play that ends without a fault ends the run, and a completed one clears a
reason recorded earlier (the file was fixed, or the failure was a passing one).
"""

from __future__ import annotations

import logging
import os

from player.changes import Changes
from player.formatting import artist_title
from player.history import PlayTracker
from player.models import PlayOutcome, Track
from player.queue_types import QueueEntry
from player.store import Store
from player.work import Work

logger = logging.getLogger(__name__)


class PlayFaults:
    """Records failed plays of one player and counts them; *max_failures* in a row stop it."""

    def __init__(self, work: Work, tracker: PlayTracker, max_failures: int = 3) -> None:
        self.work = work
        self.tracker = tracker
        self.max_failures = max_failures
        self.in_a_row = 0

    def record(self, entry: QueueEntry, track: Track | None, message: str, *,
               duration: float | None, detail: str = "") -> str:
        """The play of *entry* failed because of *message*: write the error play and mark
        the track (missing when its file is gone, else with *message* as its play error).
        Returns the sentence for a person, *detail* appended."""
        self.tracker.record_error(entry.track_id, source=entry.source, duration=duration)
        if track is not None:
            logger.warning("cannot play track %d (%s): %s", entry.track_id, track.path,
                           message)
            track_id, gone = entry.track_id, not os.path.exists(track.path)

            def mark(store: Store) -> Changes:
                if gone:
                    store.tracks.mark_missing([track_id])
                else:
                    store.tracks.set_play_error(track_id, message)
                return Changes(playability=frozenset({track_id}))

            self.work.write(mark, name="mark a track that cannot be played")
        return f"Cannot play {self.describe(track, entry)}: {message}{detail}"

    def count(self) -> bool:
        """One more failure in a row; True when the run reached max_failures (and then it
        starts again from nothing)."""
        self.in_a_row += 1
        if self.in_a_row < self.max_failures:
            return False
        self.in_a_row = 0
        return True

    def played_through(self, outcome: PlayOutcome | None, track: Track | None) -> None:
        """A play of *track* closed with *outcome*, without a fault: the run ends, and a
        completed track marked unplayable plays after all."""
        self.in_a_row = 0
        if outcome is PlayOutcome.COMPLETED and track is not None and track.id is not None \
                and track.play_error:
            track_id = track.id

            def clear(store: Store) -> Changes:
                store.tracks.set_play_error(track_id, None)
                return Changes(playability=frozenset({track_id}))

            self.work.write(clear, name="clear a play error")
            track.play_error = None

    @staticmethod
    def describe(track: Track | None, entry: QueueEntry) -> str:
        """The track for a person: "Artist – Title", or its id when it is gone."""
        if track is None:
            return f"track {entry.track_id}"
        return artist_title(track.display_artist, track.display_title)
