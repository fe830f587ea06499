"""A plain random filler for the queue's auto part, with no recommender behind it.

The player uses the recommender's auto-shuffle; this one keeps the queue usable and
testable on its own (player/ may not import the recommender), with the same hard rules.

It picks uniformly among the tracks that can be played (not missing, no scan or play error),
leaves out what played recently (the last `recent_plays` plays and anything played within
`recent_hours`) and keeps artists apart (no artist twice within `artist_gap` tracks). When
the library is too small for those rules, it relaxes them in that order: first the artist
gap, then recency (the track played longest ago comes first), so the music never stops
while there is something to play.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from player.queue import FillContext, Pick
from player.store import Store

#: Tracks the filler may offer: present, read, and not known to fail at play time.
_PLAYABLE = "missing_since IS NULL AND scan_error IS NULL AND play_error IS NULL"
#: From this many track ids up, picks come from a random sample rather than a full read.
SAMPLE_FROM = 5000


@dataclass(frozen=True, slots=True)
class _Candidate:
    track_id: int
    artist: str | None  # case-folded; None for an unknown artist (never kept apart)


class RandomFiller:
    """Filler (see player.queue.Filler) that shuffles the playable library at random."""

    def __init__(self, store: Store, *, recent_plays: int = 50, recent_hours: float = 12.0,
                 artist_gap: int = 3, rng: random.Random | None = None,
                 wall: Callable[[], float] = time.time) -> None:
        self._store = store
        self._recent_plays = recent_plays
        self._recent_hours = recent_hours
        self._artist_gap = artist_gap
        self._rng = rng or random.Random()
        self._wall = wall

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        if count <= 0:
            return []
        blocked = set(context.queued)
        if context.current is not None:
            blocked.add(context.current)
        recency = self._recency(context)  # track id -> rank, 0 = played most recently
        artists = self._recent_artists(context)
        sampled = self._fill_from_sample(count, blocked, recency, list(artists))
        if sampled is not None:
            return sampled
        pool = [c for c in self._candidates() if c.track_id not in blocked]
        fresh = [c for c in pool if c.track_id not in recency]
        stale = sorted((c for c in pool if c.track_id in recency),
                       key=lambda c: -recency[c.track_id])
        picks: list[Pick] = []
        while len(picks) < count and (fresh or stale):
            pick = self._draw(fresh, artists)
            reason = "random pick, by an artist not heard just before"
            if pick is None and fresh:
                pick = fresh.pop(self._rng.randrange(len(fresh)))
                reason = "random pick (every other artist played just before)"
            if pick is None:
                pick = stale.pop(0)
                reason = "played a while ago; everything else played more recently"
            picks.append(Pick(pick.track_id, reason))
            artists.append(pick.artist)
        return picks

    def _fill_from_sample(self, count: int, blocked: set[int], recency: dict[int, int],
                          artists: list[str | None]) -> list[Pick] | None:
        """In a big library, draw random track ids instead of reading every track (which
        costs a tenth of a second at 100k tracks). None when the sample cannot serve all
        *count* picks under the strict rules; the caller then reads the whole library."""
        low, high = self._store.db.query("SELECT min(id), max(id) FROM tracks")[0]
        if low is None or high - low + 1 < SAMPLE_FROM:
            return None
        size = min(high - low + 1, 8 * count + 32)
        ids = self._rng.sample(range(low, high + 1), size)
        marks = ",".join("?" for _ in ids)
        rows = self._store.db.query(
            "SELECT id, coalesce(nullif(artist, ''), nullif(albumartist, '')) FROM tracks "
            f"WHERE id IN ({marks}) AND {_PLAYABLE}", ids)
        order = {track_id: i for i, track_id in enumerate(ids)}
        pool = sorted((_Candidate(r[0], r[1].casefold() if r[1] else None) for r in rows
                       if r[0] not in blocked and r[0] not in recency),
                      key=lambda c: order[c.track_id])
        picks: list[Pick] = []
        while len(picks) < count:
            pick = self._draw(pool, artists)
            if pick is None:
                return None
            picks.append(Pick(pick.track_id, "random pick, by an artist not heard just before"))
            artists.append(pick.artist)
        return picks

    def _draw(self, pool: list[_Candidate], artists: list[str | None]) -> _Candidate | None:
        """Take a random candidate whose artist is not among the last artist_gap ones."""
        avoid = {a for a in artists[-self._artist_gap:] if a} if self._artist_gap else set()
        if not pool:
            return None
        for _ in range(20):  # cheap tries first: most candidates are fine
            i = self._rng.randrange(len(pool))
            if pool[i].artist is None or pool[i].artist not in avoid:
                return pool.pop(i)
        allowed = [i for i, c in enumerate(pool) if c.artist is None or c.artist not in avoid]
        if not allowed:
            return None
        return pool.pop(self._rng.choice(allowed))

    def _candidates(self) -> list[_Candidate]:
        rows = self._store.db.query(
            "SELECT id, coalesce(nullif(artist, ''), nullif(albumartist, '')) FROM tracks "
            f"WHERE {_PLAYABLE} ORDER BY id"
        )
        return [_Candidate(r[0], r[1].casefold() if r[1] else None) for r in rows]

    def _recency(self, context: FillContext) -> dict[int, int]:
        """Recently played track ids, ranked from the most recent (0) back."""
        order: list[int] = []
        order.extend(reversed(context.history[-self._recent_plays:] if self._recent_plays
                              else ()))
        if self._recent_plays:
            order.extend(p.track_id for p in self._store.plays.recent(self._recent_plays))
        if self._recent_hours > 0:
            since = self._wall() - self._recent_hours * 3600.0
            order.extend(r[0] for r in self._store.db.query(
                "SELECT track_id FROM plays WHERE started_at >= ? GROUP BY track_id "
                "ORDER BY max(started_at) DESC", (since,)))
        ranks: dict[int, int] = {}
        for track_id in order:
            ranks.setdefault(track_id, len(ranks))
        return ranks

    def _recent_artists(self, context: FillContext) -> list[str | None]:
        """Artists of the last tracks before the first pick, oldest first."""
        tail: list[int] = [*context.history[-self._artist_gap:]] if self._artist_gap else []
        if context.current is not None:
            tail.append(context.current)
        tail.extend(context.queued)
        tail = tail[-self._artist_gap:] if self._artist_gap else []
        return list(self._artists_of(tail))

    def _artists_of(self, track_ids: Iterable[int]) -> Iterable[str | None]:
        ids = list(track_ids)
        if not ids:
            return []
        marks = ",".join("?" for _ in ids)
        rows = self._store.db.query(
            "SELECT id, coalesce(nullif(artist, ''), nullif(albumartist, '')) FROM tracks "
            f"WHERE id IN ({marks})", ids)
        by_id = {r[0]: (r[1].casefold() if r[1] else None) for r in rows}
        return [by_id.get(i) for i in ids]
