"""What the auto-shuffle knows at one moment: the library, the listener's history, the taste.

A `Snapshot` is built on a worker thread with a Store of its own (`build_snapshot`) and
swapped in whole; picks on the owner's thread only read it, so a fill never touches the
database or rebuilds a model. A new snapshot reuses what did not change: the library part
(recommender/library_part.py) unless tracks or vectors changed, and the judgements read
so far (only rows added since are read).

Predictions are computed lazily, per track, the first time a pick scores it, and kept in
the snapshot: only the thread that fills touches that cache.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from player.store import Store
from player.store.judgements import JudgementMarks, Judgements
from recommender.catalog import Catalog
from recommender.library_part import LibraryPart, follow_library, load_library
from recommender.steering import Steering
from recommender.taste import Signal, SignalKind, TasteModel, judged_reach, preferences

logger = logging.getLogger(__name__)

#: Tracks a new snapshot predicts ahead, on its worker (see Snapshot.predicted_ahead).
PREDICT_AHEAD = 2_000
#: At most this many judged tracks, those with the strongest preference either way, predict
#: the others: with tens of thousands of plays, each prediction would otherwise weigh them
#: all, and a fill on the window's thread would take hundreds of milliseconds.
MODEL_JUDGED = 8_000


@dataclass(frozen=True)
class History:
    """Every judgement read so far, and when each track last really played."""

    marks: JudgementMarks = field(default_factory=JudgementMarks)
    ratings: Mapping[int, tuple[int, float]] = field(default_factory=dict)  # stars, at
    events: tuple[Signal, ...] = ()
    last_played: Mapping[int, float] = field(default_factory=dict)
    #: How many plays of each track ended completed, and how many skipped (never faded).
    completions: Mapping[int, int] = field(default_factory=dict)
    skips: Mapping[int, int] = field(default_factory=dict)

    def plays_to_the_end(self, track_id: int) -> bool:
        """True when the listener has played the track to the end, and skipped it no more
        often than that."""
        done = self.completions.get(track_id, 0)
        return done > 0 and self.skips.get(track_id, 0) <= done

    def plus(self, new: Judgements) -> History:
        """This history with *new* judgements added (a new object; this one unchanged)."""
        if not new and new.marks == self.marks:
            return self
        ratings = dict(self.ratings)
        for change in new.ratings:
            if change.stars:
                ratings[change.track_id] = (change.stars, change.at)
            else:
                ratings.pop(change.track_id, None)
        events = list(self.events)
        last = dict(self.last_played)
        completions, skips = dict(self.completions), dict(self.skips)
        for play in new.plays:
            if play.outcome in ("completed", "skipped"):
                events.append(Signal(play.track_id, SignalKind(play.outcome), play.at))
                counts = completions if play.outcome == "completed" else skips
                counts[play.track_id] = counts.get(play.track_id, 0) + 1
            if play.outcome != "error" and play.at > last.get(play.track_id, -math.inf):
                last[play.track_id] = play.at
        events.extend(Signal(tid, SignalKind.REMOVED, at) for tid, at in new.removals)
        return History(new.marks, ratings, tuple(events), last, completions, skips)


class Snapshot:
    """The library, the judgements and the taste model, as one unchanging whole."""

    def __init__(self, library: LibraryPart, history: History, *, now: float,
                 recent: frozenset[int], last_track: int | None,
                 steering: Steering | None = None) -> None:
        self.library = library
        self.history = history
        self.built_at = now
        #: Tracks the hard rules keep out: played lately, as the store said at build time.
        self.recent = recent
        #: The track that played last (never repeated, even in a tiny library).
        self.last_track = last_track
        cat = library.catalog
        #: What the listener asked of regions: more or less of them, or forget them.
        self.steering = steering if steering is not None else Steering.none(cat)
        self.preferences = preferences(
            [s for s in (*self._rating_signals(), *history.events) if self.steering.keeps(s)],
            now)
        self.own = np.full(len(cat), np.nan)
        for track_id, pref in self.preferences.items():
            row = cat.row_of.get(track_id)
            if row is not None:
                self.own[row] = pref
        self.one_star = np.zeros(len(cat), bool)
        self.one_star[cat.rows(t for t, (stars, _) in history.ratings.items() if stars == 1)] \
            = True
        self.last_played = np.full(len(cat), np.nan)
        #: When each track last played, as novelty counts it: a play the listener asked
        #: Riffle to forget (with its region) no longer makes the track familiar.
        self.heard = np.full(len(cat), np.nan)
        if history.last_played:
            known = [(cat.row_of[t], at) for t, at in history.last_played.items()
                     if t in cat.row_of]
            if known:
                rows, times = zip(*known, strict=True)
                self.last_played[list(rows)] = times
                self.heard[list(rows)] = times
                forgotten = self.heard <= self.steering.forgotten_at
                self.heard[forgotten] = np.nan
        judged = np.flatnonzero(~np.isnan(self.own))
        space = library.space
        with_point = judged[space.has_point(judged)] if len(judged) else judged
        if len(with_point) > MODEL_JUDGED:  # the strongest evidence speaks
            strongest = np.argsort(-np.abs(self.own[with_point]), kind="stable")
            with_point = np.sort(with_point[strongest[:MODEL_JUDGED]])
        reach = judged_reach(space.distance_matrix, np.flatnonzero(space.index_row >= 0),
                             with_point)
        self.model = TasteModel(with_point, cat.ids[with_point], self.own[with_point],
                                space.distance_matrix, reach, shortlist=space)
        self._pred = np.full(len(cat), np.nan)
        self._conf = np.zeros(len(cat))
        self._backer = np.full(len(cat), -1, dtype=np.int64)
        #: Rows whose predictions are worked out here, on the worker that builds the
        #: snapshot: every track of a library up to PREDICT_AHEAD, else that many drawn
        #: at random (anew as the judgements change). A fill draws its random pool from
        #: them: predicting against tens of thousands of judged tracks takes the window's
        #: thread too long.
        self.predicted_ahead = self._predict_ahead()

    def _predict_ahead(self) -> np.ndarray:
        count = len(self.catalog)
        rows = np.arange(count)
        if count > PREDICT_AHEAD:
            # the same history draws the same tracks: a seeded shuffle repeats
            rng = np.random.default_rng(
                [count, len(self.history.events), len(self.history.ratings)])
            rows = np.sort(rng.choice(count, PREDICT_AHEAD, replace=False))
        if self.has_judgements:
            self.predictions(rows)
        return rows

    def _rating_signals(self) -> list[Signal]:
        return [Signal(tid, SignalKind.RATING, at, stars)
                for tid, (stars, at) in self.history.ratings.items()]

    # -- reading -------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        return self.library.catalog

    @property
    def has_judgements(self) -> bool:
        return self.model.has_judgements

    def own_preferences(self, rows: np.ndarray) -> np.ndarray:
        """The listener's own preference for each row, NaN where never judged."""
        return self.own[rows]

    def predictions(self, rows: np.ndarray, *, keep: bool = True
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(preference, confidence, backer id) predicted from neighbours, for rows with a
        point; rows without one predict 0 with no confidence. Computed once per track and
        kept, for the thread that fills; with *keep* False nothing is kept or read from
        what was (safe from any thread)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not keep:
            pref, conf = np.zeros(len(rows)), np.zeros(len(rows))
            backer = np.full(len(rows), -1, dtype=np.int64)
            has = self.library.space.has_point(rows)
            if has.any():
                prediction = self.model.predict(rows[has])
                pref[has], conf[has] = prediction.preference, prediction.confidence
                backer[has] = prediction.backer
            return pref, conf, backer
        todo = rows[np.isnan(self._pred[rows])]
        if len(todo):
            todo = np.unique(todo)
            has = self.library.space.has_point(todo)
            self._pred[todo[~has]] = 0.0
            if has.any():
                prediction = self.model.predict(todo[has])
                self._pred[todo[has]] = prediction.preference
                self._conf[todo[has]] = prediction.confidence
                self._backer[todo[has]] = prediction.backer
        return self._pred[rows], self._conf[rows], self._backer[rows]

    def preference_of(self, row: int, *, keep: bool = True) -> float:
        """Own preference if judged, else the predicted one (see predictions for *keep*)."""
        own = self.own[row]
        if not np.isnan(own):
            return float(own)
        return float(self.predictions(np.array([row]), keep=keep)[0][0])

    def stars_of(self, track_id: int) -> int | None:
        rating = self.history.ratings.get(track_id)
        return rating[0] if rating else None


def build_snapshot(store: Store, previous: Snapshot | None, *, recent_plays: int,
                   recent_hours: float, now: float,
                   cache_path: Path | None = None) -> Snapshot:
    """A snapshot of the store as it is now, reusing what *previous* already read. The hard
    rules keep out the last *recent_plays* plays and those of the last *recent_hours*.

    Runs off the owner's thread, with a Store of that thread: it reads, it never writes
    (but for the start-up cache file)."""
    if previous is None:
        library = load_library(store, cache_path)
        history = History()
    else:
        library = follow_library(store, previous.library, cache_path)
        history = previous.history
    history = history.plus(store.judgements.since(history.marks))
    since = now - recent_hours * 3600.0 if recent_hours > 0 else None
    recent = set(store.plays.recent_tracks(recent_plays, since))
    # An auto pick the listener took out of the queue does not come straight back either.
    recent.update(e.track_id for e in history.events
                  if e.kind is SignalKind.REMOVED and e.at >= (since or now - 3600.0))
    mark = store.steering.mark()
    if previous is not None and previous.steering.mark == mark \
            and previous.catalog is library.catalog:
        steering = previous.steering
    else:
        steering = Steering.of(store.steering.all() if mark else [], library.catalog, mark)
    return Snapshot(library, history, now=now, recent=frozenset(recent),
                    last_track=store.plays.last_track(), steering=steering)
