"""One fill of the auto part: the hard rules, scoring, sampling, and a reason per pick.

Each pick is drawn, not sorted. A pool of candidates (a random sample of the eligible
library plus the tracks nearest to what plays) is scored by

    score = PREFERENCE·preference + FLOW·flow + NOVELTY·novelty − separation penalties
            + steering (more or less of a region, as the listener asked)

and one is sampled with probability ∝ exp(score / temperature), so two runs differ and
the queue still feels like shuffle. Hard rules come first: nothing from the recent plays,
nothing already queued, never the previous pick's artist, no missing or unplayable file,
never a track rated one star. A share of picks (*discover*) explores the tracks the model
knows least about, so it keeps learning. Flow turns into "move away" when the listener
dislikes what plays. Every pick carries a reason a person can read.

A Fill reads one Snapshot (recommender/snapshot.py) and nothing else.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from player.queue_types import FillContext, Pick
from recommender import reasons

if TYPE_CHECKING:
    from recommender.shuffle import ShuffleConfig
    from recommender.snapshot import Snapshot

PREFERENCE = 3.0
FLOW = 0.4
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



class Fill:
    """One fill over one snapshot: the hard rules, scoring and sampling, reasons. *now* is
    the time of the fill (Unix seconds); the random generators are the shuffle's own, so a
    seeded shuffle repeats."""

    def __init__(self, snapshot: Snapshot, config: ShuffleConfig, rng: np.random.Generator,
                 pyrng: random.Random, now: float, *, keep: bool = True) -> None:
        """*keep*: keep the predictions computed in the snapshot (only the thread that
        fills may); False for an explanation worked out on another thread."""
        self.keep = keep
        self.config = config
        self._rng = rng
        self._pyrng = pyrng
        self.now = now
        self.snap = snapshot
        self.cat = snapshot.catalog
        self._nearest_to: dict[int, np.ndarray] = {}

    def run(self, count: int, context: FillContext) -> list[Pick]:
        cat = self.cat
        if len(cat) == 0:
            return []
        now = self.now
        blocked = self.blocked_mask(context)
        tail = [t for t in (*context.history[-ARTIST_GAP:], context.current, *context.queued)
                if t is not None]
        recent_rows = [cat.row_of[t] for t in tail[-ARTIST_GAP:] if t in cat.row_of]
        anchor = recent_rows[-1] if recent_rows else None
        pool = self._pool(blocked, anchor)
        picks: list[Pick] = []
        for n in range(count):
            avoid = self.disliked_neighbourhood(anchor, blocked)
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

    def blocked_mask(self, context: FillContext) -> np.ndarray:
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
        scored = self.score(rows, recent_rows, anchor, now)
        logits = scored.total / max(self.config.temperature, 1e-3)
        weights = np.exp(logits - logits.max())
        choice = int(self._rng.choice(len(rows), p=weights / weights.sum()))
        return int(rows[choice]), self.reason(scored, choice, anchor, now)

    def _pool(self, blocked: np.ndarray, anchor: int | None) -> np.ndarray:
        """The rows one fill chooses among: all eligible ones in a small library, else a
        random sample plus what sounds nearest to the anchor. The sample comes from the
        tracks the snapshot predicted ahead while enough of them are eligible, so the
        window's thread predicts only the few that follow the flow."""
        size = self.config.pool
        eligible = np.flatnonzero(~blocked)
        if len(eligible) <= size:
            return eligible
        ahead = self.snap.predicted_ahead
        ahead = ahead[~blocked[ahead]]
        source = ahead if len(ahead) >= 2 * size else eligible
        if len(source) > 20 * size:  # drawing with repeats and dropping them is far cheaper
            sample = np.unique(source[self._rng.integers(0, len(source), size)])
        else:
            sample = self._rng.choice(source, size=size, replace=False)
        if anchor is None:
            return np.sort(sample)
        return np.union1d(sample, self._near(anchor, blocked))

    def _sounds_nearest(self, anchor: int) -> np.ndarray:
        """The anchor's flow_neighbours nearest tracks by sound, looked for once a fill."""
        near = self._nearest_to.get(anchor)
        if near is None:
            near = self.snap.library.nearest_rows(anchor, self.config.flow_neighbours)
            self._nearest_to[anchor] = near
        return near

    def _near(self, anchor: int, blocked: np.ndarray) -> np.ndarray:
        """The anchor's nearest tracks that may be picked, to join the pool for flow; none
        when the listener dislikes the anchor (its neighbours are not wanted then)."""
        if self.snap.preference_of(anchor, keep=self.keep) <= DISLIKED:
            return np.empty(0, dtype=np.int64)
        near = self._sounds_nearest(anchor)
        return near[~blocked[near]] if len(near) else near

    def disliked_neighbourhood(self, anchor: int | None, blocked: np.ndarray) -> np.ndarray:
        """Rows too close to a disliked anchor to follow it (after a 1–2 star rating or
        repeated skips of what plays), as long as something else remains to pick."""
        if anchor is None or self.snap.preference_of(anchor, keep=self.keep) > DISLIKED:
            return np.empty(0, dtype=np.int64)
        near = self._sounds_nearest(anchor)
        near = near[~blocked[near]] if len(near) else near
        return near if (~blocked).sum() > len(near) else np.empty(0, dtype=np.int64)

    def _explore(self, rows: np.ndarray) -> int | None:
        """A track from the part of *rows* the model knows least about (and does not
        already expect the listener to dislike)."""
        pref, conf, _ = self.snap.predictions(rows, keep=self.keep)
        own = self.snap.own_preferences(rows)
        fresh = np.isnan(own) & self.snap.library.space.has_point(rows)
        if not fresh.any():
            return None
        threshold = np.quantile(conf[fresh], 0.25)
        asked_less = self.snap.steering.bias[rows] < 0  # never explore what they turned down
        unknown = rows[fresh & (conf <= threshold) & (pref > -0.2) & ~asked_less]
        if len(unknown) == 0:
            return None
        return int(self._rng.choice(unknown))

    def score(self, rows: np.ndarray, recent_rows: list[int], anchor: int | None,
               now: float) -> Scored:
        snap = self.snap
        cat = self.cat
        space = snap.library.space
        n = len(rows)
        pref, _, backer = snap.predictions(rows, keep=self.keep)
        own = snap.own_preferences(rows)
        judged = ~np.isnan(own)
        pref = np.where(judged, own, pref)
        flow = np.zeros(n)
        has = space.has_point(rows)
        if anchor is not None and space.has_point(np.array([anchor]))[0] and has.any():
            distance = space.distances(anchor, rows[has])
            flow[has] = np.exp(-((distance / FLOW_SCALE) ** 2))
            anchor_pref = snap.preference_of(anchor, keep=self.keep)
            if anchor_pref < -0.2:
                flow = -flow * min(1.0, -anchor_pref * 2.0)  # disliked: move away from it
        novelty = self._novelty(rows, now)
        penalty = np.zeros(n)
        for age, row in enumerate(reversed(recent_rows)):
            fade = 1.0 - age / (ARTIST_GAP + 1)
            penalty += ARTIST_PENALTY * fade * (cat.artist_key[rows] == cat.artist_key[row])
            if cat.album_key[row] >= 0:
                penalty += ALBUM_PENALTY * fade * (cat.album_key[rows] == cat.album_key[row])
        steer = snap.steering.bias[rows]
        total = PREFERENCE * pref + FLOW * flow + NOVELTY * novelty - penalty + steer
        return Scored(rows, pref, judged, backer, flow, novelty, steer, total)

    def _novelty(self, rows: np.ndarray, now: float) -> np.ndarray:
        cat = self.cat
        last = self.snap.heard[rows]
        never = np.isnan(last)
        days_since = np.where(never, 0.0, (now - np.nan_to_num(last)) / 86_400.0)
        value = np.where(never, 0.7, np.minimum(1.0, days_since / NOVELTY_DAYS) * 0.8)
        fresh = never & ((now - cat.added_at[rows]) < reasons.NEW_DAYS * reasons.DAY)
        return np.where(fresh, 1.0, value)

    # -- reasons -------------------------------------------------------------------------------

    def reason(self, s: Scored, i: int, anchor: int | None, now: float) -> str:
        snap = self.snap
        cat = self.cat
        row = int(s.rows[i])
        parts = {
            "preference": PREFERENCE * s.preference[i] if s.preference[i] > 0.1 else 0.0,
            "flow": FLOW * s.flow[i] if s.flow[i] > 0.25 else 0.0,
            "novelty": NOVELTY * s.novelty[i] if s.novelty[i] > 0.5 else 0.0,
            "steering": float(s.steer[i]),
        }
        best = max(parts, key=lambda k: parts[k])
        if parts[best] <= 0:
            return reasons.SHUFFLED
        track_id = int(cat.ids[row])
        label = snap.steering.label_of(row)
        if best == "steering" and label is not None:
            return reasons.asked_for_more(label)
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
class Scored:
    rows: np.ndarray
    preference: np.ndarray
    judged: np.ndarray
    backer: np.ndarray
    flow: np.ndarray
    novelty: np.ndarray
    steer: np.ndarray
    total: np.ndarray
