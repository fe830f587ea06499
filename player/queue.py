"""The play queue: what plays now, what the user queued, then the auto-shuffle's picks.

    history (for "previous")  |  current  |  user part (the user's order)  |  auto part

The user part plays first, in the order the user gave; only the user changes it. The auto
part comes after it and is asked from an injected Filler, topped up so that `ahead` picks
are always visible; `redraw_auto` throws the not-yet-played picks away and asks again (after
a rating or a skip: player/feedback.py says when), never touching the user part. Every
change is saved (when a saver is given) and announced to the listeners, plain callables with
no arguments, so a window can refresh without the queue knowing about it.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Sequence

from player.history import ChangeReason
from player.models import PlaySource
from player.queue_saving import QueueSaver
from player.queue_types import FillContext, Filler, Pick, QueueEntry, RepeatMode
from player.store.queue_state import SavedEntry

logger = logging.getLogger(__name__)

#: How many played entries the queue keeps for "previous".
HISTORY_LIMIT = 200
#: How many of the user's played entries repeat queue can play again.
CYCLE_LIMIT = 5000


class Queue:
    """The queue of one player. Not thread-safe: use it from the thread that owns it."""

    def __init__(self, filler: Filler | None = None, *, ahead: int = 10, auto: bool = True,
                 repeat: RepeatMode = RepeatMode.OFF, saver: QueueSaver | None = None,
                 history_limit: int = HISTORY_LIMIT,
                 on_auto_removed: Callable[[list[int]], None] | None = None) -> None:
        """*ahead*: auto picks kept visible; *auto*: whether the auto part is filled at all;
        *saver*: where the queue is saved and restored from (None: kept in memory only);
        *on_auto_removed*: told the track ids of auto picks the user removed (a mild "not
        now" the recommender learns from)."""
        self._filler = filler
        self._on_auto_removed = on_auto_removed
        self._ahead = max(0, ahead)
        self._auto_on = auto
        self._repeat = RepeatMode(repeat)
        self._saver = saver
        self._history_limit = history_limit
        self._keys = itertools.count(1)
        self._history: list[QueueEntry] = []
        self._cycle: list[QueueEntry] = []
        self._current: QueueEntry | None = None
        self._user: list[QueueEntry] = []
        self._auto: list[QueueEntry] = []
        self.resume_position_ms = 0  # where the restored current track had got to
        self.listeners: list[Callable[[], None]] = []
        self._restore()
        self._top_up()

    # -- reading -------------------------------------------------------------------------------

    @property
    def current(self) -> QueueEntry | None:
        return self._current

    @property
    def filler(self) -> Filler | None:
        return self._filler

    @property
    def history(self) -> tuple[QueueEntry, ...]:
        """Played entries, oldest first."""
        return tuple(self._history)

    @property
    def user_part(self) -> tuple[QueueEntry, ...]:
        return tuple(self._user)

    @property
    def auto_part(self) -> tuple[QueueEntry, ...]:
        return tuple(self._auto)

    @property
    def upcoming(self) -> tuple[QueueEntry, ...]:
        """Everything ahead, in play order: the user part, then the auto part."""
        return (*self._user, *self._auto)

    @property
    def repeat(self) -> RepeatMode:
        return self._repeat

    @property
    def auto_wanted(self) -> bool:
        """Whether the listener switched the auto part on (it may still be idle: see
        auto_enabled)."""
        return self._auto_on

    @property
    def auto_enabled(self) -> bool:
        """Whether the auto part is being filled (never under repeat queue)."""
        return self._auto_on and self._filler is not None and self._repeat is not RepeatMode.QUEUE

    def context_before(self, key: int | None = None) -> FillContext:
        """What the filler knows when asked for a pick in the place of upcoming entry *key*
        (None: after everything queued): what played, what plays, what comes before it."""
        queued = []
        for entry in self.upcoming:
            if entry.key == key:
                break
            queued.append(entry.track_id)
        return FillContext(current=self._current.track_id if self._current else None,
                           history=tuple(e.track_id for e in self._history),
                           queued=tuple(queued))

    def peek_next(self, reason: ChangeReason = ChangeReason.ENDED) -> QueueEntry | None:
        """What `advance(reason)` would make current, without changing anything."""
        if reason is ChangeReason.ENDED and self._repeat is RepeatMode.ONE:
            return self._current
        if self._user:
            return self._user[0]
        if self._auto:
            return self._auto[0]
        if self._repeat is RepeatMode.QUEUE and self._cycle:
            return self._cycle[0]
        return None

    # -- moving through the queue --------------------------------------------------------------

    def advance(self, reason: ChangeReason = ChangeReason.NEXT) -> QueueEntry | None:
        """Move to the next entry because of *reason*; returns the new current (None: the
        queue ran out). Repeat one replays the current track only when it ENDED."""
        if reason is ChangeReason.ENDED and self._repeat is RepeatMode.ONE and self._current:
            self._changed()
            return self._current
        if not self._user and not self._auto and self._repeat is RepeatMode.QUEUE:
            self._user = [self._new(e.track_id, e.source, e.reason) for e in self._cycle]
            self._cycle = []
        self._retire_current()
        if self._user:
            self._current = self._user.pop(0)
        elif self._auto:
            self._current = self._auto.pop(0)
        if self._current is not None:
            self._remember(self._current)
        self.resume_position_ms = 0
        self._top_up()
        self._changed()
        return self._current

    def previous(self) -> QueueEntry | None:
        """Go back to the last played entry; the current one becomes next again, where it
        came from (an auto pick at the head of the auto part, with its reason). With no
        history, the current entry stays (the caller restarts it)."""
        if not self._history:
            return self._current
        back = self._history.pop()
        if self._current is not None:
            if self._cycle and self._cycle[-1].key == self._current.key:
                self._cycle.pop()
            keeps_auto = self._auto_on and self._repeat is not RepeatMode.QUEUE
            came_from = self._auto if self._current.source is PlaySource.AUTO and keeps_auto \
                else self._user
            came_from.insert(0, self._current)
        self._current = back
        self.resume_position_ms = 0
        self._changed()
        return back

    def play_now(self, track_ids: Sequence[int],
                 source: PlaySource = PlaySource.USER) -> QueueEntry | None:
        """Play the first of *track_ids* now and the rest right after it (ahead of what was
        queued); the entry playing so far goes to the history. The auto part is drawn
        again, to follow what the person chose."""
        if not track_ids:
            return self._current
        entries = [self._new(t, source) for t in track_ids]
        self._retire_current()
        self._current = entries[0]
        self._user[0:0] = entries[1:]
        self._cycle = []
        self._remember(self._current)
        self.resume_position_ms = 0
        self._auto.clear()
        self._top_up()
        self._changed()
        return self._current

    def jump_to(self, key: int) -> QueueEntry | None:
        """Play the upcoming entry *key* now; the entries before it stay where they are."""
        taken = self._take(key)
        if taken is None:
            return self._current
        entry = taken[0]
        self._retire_current()
        self._current = entry
        self._remember(entry)
        self.resume_position_ms = 0
        self._top_up()
        self._changed()
        return entry

    # -- editing ---------------------------------------------------------------------------------

    def enqueue(self, track_ids: Iterable[int]) -> list[QueueEntry]:
        """Add tracks at the end of the user part (before the auto picks)."""
        entries = [self._new(t, PlaySource.USER) for t in track_ids]
        self._user.extend(entries)
        self._top_up()
        self._changed()
        return entries

    def enqueue_next(self, track_ids: Iterable[int]) -> list[QueueEntry]:
        """Add tracks at the front of the user part, in the given order, to play next."""
        entries = [self._new(t, PlaySource.USER) for t in track_ids]
        self._user[0:0] = entries
        self._top_up()
        self._changed()
        return entries

    def remove(self, keys: Iterable[int]) -> None:
        """Take upcoming entries out of the queue (user or auto). Removing an auto pick is
        feedback: it is reported (the auto part is then drawn again, see feedback.py)."""
        drop = set(keys)
        removed_auto = [e.track_id for e in self._auto if e.key in drop]
        self._user = [e for e in self._user if e.key not in drop]
        self._auto = [e for e in self._auto if e.key not in drop]
        self._top_up()
        self._changed()
        if removed_auto and self._on_auto_removed is not None:
            self._on_auto_removed(removed_auto)

    def move(self, key: int, index: int) -> None:
        """Move upcoming entry *key* to position *index* of `upcoming`.

        An auto pick moved among the user's entries joins the user part (the user placed
        it); a user entry never leaves the user part: moved past its end, it goes last in it.
        """
        taken = self._take(key)
        if taken is None:
            return
        entry, was_user = taken
        index = max(0, index)
        if index < len(self._user) or was_user:
            self._user.insert(min(index, len(self._user)), entry)
        else:
            self._auto.insert(min(index - len(self._user), len(self._auto)), entry)
        self._top_up()
        self._changed()

    def arrange_user(self, keys: Sequence[int]) -> None:
        """Put the user part in the order of *keys* (entries not named keep their order,
        after them); the auto part is not touched."""
        by_key = {e.key: e for e in self._user}
        ordered = [by_key.pop(k) for k in keys if k in by_key]
        rest = [e for e in self._user if e.key in by_key]
        if ordered + rest == self._user:
            return
        self._user = ordered + rest
        self._changed()

    def clear(self) -> None:
        """Empty everything ahead (user and auto part); the auto part then refills."""
        self._user.clear()
        self._auto.clear()
        self._cycle = []
        if self._current is not None:
            self._remember(self._current)
        self._top_up()
        self._changed()

    def redraw_auto(self) -> None:
        """Throw the auto picks away and ask the filler again (after a rating or a skip)."""
        self._auto.clear()
        self._top_up()
        self._changed()

    def top_up(self) -> None:
        """Ask the filler for the picks the auto part lacks (it may have had none to give
        before); the picks already shown stay."""
        before = len(self._auto)
        self._top_up()
        if len(self._auto) != before:
            self._changed()

    def drop_unplayable(self, track_id: int) -> None:
        """Take the auto picks of a track that just failed out of the queue (a fault, not
        the user's feedback); what the user queued stays."""
        before = len(self._auto)
        self._auto = [e for e in self._auto if e.track_id != track_id]
        if len(self._auto) != before:
            self._top_up()
            self._changed()

    def set_repeat(self, mode: RepeatMode) -> None:
        """Repeat queue drops the auto part (an endless part cannot be repeated)."""
        self._repeat = RepeatMode(mode)
        if self._repeat is RepeatMode.QUEUE:
            self._auto.clear()
        self._top_up()
        self._changed()

    def set_auto(self, enabled: bool, ahead: int | None = None) -> None:
        """Turn the auto part on or off, and optionally change how many picks it keeps."""
        self._auto_on = enabled
        if ahead is not None:
            self._ahead = max(0, ahead)
            del self._auto[self._ahead:]
        if not enabled:
            self._auto.clear()
        self._top_up()
        self._changed()

    def set_filler(self, filler: Filler | None) -> None:
        """Use another filler from now on; the picks already shown (restored after a
        restart, say) stay, and what is missing is asked from the new filler."""
        self._filler = filler
        self.top_up()

    def save_position(self, position_ms: int) -> None:
        """Remember how far the current track has played (restored as resume_position_ms)."""
        self.resume_position_ms = int(position_ms)
        if self._saver is not None:
            self._saver.save_position(position_ms)

    # -- internals -------------------------------------------------------------------------------

    def _remember(self, entry: QueueEntry) -> None:
        """Note a user's entry that started, for repeat queue (auto picks never repeat)."""
        if entry.source is PlaySource.USER:
            self._cycle.append(entry)
            del self._cycle[:-CYCLE_LIMIT]

    def _new(self, track_id: int, source: PlaySource, reason: str | None = None) -> QueueEntry:
        return QueueEntry(next(self._keys), int(track_id), PlaySource(source), reason)

    def _take(self, key: int) -> tuple[QueueEntry, bool] | None:
        """Remove upcoming entry *key*; returns it and whether it was in the user part."""
        for part in (self._user, self._auto):
            for i, entry in enumerate(part):
                if entry.key == key:
                    return part.pop(i), part is self._user
        return None

    def _retire_current(self) -> None:
        if self._current is not None:
            self._history.append(self._current)
            del self._history[:-self._history_limit]
            self._current = None

    def _top_up(self) -> None:
        if not self.auto_enabled:
            if self._repeat is RepeatMode.QUEUE or not self._auto_on:
                self._auto.clear()
            return
        need = self._ahead - len(self._auto)
        if need <= 0 or self._filler is None:
            return
        try:
            picks = self._filler.fill(need, self.context_before())
        except Exception:  # a failing filler must not stop the music
            logger.exception("the auto-shuffle could not pick tracks")
            return
        for pick in picks[:need]:
            self._auto.append(self._new(pick.track_id, PlaySource.AUTO, pick.reason))

    def _changed(self) -> None:
        self._save()
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:
                logger.exception("a queue listener failed")

    def _save(self) -> None:
        if self._saver is None:
            return
        self._saver.save({
            "history": self._history, "cycle": self._cycle,
            "current": [self._current] if self._current else [],
            "user": self._user, "auto": self._auto,
        }, self.resume_position_ms)

    def _restore(self) -> None:
        if self._saver is None:
            return

        def make(saved: SavedEntry) -> QueueEntry:
            source = PlaySource.AUTO if saved.source == "auto" else PlaySource.USER
            return self._new(saved.track_id, source, saved.reason)

        parts, self.resume_position_ms = self._saver.restore(make)
        self._history, self._cycle = parts["history"], parts["cycle"]
        self._user, self._auto = parts["user"], parts["auto"]
        self._current = parts["current"][-1] if parts["current"] else None
        if self._current is not None and self._cycle and self._cycle[-1].track_id == \
                self._current.track_id:
            self._cycle[-1] = self._current
        logger.debug("queue restored: %d ahead", len(self._user) + len(self._auto))


__all__ = ["ChangeReason", "FillContext", "Filler", "Pick", "Queue", "QueueEntry",
           "RepeatMode"]
