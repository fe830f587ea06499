"""The auto-shuffle: the queue's filler, picking what plays next from the listener's taste.

Each pick is drawn, not sorted. A pool of candidates (a random sample of the eligible
library plus the tracks nearest to what plays) is scored by

    score = PREFERENCE·preference + FLOW·flow + NOVELTY·novelty − separation penalties

and one is sampled with probability ∝ exp(score / temperature), so two runs differ and
the queue still feels like shuffle. Hard rules come first: nothing from the recent plays,
nothing already queued, never the previous pick's artist, no missing or unplayable file,
never a track rated one star. A share of picks (*discover*) explores the tracks the model
knows least about, so it keeps learning. Flow turns into "move away" when the listener
dislikes what plays. Every pick carries a reason a person can read.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from threadpoolctl import ThreadpoolController

from player.queue import FillContext, Pick
from player.store import Store
from recommender import reasons
from recommender.model import TasteState

logger = logging.getLogger(__name__)

PREFERENCE = 3.0
FLOW = 0.8
NOVELTY = 0.3
#: Penalty for an artist heard within the last ARTIST_GAP tracks (the last one is excluded).
ARTIST_PENALTY = 1.5
ALBUM_PENALTY = 0.6
ARTIST_GAP = 4
#: Flow similarity is exp(-(d / FLOW_SCALE)²) over taste-space distance (random pair ≈ 1).
FLOW_SCALE = 0.6
#: A track that played within this many days gets no novelty.
NOVELTY_DAYS = 180.0
NEW_DAYS = 30.0
#: At or below this preference a track counts as disliked: the next pick moves away from it.
DISLIKED = -0.5


@dataclass
class ShuffleConfig:
    """The knobs (see player/settings.py for the user-facing ones)."""

    recent_plays: int = 50
    recent_hours: float = 12.0
    discover: float = 0.15
    temperature: float = 0.3
    pool: int = 300
    flow_neighbours: int = 50


class AutoShuffle:
    """Implements player.queue.Filler over the store, reading judgements as it goes."""

    def __init__(self, store: Store, config: ShuffleConfig | None = None, *,
                 seed: int | None = None, clock: Callable[[], float] = time.time,
                 cache_path: Path | None = None) -> None:
        self.store = store
        self.config = config or ShuffleConfig()
        self._clock = clock
        self._rng = np.random.default_rng(seed)
        self._pyrng = random.Random(seed)
        self.state = TasteState(store, clock=clock, cache_path=cache_path)
        self._threads = ThreadpoolController()  # finding the native pools costs ms: once

    def set_discover(self, share: float) -> None:
        """How adventurous the picks are: the share (0–1) that explores music far from
        anything judged. Takes effect from the next fill."""
        self.config.discover = min(1.0, max(0.0, float(share)))

    def library_changed(self) -> None:
        """Tracks were scanned or analysed: look at the library again before the next pick
        (otherwise it is looked at every LIBRARY_CHECK_SECONDS)."""
        self.state.invalidate()

    # -- the Filler protocol ---------------------------------------------------------------

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        """Up to *count* picks to follow `context.queued`, each with its reason.

        Runs single-threaded: the queries are small, and native thread pools only fight
        the analysis workers (and each other) for the cores, which costs 10–100× here.
        """
        if count <= 0:
            return []
        with self._threads.limit(limits=1):
            return self._fill(count, context)

    def _fill(self, count: int, context: FillContext) -> list[Pick]:
        state = self.state
        state.refresh_if_changed()
        cat = state.catalog
        if len(cat) == 0:
            return []
        now = self._clock()
        blocked = self._blocked_mask(context, now)
        tail = [t for t in (*context.history[-ARTIST_GAP:], context.current, *context.queued)
                if t is not None]
        recent_rows = [cat.row_of[t] for t in tail[-ARTIST_GAP:] if t in cat.row_of]
        anchor = recent_rows[-1] if recent_rows else None
        pool = self._pool(np.flatnonzero(~blocked), anchor)
        picks: list[Pick] = []
        for n in range(count):
            avoid = self._disliked_neighbourhood(anchor, blocked)
            if len(avoid):
                blocked[avoid] = True
            row, reason = self._pick_one(pool, blocked, recent_rows, anchor, now)
            while row is not None and not state.still_playable(row):
                blocked[row] = True  # went missing or failed to play since the last load
                row, reason = self._pick_one(pool, blocked, recent_rows, anchor, now)
            if len(avoid):
                blocked[avoid] = False
            if row is None:
                break
            picks.append(Pick(int(cat.ids[row]), reason))
            blocked[row] = True
            recent_rows = [*recent_rows, row][-ARTIST_GAP:]
            anchor = row
            if n + 1 < count and len(pool) < len(cat):
                pool = np.union1d(pool, self._near(anchor, blocked))  # follow the flow
        return picks

    # -- hard rules ----------------------------------------------------------------------------

    def _blocked_mask(self, context: FillContext, now: float) -> np.ndarray:
        """True for every catalog row the hard rules forbid right now."""
        cat = self.state.catalog
        blocked = ~cat.playable | self.state.one_star_mask()
        recent: set[int] = set(context.queued) | set(context.history[-self.config.recent_plays:])
        if context.current is not None:
            recent.add(context.current)
        if self.config.recent_plays:
            recent.update(p.track_id for p in self.store.plays.recent(self.config.recent_plays))
        if self.config.recent_hours > 0:
            since = now - self.config.recent_hours * 3600.0
            recent.update(r[0] for r in self.store.db.query(
                "SELECT DISTINCT track_id FROM plays WHERE started_at >= ?", (since,)))
        rows = cat.rows(recent)
        if len(rows):
            blocked[rows] = True
        if blocked.all():
            # A small library, all heard lately: rather repeat than go silent, but never
            # what plays now or what just played.
            blocked = ~cat.playable | self.state.one_star_mask()
            again = {*context.queued, context.current, *context.history[-1:]}
            last = self.store.plays.recent(1)
            again.update(p.track_id for p in last)
            rows = cat.rows({t for t in again if t is not None})
            if len(rows):
                blocked[rows] = True
        return blocked

    # -- one pick ------------------------------------------------------------------------------

    def _pick_one(self, pool: np.ndarray, blocked: np.ndarray, recent_rows: list[int],
                  anchor: int | None, now: float) -> tuple[int | None, str]:
        cat = self.state.catalog
        rows = pool[~blocked[pool]]
        if recent_rows and len(rows):
            other_artist = cat.artist_key[rows] != cat.artist_key[recent_rows[-1]]
            if other_artist.any():
                rows = rows[other_artist]
        if len(rows) == 0:
            return None, ""
        if self.state.taste.has_judgements and self._pyrng.random() < self.config.discover:
            row = self._explore(rows)
            if row is not None:
                return row, reasons.SOMETHING_DIFFERENT
        scored = self._score(rows, recent_rows, anchor, now)
        logits = scored.total / max(self.config.temperature, 1e-3)
        weights = np.exp(logits - logits.max())
        choice = int(self._rng.choice(len(rows), p=weights / weights.sum()))
        return int(rows[choice]), self._reason(scored, choice, anchor, now)

    def _pool(self, eligible: np.ndarray, anchor: int | None) -> np.ndarray:
        """The rows one fill chooses among: all eligible ones in a small library, else a
        random sample plus what sounds nearest to the anchor."""
        size = self.config.pool
        if len(eligible) <= size:
            return eligible
        if len(eligible) > 20 * size:  # drawing with repeats and dropping them is far cheaper
            sample = np.unique(eligible[self._rng.integers(0, len(eligible), size)])
        else:
            sample = self._rng.choice(eligible, size=size, replace=False)
        if anchor is None:
            return np.sort(sample)
        blocked = np.ones(len(self.state.catalog), bool)
        blocked[eligible] = False
        return np.union1d(sample, self._near(anchor, blocked))

    def _near(self, anchor: int, blocked: np.ndarray) -> np.ndarray:
        """The anchor's nearest tracks that may be picked, to join the pool for flow; none
        when the listener dislikes the anchor (its neighbours are not wanted then)."""
        if self.state.preference_of(anchor) <= DISLIKED:
            return np.empty(0, dtype=np.int64)
        near = self.state.nearest_rows(anchor, self.config.flow_neighbours)
        return near[~blocked[near]] if len(near) else near

    def _disliked_neighbourhood(self, anchor: int | None, blocked: np.ndarray) -> np.ndarray:
        """Rows too close to a disliked anchor to follow it (after a 1–2 star rating or
        repeated skips of what plays), as long as something else remains to pick."""
        if anchor is None or self.state.preference_of(anchor) > DISLIKED:
            return np.empty(0, dtype=np.int64)
        near = self.state.nearest_rows(anchor, self.config.flow_neighbours)
        near = near[~blocked[near]] if len(near) else near
        return near if (~blocked).sum() > len(near) else np.empty(0, dtype=np.int64)

    def _explore(self, rows: np.ndarray) -> int | None:
        """A track from the part of *rows* the model knows least about (and does not
        already expect the listener to dislike)."""
        pref, conf, _ = self.state.predictions(rows)
        own = self.state.own_preferences(rows)
        fresh = np.isnan(own) & self.state.space.has_point(rows)
        if not fresh.any():
            return None
        threshold = np.quantile(conf[fresh], 0.25)
        unknown = rows[fresh & (conf <= threshold) & (pref > -0.2)]
        if len(unknown) == 0:
            return None
        return int(self._rng.choice(unknown))

    def _score(self, rows: np.ndarray, recent_rows: list[int], anchor: int | None,
               now: float) -> _Scored:
        state = self.state
        cat = state.catalog
        n = len(rows)
        pref, _, backer = state.predictions(rows)
        own = state.own_preferences(rows)
        judged = ~np.isnan(own)
        pref = np.where(judged, own, pref)
        flow = np.zeros(n)
        has = state.space.has_point(rows)
        if anchor is not None and state.space.has_point(np.array([anchor]))[0] and has.any():
            distance = state.space.distances(anchor, rows[has])
            flow[has] = np.exp(-((distance / FLOW_SCALE) ** 2))
            anchor_pref = state.preference_of(anchor)
            if anchor_pref < -0.2:
                flow = -flow * min(1.0, -anchor_pref * 2.0)  # disliked: move away from it
        novelty = self._novelty(rows, now)
        penalty = np.zeros(n)
        for age, row in enumerate(reversed(recent_rows)):
            fade = 1.0 - age / (ARTIST_GAP + 1)
            penalty += ARTIST_PENALTY * fade * (cat.artist_key[rows] == cat.artist_key[row])
            if cat.album_key[row] >= 0:
                penalty += ALBUM_PENALTY * fade * (cat.album_key[rows] == cat.album_key[row])
        total = PREFERENCE * pref + FLOW * flow + NOVELTY * novelty - penalty
        return _Scored(rows, pref, judged, backer, flow, novelty, total)

    def _novelty(self, rows: np.ndarray, now: float) -> np.ndarray:
        cat = self.state.catalog
        last = cat.last_played[rows]
        never = np.isnan(last)
        days_since = np.where(never, 0.0, (now - np.nan_to_num(last)) / 86_400.0)
        value = np.where(never, 0.7, np.minimum(1.0, days_since / NOVELTY_DAYS) * 0.8)
        fresh = never & ((now - cat.added_at[rows]) < NEW_DAYS * 86_400.0)
        return np.where(fresh, 1.0, value)

    # -- reasons -------------------------------------------------------------------------------

    def _reason(self, s: _Scored, i: int, anchor: int | None, now: float) -> str:
        state = self.state
        cat = state.catalog
        row = int(s.rows[i])
        parts = {
            "preference": PREFERENCE * s.preference[i] if s.preference[i] > 0.1 else 0.0,
            "flow": FLOW * s.flow[i] if s.flow[i] > 0.25 else 0.0,
            "novelty": NOVELTY * s.novelty[i] if s.novelty[i] > 0.5 else 0.0,
        }
        best = max(parts, key=lambda k: parts[k])
        if parts[best] <= 0:
            return reasons.SHUFFLED
        track_id = int(cat.ids[row])
        if best == "preference":
            if s.judged[i]:
                return reasons.own_judgement(state.stars_of(track_id))
            backer = int(s.backer[i])
            title = cat.title(cat.row_of[backer]) if backer in cat.row_of else "a track"
            groups = state.agreeing_groups(track_id, backer)
            backer_stars = state.stars_of(backer)
            if backer_stars and backer_stars >= 4:
                return reasons.because_rated(backer_stars, title, groups)
            return reasons.because_played(title, groups)
        if best == "flow" and anchor is not None:
            groups = state.agreeing_groups(track_id, int(cat.ids[anchor]))
            return reasons.flows_from(cat.title(anchor), groups)
        last = cat.last_played[row]
        return reasons.novelty(float(cat.added_at[row]),
                               None if math.isnan(last) else float(last), now)


@dataclass
class _Scored:
    rows: np.ndarray
    preference: np.ndarray
    judged: np.ndarray
    backer: np.ndarray
    flow: np.ndarray
    novelty: np.ndarray
    total: np.ndarray
