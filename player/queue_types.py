"""The queue's vocabulary: entries, repeat modes, and what the auto part's filler is given.

Kept apart from player/queue.py so a filler (the auto-shuffle) and the saved queue need
only these plain types; `from player.queue import ...` still gives them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from player.changes import Changes
from player.models import PlaySource


class RepeatMode(StrEnum):
    OFF = "off"
    ONE = "one"  #: the current track plays again when it ends (next still moves on)
    QUEUE = "queue"  #: the tracks played since the queue was set play again; no auto part


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One place in the queue. *key* tells two entries of the same track apart."""

    key: int
    track_id: int
    source: PlaySource = PlaySource.USER
    #: Why the auto-shuffle chose it, for a person ("similar to ★★★★★ 'Song'"); None if user.
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    """A track the filler proposes, with a short reason a person can read."""

    track_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class FillContext:
    """What a filler knows when asked for more: track ids only, cheap to build."""

    current: int | None  #: the track playing now
    history: tuple[int, ...]  #: tracks played from this queue, oldest first
    queued: tuple[int, ...]  #: tracks already ahead, in play order (user part, then auto)


@dataclass(frozen=True, slots=True)
class Influence:
    """A judged track that moves a prediction: towards it when the listener likes it
    (*preference* > 0), away when they do not."""

    track_id: int
    title: str
    closeness: float  #: 0..1: 1 sounds the same, 0 is far beyond its neighbourhood
    preference: float  #: the listener's own preference for it, -1..1
    evidence: str  #: what the listener did, in words ("rated ★★★★★", "skipped twice")


@dataclass(frozen=True)
class Why:
    """Why a track would or would not be picked next, now (`Filler.explain`).

    *excluded* is the hard rule that keeps it out, in words (None: it may be picked).
    Preferences are -1..1; flow and novelty 0..1 (flow below 0 moves away from a disliked
    track); *score* and *rank* (1 = best, of *eligible* tracks) are there when it may be
    picked; *reason* is what its pick would say.
    """

    track_id: int
    excluded: str | None
    own_preference: float | None
    predicted: float | None
    confidence: float
    influences: tuple[Influence, ...]
    flow: float | None
    flow_from: str | None
    novelty: float
    novelty_text: str
    score: float | None
    rank: int | None
    eligible: int
    reason: str | None


class Filler(Protocol):
    """Supplies the auto part: the recommender's AutoShuffle in the player.

    Filling is quick and reads only what the filler already holds: it runs on the thread
    that owns the queue (the window's). What the filler learns from comes through
    `follow`, which may work elsewhere and answers when done.
    """

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        """Up to *count* picks to play after `context.queued`, best-ordered first. Fewer
        (or none) is fine when the library has nothing suitable left."""
        ...

    def follow(self, changes: Changes, then: Callable[[], None] | None = None) -> None:
        """Take *changes* into account; call *then* on the owner's thread once picks
        reflect them (at once when they do not concern the filler)."""
        ...

    def set_discover(self, share: float) -> None:
        """The share (0–1) of picks that explore music far from anything judged."""
        ...

    @property
    def ready(self) -> bool:
        """Whether the filler's picks reflect every change it was told of (False while it
        is still reading the library or the latest changes)."""
        ...

    def explain(self, track_id: int, context: FillContext) -> Why | None:
        """Why *track_id* would or would not be the next pick after *context*; None while
        the filler cannot pick yet. Safe to call from a worker thread."""
        ...
