"""Why a track would or would not be the auto-shuffle's next pick, in facts and words.

`explain` holds one track against what a fill would do after a context: the hard rule that
keeps it out (if any), its preference (the listener's own, or predicted from the judged
tracks around it, each with what the listener did), flow from what plays, novelty, and its
rank among every track that may be picked. It reads one Snapshot and keeps nothing in it,
so it is safe on a worker thread while the owner's thread fills.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

import numpy as np

from player.formatting import stars
from player.queue_types import FillContext, Influence, Why
from player.store.predicates import FAILS_TO_PLAY, MISSING, UNREADABLE
from recommender import reasons
from recommender.picking import ARTIST_GAP, DISLIKED, Fill
from recommender.snapshot import History
from recommender.taste import SignalKind

if TYPE_CHECKING:
    from recommender.shuffle import ShuffleConfig
    from recommender.snapshot import Snapshot

_UNPLAYABLE = {
    MISSING: "its file is missing",
    UNREADABLE: "its file cannot be read",
    FAILS_TO_PLAY: "it failed to play the last time it was tried",
}


def ago(seconds: float) -> str:
    """'3 hours ago', '2 days ago' for a person."""
    minutes = seconds / 60
    for size, unit in ((60 * 24, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size:
            n = int(minutes // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def evidence(history: History, track_id: int) -> str:
    """What the listener did with a track, in words: 'rated ★★★★, played to the end twice'."""
    said = []
    rating = history.ratings.get(track_id)
    if rating:
        said.append(f"rated {stars(rating[0])}")
    removed = sum(1 for e in history.events
                  if e.kind is SignalKind.REMOVED and e.track_id == track_id)
    for count, what in ((history.completions.get(track_id, 0), "played to the end"),
                        (history.skips.get(track_id, 0), "skipped"),
                        (removed, "taken out of the queue")):
        if count:
            said.append(f"{what} {_times(count)}")
    return ", ".join(said) or "judged"


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def explain(snapshot: Snapshot, config: ShuffleConfig, track_id: int, context: FillContext,
            now: float) -> Why:
    """Why *track_id* would or would not be picked right after *context*, now."""
    cat, history = snapshot.catalog, snapshot.history
    row = cat.row_of.get(track_id)
    if row is None:
        return Why(track_id, "Riffle has not read it into the library yet", None, None, 0.0,
                   (), None, None, 0.0, "", None, None, 0, None)
    fill = Fill(snapshot, config, np.random.default_rng(0), random.Random(0), now, keep=False)
    tail = [t for t in (*context.history[-ARTIST_GAP:], context.current, *context.queued)
            if t is not None]
    recent_rows = [cat.row_of[t] for t in tail[-ARTIST_GAP:] if t in cat.row_of]
    anchor = recent_rows[-1] if recent_rows else None

    blocked = fill.blocked_mask(context)
    avoid = fill.disliked_neighbourhood(anchor, blocked)
    eligible = ~blocked
    eligible[avoid] = False
    if anchor is not None:
        other = cat.artist_key != cat.artist_key[anchor]
        if (eligible & other).any():
            eligible &= other
    excluded = None if eligible[row] else _hard_rule(snapshot, config, row, context, anchor,
                                                     avoid, now)

    own = snapshot.own[row]
    own_preference = None if np.isnan(own) else float(own)
    predicted, confidence, _ = snapshot.predictions(np.array([row]), keep=False)
    has_point = bool(snapshot.library.space.has_point(np.array([row]))[0])
    influences: list[Influence] = []
    if has_point:
        for judged, closeness, pref in snapshot.model.influences(row):
            if judged != track_id and judged in cat.row_of:
                influences.append(Influence(judged, cat.title(cat.row_of[judged]), closeness,
                                            pref, evidence(history, judged)))

    rows = np.flatnonzero(eligible)
    score = rank = None
    reason = None
    scored = fill.score(rows if len(rows) else np.array([row]), recent_rows, anchor, now)
    if excluded is None:
        position = int(np.searchsorted(rows, row))
        total = scored.total
        score = float(total[position])
        rank = int((total > score).sum()) + 1
        reason = fill.reason(scored, position, anchor, now)
    else:
        scored = fill.score(np.array([row]), recent_rows, anchor, now)
        position = 0
    last = snapshot.last_played[row]
    flow = float(scored.flow[position]) if anchor is not None and has_point else None
    return Why(
        track_id=track_id, excluded=excluded, own_preference=own_preference,
        predicted=float(predicted[0]) if has_point else None,
        confidence=float(confidence[0]), influences=tuple(influences), flow=flow,
        flow_from=cat.title(anchor) if flow is not None and anchor is not None else None,
        novelty=float(scored.novelty[position]),
        novelty_text=reasons.novelty(float(cat.added_at[row]),
                                     None if math.isnan(last) else float(last), now),
        score=score, rank=rank, eligible=len(rows), reason=reason)


def _hard_rule(snapshot: Snapshot, config: ShuffleConfig, row: int, context: FillContext,
               anchor: int | None, avoid: np.ndarray, now: float) -> str:
    """The rule that keeps the track at *row* out of the next pick, in words."""
    cat, history = snapshot.catalog, snapshot.history
    track_id = int(cat.ids[row])
    state = int(cat.state[row])
    if state in _UNPLAYABLE:
        return _UNPLAYABLE[state]
    if snapshot.one_star[row]:
        return f"you rated it {stars(1)}"
    if track_id == context.current:
        return "it is playing now"
    if track_id in context.queued:
        return "it is already in the queue"
    removed = [e.at for e in history.events
               if e.kind is SignalKind.REMOVED and e.track_id == track_id]
    last = history.last_played.get(track_id)
    if track_id in snapshot.recent or track_id in context.history[-config.recent_plays:]:
        if last is not None and config.recent_hours > 0 \
                and now - last < config.recent_hours * 3600:
            return (f"it played {ago(now - last)}: nothing played in the last "
                    f"{config.recent_hours:g} hours comes back")
        if removed and (last is None or max(removed) > last):
            return f"you took it out of the queue {ago(now - max(removed))}"
        return f"it is one of your last {config.recent_plays} plays"
    if anchor is not None and row in set(avoid.tolist()):
        return f"it sounds like {reasons.quoted(cat.title(anchor))}, which you dislike"
    if anchor is not None and cat.artist_key[row] == cat.artist_key[anchor]:
        return (f"it is by the same artist as {reasons.quoted(cat.title(anchor))}, which "
                "plays just before it")
    if snapshot.preference_of(row, keep=False) <= DISLIKED:
        return "you dislike it"
    return "the rules keep it out for now"
