"""Keeping the saved queue (the queue_entries table) in step with a Queue, row by row.

A queue can hold tens of thousands of entries (a whole library put in the user part), and it
changes on every track: rewriting every row each time cost a fifth of a second on the GUI
thread at 30k entries. The saver remembers which row holds which entry (by the entry's
key) and writes only the difference: the rows of entries that left, and rows for the entries
that arrived. Rows are read back in id order within their part, so a new entry takes an id
that fits where it stands: above the part's last row at its end, below its first row at its
start, in a free gap between two rows in the middle, or, when there is no room, the shorter
side of the part is written again.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Callable, Mapping, Sequence

from player.queue_types import QueueEntry
from player.store import Store
from player.store.queue_state import PARTS, QueueStateStore, SavedEntry
from player.work import Work

logger = logging.getLogger(__name__)


#: Distance between the ids of rows added at either end of a part, so that entries put
#: between them later (enqueue next after a play now, a move) find free ids in between.
STRIDE = 1024


class _Ids:
    """Fresh row ids below and above every id in use, STRIDE apart, or free ones between
    two rows. Ids are unique across the whole table, whatever part a row is in."""

    def __init__(self, low: int, high: int, used: set[int]) -> None:
        self._low = low
        self._high = high
        self._used = used

    @property
    def low(self) -> int:
        return self._low

    @property
    def high(self) -> int:
        return self._high

    def between(self, low: int, high: int, count: int) -> list[int] | None:
        """*count* ascending free ids strictly between *low* and *high*, spread out; None
        when there are not enough."""
        if high - low - 1 < count:
            return None
        step = (high - low) // (count + 1)
        ids = [low + step * (k + 1) for k in range(count)]
        if any(i in self._used for i in ids):
            ids = []
            candidate = low + 1
            while len(ids) < count and candidate < high:
                if candidate not in self._used:
                    ids.append(candidate)
                candidate += 1
            if len(ids) < count:
                return None
        self._used.update(ids)
        return ids

    def below(self, count: int) -> list[int]:
        """*count* ascending ids lower than every id handed out or in use."""
        self._low -= count * STRIDE
        return [self._low + k * STRIDE for k in range(count)]

    def above(self, count: int) -> list[int]:
        """*count* ascending ids higher than every id handed out or in use."""
        ids = [self._high + (k + 1) * STRIDE for k in range(count)]
        self._high += count * STRIDE
        return ids


def _longest_rising(rows: Sequence[int | None]) -> set[int]:
    """The indexes of a longest strictly rising run of the rows that are not None (the
    saved rows that can stay where they are when entries changed order)."""
    tails: list[int] = []  # tails[k]: index ending the best rising run of length k + 1
    tail_rows: list[int] = []  # the rows at those indexes
    before: dict[int, int | None] = {}
    for index, row in enumerate(rows):
        if row is None:
            continue
        k = bisect.bisect_left(tail_rows, row)
        before[index] = tails[k - 1] if k > 0 else None
        if k == len(tails):
            tails.append(index)
            tail_rows.append(row)
        else:
            tails[k] = index
            tail_rows[k] = row
    keep: set[int] = set()
    at = tails[-1] if tails else None
    while at is not None:
        keep.add(at)
        at = before[at]
    return keep


def _place(old: Sequence[tuple[int, int]], keys: Sequence[int],
           ids: _Ids) -> tuple[list[int], list[tuple[int, int]]]:
    """Plan one part: *old* is (row id, key) in saved order, *keys* the part as it is now.

    Returns the row ids to delete and (index in *keys*, new row id) pairs to insert, so
    that the part's rows in id order are *keys* in order.
    """
    row_of = {key: row for row, key in old}
    wanted = set(keys)
    deletes = [row for row, key in old if key not in wanted]
    assigned: list[int | None] = [row_of.get(key) for key in keys]
    kept = [row for row in assigned if row is not None]
    if any(a >= b for a, b in itertools.pairwise(kept)):
        # Entries changed order (a move): the fewest possible are written again.
        stay = _longest_rising(assigned)
        for index, row in enumerate(assigned):
            if row is not None and index not in stay:
                deletes.append(row)
                assigned[index] = None
    inserts: list[tuple[int, int]] = []
    i = 0
    while i < len(assigned):
        if assigned[i] is not None:
            i += 1
            continue
        j = i
        while j < len(assigned) and assigned[j] is None:
            j += 1
        lo = assigned[i - 1] if i > 0 else None
        hi = assigned[j] if j < len(assigned) else None
        count = j - i
        if hi is None:
            new_ids = ids.above(count)
        elif lo is None:
            new_ids = ids.below(count)
        elif (free := ids.between(lo, hi, count)) is not None:
            new_ids = free
        elif len(assigned) - i <= j:
            # No room between two rows: write the tail again, from here to the end.
            for k in range(j, len(assigned)):
                row = assigned[k]
                if row is not None:  # rows after this run are all saved ones
                    deletes.append(row)
                assigned[k] = None
            continue
        else:
            # Or the head, from the start to here, whichever is shorter.
            for k in range(0, i):
                row = assigned[k]
                if row is not None:
                    deletes.append(row)
                assigned[k] = None
            inserts = []  # every planned row lies before this run: all are redone
            i = 0
            continue
        for index, row in zip(range(i, j), new_ids, strict=True):
            assigned[index] = row
            inserts.append((index, row))
        i = j
    return deletes, inserts


class QueueSaver:
    """Writes a queue's parts to the queue_entries table, only the rows that changed.

    The saver reads the table once (`restore`) and from then on keeps in memory which row
    holds which entry, so saving reads nothing. With *work*, the rows are written by its
    one writer (the window's thread never waits on the database); without, at once on
    *state*'s connection. If the table no longer holds what the saver expects (tracks
    deleted with their rows, another program writing), the writer starts it afresh from
    the whole queue.
    """

    def __init__(self, state: QueueStateStore, work: Work | None = None) -> None:
        self._state = state
        self._work = work
        self._rows: dict[str, list[tuple[int, int]]] = {part: [] for part in PARTS}
        self._low, self._high = 1, 0
        self._position = 0

    def restore(self, make: Callable[[SavedEntry], QueueEntry]
                ) -> tuple[dict[str, list[QueueEntry]], int]:
        """The saved parts as entries built by *make*, and the current track's position in
        milliseconds. From now on the saver knows which row holds which entry."""
        parts: dict[str, list[QueueEntry]] = {part: [] for part in PARTS}
        self._rows = {part: [] for part in PARTS}
        self._position = 0
        for row, saved in self._state.load_rows():
            entry = make(saved)
            parts[saved.part].append(entry)
            self._rows[saved.part].append((row, entry.key))
            if saved.part == "current":
                self._position = saved.position_ms
        self._low, self._high = self._state.id_bounds()
        return parts, self._position

    def save(self, parts: Mapping[str, Sequence[QueueEntry]], position_ms: int) -> None:
        """Bring the saved rows in line with *parts* (part name → entries in order);
        *position_ms* is how far the current entry has played."""
        expected = sum(len(rows) for rows in self._rows.values())
        used = {row for rows in self._rows.values() for row, _key in rows}
        ids = _Ids(min(self._low, 1), self._high, used)
        deletes: list[int] = []
        inserts: list[tuple[int, SavedEntry]] = []
        for part in PARTS:
            entries = parts.get(part, ())
            part_deletes, part_inserts = _place(self._rows[part], [e.key for e in entries], ids)
            deletes.extend(part_deletes)
            gone = set(part_deletes)
            rows = {index: row for index, row in part_inserts}
            old = {key: row for row, key in self._rows[part] if row not in gone}
            position = position_ms if part == "current" else 0
            for index, row in part_inserts:
                e = entries[index]
                inserts.append((row, SavedEntry(part, e.track_id, str(e.source), e.reason,
                                                position)))
            self._rows[part] = [(rows[i] if i in rows else old[e.key], e.key)
                                for i, e in enumerate(entries)]
        self._low, self._high = ids.low, ids.high
        current_written = any(saved.part == "current" for _row, saved in inserts)
        if deletes or inserts:
            whole = _whole(self._rows, parts, position_ms)
            self._write(lambda state: state.apply(deletes, inserts, expected=expected,
                                                  whole=whole))
        if parts.get("current") and position_ms != self._position and not current_written:
            self.save_position(position_ms)
        self._position = int(position_ms)

    def save_position(self, position_ms: int) -> None:
        """Remember how far the current entry has played, in milliseconds."""
        self._write(lambda state: state.save_position(position_ms))
        self._position = int(position_ms)

    def _write(self, fn: Callable[[QueueStateStore], None]) -> None:
        if self._work is None:
            fn(self._state)
            return

        def write(store: Store) -> None:
            fn(store.queue_state)

        self._work.write(write, name="save the queue")


def _whole(rows: Mapping[str, list[tuple[int, int]]], parts: Mapping[str, Sequence[QueueEntry]],
           position_ms: int) -> Callable[[], list[tuple[int, SavedEntry]]]:
    """Every row of the queue as it is now, built only if the writer needs it."""
    frozen = {part: (list(rows[part]), tuple(parts.get(part, ()))) for part in PARTS}

    def build() -> list[tuple[int, SavedEntry]]:
        out = []
        for part, (part_rows, entries) in frozen.items():
            position = position_ms if part == "current" else 0
            for (row, _key), e in zip(part_rows, entries, strict=True):
                out.append((row, SavedEntry(part, e.track_id, str(e.source), e.reason,
                                            position)))
        return out

    return build
