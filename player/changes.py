"""What changed, said once: the typed notice every write path emits, and its hub.

Anki's operations return what they changed and one hook hands it to every screen; Riffle's
writes do the same. A rating, a finished play, a removed auto pick, a scan, an analysis or a
saved setting each end in one `Changes`, published on the owner's thread through the
`ChangeHub`. The window and the auto-shuffle subscribe once and decide what to refresh;
nobody wires a write to a refresh pair by pair, and nobody polls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

logger = logging.getLogger(__name__)

_NO_SETTINGS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Changes:
    """Which parts of the library changed. Sets hold track ids.

    *plays*: tracks whose play finished (any outcome); *skips*: those of them the listener
    skipped (a judgement). *tracks*: tracks were added, re-read, moved or went missing (the
    library's contents). *playability*: tracks that became playable or unplayable (a play
    error, a file gone or back). *vectors*: analysis results were written. *settings*: the
    new value of each saved setting, by key. *steering*: the listener steered the
    auto-shuffle on a region of the taste map (more, less, clear, forget). *playlists*:
    saved playlists (by id) that were created, renamed, edited or deleted.
    """

    ratings: frozenset[int] = frozenset()
    plays: frozenset[int] = frozenset()
    skips: frozenset[int] = frozenset()
    removals: frozenset[int] = frozenset()
    steering: bool = False
    tracks: bool = False
    playability: frozenset[int] = frozenset()
    vectors: bool = False
    settings: Mapping[str, Any] = field(default_factory=lambda: _NO_SETTINGS)
    playlists: frozenset[int] = frozenset()

    @classmethod
    def everything(cls) -> Changes:
        """As if all had changed: what a reader built before must be built again."""
        return cls(tracks=True, vectors=True)

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name == "settings":
                merged[f.name] = MappingProxyType({**mine, **theirs}) if theirs else mine
            elif isinstance(mine, bool):
                merged[f.name] = mine or theirs
            else:
                merged[f.name] = mine | theirs
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(bool(getattr(self, f.name)) for f in fields(self))

    @property
    def judgements(self) -> bool:
        """Something the taste model learns from: a rating, a finished play, a removal."""
        return bool(self.ratings or self.plays or self.removals)

    @property
    def library(self) -> bool:
        """The library's contents, playability or vectors changed."""
        return self.tracks or self.vectors or bool(self.playability)


Subscriber = Callable[[Changes], None]


class ChangeHub:
    """Hands every published Changes to every subscriber, on the publisher's thread.

    Within `batch()`, notices are merged and delivered once when the outermost batch ends,
    so a command that changes several things (finish a play, move the queue on) is seen
    as one change, after it is complete.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._held: Changes | None = None
        self._depth = 0

    def subscribe(self, subscriber: Subscriber) -> None:
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.remove(subscriber)

    def publish(self, changes: Changes) -> None:
        """Deliver *changes* now, or at the end of the batch under way; empty ones are
        dropped."""
        if not changes:
            return
        if self._depth:
            self._held = changes if self._held is None else self._held | changes
            return
        for subscriber in list(self._subscribers):
            try:
                subscriber(changes)
            except Exception:  # one failing subscriber must not starve the others
                logger.exception("a subscriber to library changes failed")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold notices until the block (and any batch around it) ends, then publish them
        merged."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._held is not None:
                held, self._held = self._held, None
                self.publish(held)
