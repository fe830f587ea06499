"""Sonic paths and flow order in the window: "Play a path to here" and "Order for flow".

Both read the auto-shuffle's current snapshot off the GUI thread (the recommender's maths
load there, not here) and hand the tracks to the player: a path plays after the playing
track (or from the track played last, when nothing plays), tracks in flow order play now or
join the queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from player.queue_types import FillContext, Filler
from player.store import Store
from recommender.shuffle import AutoShuffle
from ui.player_control import PlayerControl
from ui.tasks import BackgroundWork

if TYPE_CHECKING:
    from recommender.snapshot import Snapshot

logger = logging.getLogger(__name__)

#: Tracks in a path played from the map or the library, both ends included.
PATH_LENGTH = 12


def snapshot_of(filler: Filler | None) -> Snapshot | None:
    """What the auto-shuffle knows now, when the queue's filler is the auto-shuffle and has
    read the library (the map, paths and flow order read it); else None."""
    return filler.snapshot if isinstance(filler, AutoShuffle) else None


class TasteActions(QObject):
    """What the map and the library ask of sonic paths and flow order."""

    message = Signal(str)

    def __init__(self, control: PlayerControl, work: BackgroundWork, store: Store,
                 title_of: Callable[[int], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.control = control
        self.work = work
        self.store = store  # the GUI thread's, for a quick read of the track played last
        self.title_of = title_of

    def _snapshot(self) -> Snapshot | None:
        return snapshot_of(self.control.queue.filler)

    def path_to(self, track_id: int) -> None:
        """Queue a sonic path from the playing track to *track_id*, to play next (from the
        track played last, played now, when nothing plays)."""
        snapshot = self._snapshot()
        if snapshot is None:
            self.message.emit("The auto-shuffle is still reading the library; try again in "
                              "a moment.")
            return
        playing = self.control.playing_id()
        start = playing if playing is not None else self.store.plays.last_track()
        if start is None or start == track_id:
            self.message.emit("A path starts from the playing track: play something first.")
            return
        whole = self.control.queue.context_before(None)
        # the auto picks are drawn again after the path: only what the listener queued stays
        context = FillContext(whole.current, whole.history,
                              tuple(e.track_id for e in self.control.queue.user_part))
        title = self.title_of(track_id)

        def find(_store: Store) -> list[int]:
            from recommender.sonic_path import sonic_path

            return [s.track_id for s in sonic_path(snapshot, start, track_id, PATH_LENGTH,
                                                   context=context)]

        def found(ids: list[int]) -> None:
            steps = ids[1:]
            if playing is not None:
                self.control.queue.enqueue_next(steps)
                self.message.emit(f"A path of {len(steps)} tracks to “{title}” plays next.")
            else:
                self.control.play_now(steps)
                self.message.emit(f"Playing a path of {len(steps)} tracks to “{title}”.")

        self.work.read(find, found, failed=lambda exc: self.message.emit(str(exc)),
                       name="sonic path")

    def in_flow_order(self, track_ids: list[int], then: Callable[[list[int]], None]) -> None:
        """Put *track_ids* in an order where neighbours sound alike, then call *then* with
        them (on the GUI thread)."""
        snapshot = self._snapshot()
        if snapshot is None or len(track_ids) < 3:
            then(list(track_ids))
            return

        def order(_store: Store) -> list[int]:
            from recommender.flow_order import order_for_flow

            return order_for_flow(snapshot, track_ids)

        self.work.read(order, then, failed=lambda exc: self.message.emit(str(exc)),
                       name="order for flow")

    def play_in_flow_order(self, track_ids: list[int]) -> None:
        self.in_flow_order(track_ids, self.control.play_now)

    def queue_in_flow_order(self, track_ids: list[int]) -> None:
        self.in_flow_order(track_ids, lambda ids: self.control.enqueue(ids, False))

    def order_queue_for_flow(self) -> None:
        """Reorder what the listener queued so neighbours sound alike (the auto picks
        after it are left as they are)."""
        queue = self.control.queue
        entries = queue.user_part
        if len(entries) < 3:
            self.message.emit("Queue three tracks or more to put them in flow order.")
            return
        keys: dict[int, list[int]] = {}
        for entry in entries:
            keys.setdefault(entry.track_id, []).append(entry.key)

        def arrange(ids: list[int]) -> None:
            if [e.key for e in queue.user_part] != [e.key for e in entries]:
                return  # the queue changed meanwhile: leave the listener's new order alone
            order = [keys[t].pop(0) for t in ids]
            queue.arrange_user(order)
            self.message.emit("The queue is in flow order.")

        self.in_flow_order([e.track_id for e in entries], arrange)
