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

from player.history import PlayTracker
from player.models import PlayOutcome, Track
from player.queue_types import QueueEntry
from player.store.tracks import TrackStore

logger = logging.getLogger(__name__)


class PlayFaults:
    """Records failed plays of one player and counts them; *max_failures* in a row stop it."""

    def __init__(self, tracks: TrackStore, tracker: PlayTracker, max_failures: int = 3) -> None:
        self.tracks = tracks
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
            if not os.path.exists(track.path):
                self.tracks.mark_missing([entry.track_id])
            else:
                self.tracks.set_play_error(entry.track_id, message)
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
            self.tracks.set_play_error(track.id, None)
            track.play_error = None

    @staticmethod
    def describe(track: Track | None, entry: QueueEntry) -> str:
        """The track for a person: "Artist – Title", or its id when it is gone."""
        if track is None:
            return f"track {entry.track_id}"
        return f"{track.display_artist} – {track.display_title}"
