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
from typing import TYPE_CHECKING

import numpy as np
from threadpoolctl import ThreadpoolController

from player import settings as s
from player.changes import Changes
from player.queue_types import FillContext, Pick
from player.store import Store
from player.work import InlineWork, Work
from recommender import reasons

if TYPE_CHECKING:
    from recommender.snapshot import Snapshot

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

    @classmethod
    def from_settings(cls, settings: s.Settings) -> ShuffleConfig:
        return cls(recent_plays=settings.get(s.RECENT_PLAYS),
                   recent_hours=settings.get(s.RECENT_HOURS),
                   discover=settings.get(s.DISCOVER))


class AutoShuffle:
    """Implements player.queue_types.Filler over snapshots of the library and the taste.

    `follow(changes)` builds a new snapshot through *work* (off the owner's thread in the
    window) when the changes concern the shuffle, and swaps it in whole; `fill` only reads
    the snapshot it has. Until the first snapshot arrives, `fill` picks nothing.
    """

    def __init__(self, work: Work, config: ShuffleConfig | None = None, *,
                 seed: int | None = None, clock: Callable[[], float] = time.time,
                 cache_path: Path | None = None) -> None:
        self._work = work
        self.config = config or ShuffleConfig()
        self._clock = clock
        self._cache_path = cache_path
        self._rng = np.random.default_rng(seed)
        self._pyrng = random.Random(seed)
        self._threads: ThreadpoolController | None = None
        self._snapshot: Snapshot | None = None
        self._building = False
        self._again = False
        self._waiting: list[Callable[[], None]] = []

    @classmethod
    def over(cls, store: Store, config: ShuffleConfig | None = None, *,
             seed: int | None = None, clock: Callable[[], float] = time.time,
             cache_path: Path | None = None) -> AutoShuffle:
        """An auto-shuffle that reads *store* on the calling thread, its first snapshot
        already built (the command line, tests and benchmarks)."""
        shuffle = cls(InlineWork(store), config, seed=seed, clock=clock,
                      cache_path=cache_path)
        shuffle.follow(Changes.everything())
        return shuffle

    @property
    def snapshot(self) -> Snapshot | None:
        """What the shuffle knows now (None until the first snapshot is built)."""
        return self._snapshot

    @property
    def ready(self) -> bool:
        return self._snapshot is not None

    def set_discover(self, share: float) -> None:
        """How adventurous the picks are: the share (0–1) that explores music far from
        anything judged. Takes effect from the next fill."""
        self.config.discover = min(1.0, max(0.0, float(share)))

    def follow(self, changes: Changes, then: Callable[[], None] | None = None) -> None:
        """Take *changes* into account: a new snapshot is built when they concern the
        shuffle; *then* is called (on the owner's thread) once picks reflect them."""
        rules_changed = False
        for key, value in changes.settings.items():
            if key == s.DISCOVER.key:
                self.set_discover(value)
            elif key == s.RECENT_PLAYS.key:
                self.config.recent_plays, rules_changed = int(value), True
            elif key == s.RECENT_HOURS.key:
                self.config.recent_hours, rules_changed = float(value), True
        needed = (self._snapshot is None or changes.judgements or changes.library
                  or rules_changed)
        if then is not None:
            self._waiting.append(then)
        if not needed and not self._building:
            self._call_waiting()
            return
        if needed and self._building:
            self._again = True
            return
        if needed:
            self._start()

    # -- building snapshots ----------------------------------------------------------------

    def _start(self) -> None:
        self._building, self._again = True, False
        previous = self._snapshot
        recent_plays, recent_hours = self.config.recent_plays, self.config.recent_hours
        now = self._clock()
        cache_path = self._cache_path

        def build(store: Store) -> Snapshot:
            # scikit-learn and the snapshot maths load here, on the worker, not in the
            # window's thread (a second to import)
            from recommender.snapshot import build_snapshot

            with ThreadpoolController().limit(limits=1):
                return build_snapshot(store, previous, recent_plays=recent_plays,
                                      recent_hours=recent_hours, now=now,
                                      cache_path=cache_path)

        self._work.read(build, self._built, failed=self._build_failed, name="auto-shuffle")

    def _built(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._finish()

    def _build_failed(self, exc: BaseException) -> None:
        logger.warning("the auto-shuffle could not read the library: %s", exc)
        self._finish()

    def _finish(self) -> None:
        self._building = False
        if self._again:
            self._start()
            return
        self._call_waiting()

    def _call_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            try:
                then()
            except Exception:
                logger.exception("acting on a new auto-shuffle snapshot failed")

    # -- the Filler protocol ---------------------------------------------------------------

    def fill(self, count: int, context: FillContext) -> list[Pick]:
        """Up to *count* picks to follow `context.queued`, each with its reason.

        Reads only the current snapshot. Runs single-threaded: the arrays are small, and
        native thread pools only fight the analysis workers for the cores.
        """
        snap = self._snapshot
        if count <= 0 or snap is None:
            return []
        if self._threads is None:
            self._threads = ThreadpoolController()  # finding the native pools costs ms: once
        with self._threads.limit(limits=1):
            return _Fill(self, snap).run(count, context)


class _Fill:
    """One fill over one snapshot: the hard rules, scoring and sampling, reasons."""

    def __init__(self, owner: AutoShuffle, snapshot: Snapshot) -> None:
        self.config = owner.config
        self._rng = owner._rng
        self._pyrng = owner._pyrng
        self._clock = owner._clock
        self.snap = snapshot
        self.cat = snapshot.catalog

    def run(self, count: int, context: FillContext) -> list[Pick]:
        cat = self.cat
        if len(cat) == 0:
            return []
        now = self._clock()
        blocked = self._blocked_mask(context)
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

    def _blocked_mask(self, context: FillContext) -> np.ndarray:
        """True for every catalog row the hard rules forbid right now."""
        cat, snap = self.cat, self.snap
        blocked = ~cat.playable | snap.one_star
        recent: set[int] = set(context.queued) | set(snap.recent)
        if self.config.recent_plays:
            recent.update(context.history[-self.config.recent_plays:])
        if context.current is not None:
            recent.add(context.current)
        rows = cat.rows(recent)
        if len(rows):
            blocked[rows] = True
        if blocked.all():
            # A small library, all heard lately: rather repeat than go silent, but never
            # what plays now or what just played.
            blocked = ~cat.playable | snap.one_star
            again = {*context.queued, context.current, *context.history[-1:], snap.last_track}
            rows = cat.rows({t for t in again if t is not None})
            if len(rows):
                blocked[rows] = True
        return blocked

    # -- one pick ------------------------------------------------------------------------------

    def _pick_one(self, pool: np.ndarray, blocked: np.ndarray, recent_rows: list[int],
                  anchor: int | None, now: float) -> tuple[int | None, str]:
        cat = self.cat
        rows = pool[~blocked[pool]]
        if recent_rows and len(rows):
            other_artist = cat.artist_key[rows] != cat.artist_key[recent_rows[-1]]
            if other_artist.any():
                rows = rows[other_artist]
        if len(rows) == 0:
            return None, ""
        if self.snap.has_judgements and self._pyrng.random() < self.config.discover:
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
        blocked = np.ones(len(self.cat), bool)
        blocked[eligible] = False
        return np.union1d(sample, self._near(anchor, blocked))

    def _near(self, anchor: int, blocked: np.ndarray) -> np.ndarray:
        """The anchor's nearest tracks that may be picked, to join the pool for flow; none
        when the listener dislikes the anchor (its neighbours are not wanted then)."""
        if self.snap.preference_of(anchor) <= DISLIKED:
            return np.empty(0, dtype=np.int64)
        near = self.snap.library.nearest_rows(anchor, self.config.flow_neighbours)
        return near[~blocked[near]] if len(near) else near

    def _disliked_neighbourhood(self, anchor: int | None, blocked: np.ndarray) -> np.ndarray:
        """Rows too close to a disliked anchor to follow it (after a 1–2 star rating or
        repeated skips of what plays), as long as something else remains to pick."""
        if anchor is None or self.snap.preference_of(anchor) > DISLIKED:
            return np.empty(0, dtype=np.int64)
        near = self.snap.library.nearest_rows(anchor, self.config.flow_neighbours)
        near = near[~blocked[near]] if len(near) else near
        return near if (~blocked).sum() > len(near) else np.empty(0, dtype=np.int64)

    def _explore(self, rows: np.ndarray) -> int | None:
        """A track from the part of *rows* the model knows least about (and does not
        already expect the listener to dislike)."""
        pref, conf, _ = self.snap.predictions(rows)
        own = self.snap.own_preferences(rows)
        fresh = np.isnan(own) & self.snap.library.space.has_point(rows)
        if not fresh.any():
            return None
        threshold = np.quantile(conf[fresh], 0.25)
        unknown = rows[fresh & (conf <= threshold) & (pref > -0.2)]
        if len(unknown) == 0:
            return None
        return int(self._rng.choice(unknown))

    def _score(self, rows: np.ndarray, recent_rows: list[int], anchor: int | None,
               now: float) -> _Scored:
        snap = self.snap
        cat = self.cat
        space = snap.library.space
        n = len(rows)
        pref, _, backer = snap.predictions(rows)
        own = snap.own_preferences(rows)
        judged = ~np.isnan(own)
        pref = np.where(judged, own, pref)
        flow = np.zeros(n)
        has = space.has_point(rows)
        if anchor is not None and space.has_point(np.array([anchor]))[0] and has.any():
            distance = space.distances(anchor, rows[has])
            flow[has] = np.exp(-((distance / FLOW_SCALE) ** 2))
            anchor_pref = snap.preference_of(anchor)
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
        cat = self.cat
        last = self.snap.last_played[rows]
        never = np.isnan(last)
        days_since = np.where(never, 0.0, (now - np.nan_to_num(last)) / 86_400.0)
        value = np.where(never, 0.7, np.minimum(1.0, days_since / NOVELTY_DAYS) * 0.8)
        fresh = never & ((now - cat.added_at[rows]) < reasons.NEW_DAYS * reasons.DAY)
        return np.where(fresh, 1.0, value)

    # -- reasons -------------------------------------------------------------------------------

    def _reason(self, s: _Scored, i: int, anchor: int | None, now: float) -> str:
        snap = self.snap
        cat = self.cat
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
            reason = self._liked_reason(track_id, bool(s.judged[i]), int(s.backer[i]))
            if reason is not None:
                return reason
        if best in ("preference", "flow") and anchor is not None and s.flow[i] > 0.25:
            groups = snap.library.agreeing_groups(track_id, int(cat.ids[anchor]))
            return reasons.flows_from(cat.title(anchor), groups)
        last = snap.last_played[row]
        if best == "novelty" or s.novelty[i] > 0.5:
            return reasons.novelty(float(cat.added_at[row]),
                                   None if math.isnan(last) else float(last), now)
        return reasons.SHUFFLED

    def _liked_reason(self, track_id: int, judged: bool, backer: int) -> str | None:
        """Why a track the listener likes (or should) is picked, from evidence that is in
        the store now; None when no true sentence of that kind can be said."""
        snap, cat = self.snap, self.cat
        history = snap.history
        if judged:
            stars = snap.stars_of(track_id)
            if stars and stars >= 3:
                return reasons.own_judgement(stars)
            if history.plays_to_the_end(track_id):
                return reasons.own_judgement(None)
            return None
        if backer < 0 or backer not in cat.row_of:
            return None
        title = cat.title(cat.row_of[backer])
        groups = snap.library.agreeing_groups(track_id, backer)
        stars = snap.stars_of(backer)
        if stars and stars >= 3:
            return reasons.because_rated(stars, title, groups)
        if history.plays_to_the_end(backer):
            return reasons.because_played(title, groups)
        return None


@dataclass
class _Scored:
    rows: np.ndarray
    preference: np.ndarray
    judged: np.ndarray
    backer: np.ndarray
    flow: np.ndarray
    novelty: np.ndarray
    total: np.ndarray
