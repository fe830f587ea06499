"""How what the listener does reaches the auto part: the rules, in one place.

Every write publishes what it changed (player/changes.py). This module decides, for the
queue, what follows: the filler takes the changes into account (a new snapshot of the
taste, off the owner's thread in the window), and then

- a rating, a skip, a removed auto pick, a steer of a region of the taste map or a new
  discover share **redraws** the auto part: the picks drawn before were drawn without it;
- anything else that concerns the filler (a completed play, a scan, new vectors) **tops it
  up**: the picks shown stay, and an empty auto part gets its first picks.

Playing something now redraws too, to follow what the person chose (Queue.play_now). The
user's own part is never touched. The Session publishes only once the queue has moved on,
so a redraw never replaces the entry that is about to play.
"""

from __future__ import annotations

import logging

from player import settings as s
from player.changes import ChangeHub, Changes
from player.queue import Queue

logger = logging.getLogger(__name__)


def redraws(changes: Changes) -> bool:
    """Whether *changes* make the auto picks already drawn stale."""
    return bool(changes.ratings or changes.skips or changes.removals or changes.steering
                or s.DISCOVER.key in changes.settings)


class AutoPartFeedback:
    """Applies the rules above to one queue, for every change published on *hub*."""

    def __init__(self, queue: Queue, hub: ChangeHub) -> None:
        self.queue = queue
        self.hub = hub
        hub.subscribe(self.changed)

    def changed(self, changes: Changes) -> None:
        filler = self.queue.filler
        if filler is None:
            return
        then = self.queue.redraw_auto if redraws(changes) else self.queue.top_up
        filler.follow(changes, then)

    def close(self) -> None:
        self.hub.unsubscribe(self.changed)
