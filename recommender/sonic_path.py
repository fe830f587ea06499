"""Sonic paths: from one track to another through the tracks that lie between them.

A path of N tracks starts at A and ends at B. Each step between aims at an even share of
the way left from the step before down to B's nearest track in the similarity space (no
step can come nearer to B than that), and must lie nearer to B than the step before, so
the music moves steadily towards B, never back. Among the tracks that qualify, a step
takes the one nearest its waypoint and its share, preferring one close to the previous
step and one the listener is likely to enjoy.

Never on a path: what the listener rated 1–2 stars, skipped twice or more, or dislikes;
missing or unplayable files; what played lately or is queued (the hard rules of the
auto-shuffle); two tracks of one artist in a row while another choice exists. A and B
themselves are the listener's choice and always stand.

Only the CORRIDOR tracks nearest the line from A to B are considered: a path costs tens
of milliseconds even at 100,000 tracks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from player.errors import RiffleError
from player.queue_types import FillContext
from recommender.picking import ARTIST_GAP, ARTIST_PENALTY, DISLIKED
from recommender.snapshot import Snapshot

#: Tracks nearest the straight line from A to B among which the steps are chosen.
CORRIDOR = 4_000
#: Weight of the distance from the previous step, against that from the waypoint.
SMOOTHNESS = 0.5
#: Weight of keeping pace: each step about an even share of the distance left down to
#: B's nearest track. In a sparse library a step that leaps close to B leaves nothing for
#: the steps after it: on the real corpus (287 tracks) a 12-track path kept 7.3 tracks on
#: average without it, 10.5 with it (benchmarks/map.py).
PACE = 64.0
#: Weight of the listener's (predicted) preference, in squared distance units of a step.
LIKING = 0.15
#: Corridor tracks (nearest the line first) whose predicted liking is weighed.
LIKING_AHEAD = 300
#: The most tracks a path may have, and the default.
MAX_LENGTH = 200
DEFAULT_LENGTH = 12


class NoPathError(RiffleError):
    """No path can be drawn between the two tracks (one is not analysed, or the same)."""


@dataclass(frozen=True, slots=True)
class PathStep:
    track_id: int
    to_end: float  # distance to the last track, in the similarity space (random pair ≈ 1)
    step: float  # distance from the track before (0 for the first)


def sonic_path(snapshot: Snapshot, start: int, end: int, length: int = DEFAULT_LENGTH, *,
               context: FillContext | None = None) -> list[PathStep]:
    """A path of up to *length* tracks from track id *start* to *end*, both included;
    shorter when too few tracks qualify. *context*: what plays and is queued (kept off the
    path). Raises NoPathError when either track is unknown or not analysed yet."""
    cat, space = snapshot.catalog, snapshot.library.space
    if start == end:
        raise NoPathError("A path needs two different tracks.")
    rows = []
    for track_id in (start, end):
        row = cat.row_of.get(track_id)
        if row is None or not space.has_point(np.array([row]))[0]:
            raise NoPathError(f"Riffle has not listened to track {track_id} yet: a path "
                              "needs both ends analysed (riffle analyze).")
        rows.append(row)
    a_row, b_row = rows
    length = max(2, min(MAX_LENGTH, length))
    ends = space.points(np.array(rows))
    a, b = ends[0].astype(np.float64), ends[1].astype(np.float64)
    corridor = _corridor(snapshot, a, b, _allowed(snapshot, context, a_row, b_row))
    chosen = [a_row]
    if len(corridor) and length > 2:
        chosen += _steps(snapshot, corridor, a, b, a_row, b_row, length - 2)
    chosen.append(b_row)
    points = space.points(np.array(chosen)).astype(np.float64)
    to_end = np.linalg.norm(points - b, axis=1)
    step = np.r_[0.0, np.linalg.norm(np.diff(points, axis=0), axis=1)]
    return [PathStep(int(cat.ids[r]), float(d), float(s))
            for r, d, s in zip(chosen, to_end, step, strict=True)]


def _allowed(snapshot: Snapshot, context: FillContext | None, a_row: int,
             b_row: int) -> np.ndarray:
    """Rows a step may take: analysed, playable, not disliked, not heard lately."""
    cat, history = snapshot.catalog, snapshot.history
    allowed = cat.playable & ~snapshot.one_star & snapshot.library.space.has_point(
        np.arange(len(cat)))
    disliked = [t for t, (stars, _) in history.ratings.items() if stars <= 2]
    disliked += [t for t, n in history.skips.items() if n >= 2]
    disliked += cat.ids[snapshot.own <= DISLIKED].tolist()
    recent = set(snapshot.recent)
    if context is not None:
        recent.update(context.queued, context.history[-50:])
        if context.current is not None:
            recent.add(context.current)
    for ids in (disliked, recent):
        found = cat.rows(ids)
        if len(found):
            allowed[found] = False
    allowed[[a_row, b_row]] = False
    return allowed


def _corridor(snapshot: Snapshot, a: np.ndarray, b: np.ndarray,
              allowed: np.ndarray) -> np.ndarray:
    """The CORRIDOR allowed rows nearest the segment from *a* to *b*, nearer to *b* than
    *a* is."""
    rows = np.flatnonzero(allowed)
    if not len(rows):
        return rows
    # in dot products over the float32 points: two passes over a library-sized matrix
    points = snapshot.library.space.points(rows)
    a32, ab = a.astype(np.float32), (b - a).astype(np.float32)
    span2 = max(float(ab @ ab), 1e-12)
    norms = np.einsum("ij,ij->i", points, points)
    p_a, p_ab = points @ a32, points @ ab
    from_a = norms - 2.0 * p_a + float(a32 @ a32)  # |p - a|²
    along_ab = p_ab - float(a32 @ ab)  # (p - a)·(b - a)
    along = np.clip(along_ab / span2, 0.0, 1.0)
    off = from_a - 2.0 * along * along_ab + along ** 2 * span2  # |p - a - t(b - a)|²
    closer = from_a - 2.0 * along_ab + span2 < span2  # |p - b|² < |b - a|²
    rows, off = rows[closer], off[closer]
    if len(rows) > CORRIDOR:
        keep = np.argpartition(off, CORRIDOR - 1)[:CORRIDOR]
        rows, off = rows[keep], off[keep]
    return rows[np.argsort(off, kind="stable")]  # nearest the line first


def _steps(snapshot: Snapshot, rows: np.ndarray, a: np.ndarray, b: np.ndarray,
           a_row: int, b_row: int, count: int) -> list[int]:
    """Up to *count* rows from *rows*, each nearer to *b* than the one before."""
    cat = snapshot.catalog
    points = snapshot.library.space.points(rows).astype(np.float64)
    norms = np.einsum("ij,ij->i", points, points)  # squared distances as dot products

    def away(q: np.ndarray) -> np.ndarray:
        """Squared distances from every corridor point to *q*."""
        return np.maximum(norms - 2.0 * (points @ q) + float(q @ q), 0.0)

    to_b = np.sqrt(away(b))
    # the listener's liking: their own, else predicted for the tracks nearest the line (in
    # one go: a prediction per step would cost more in set-up than in sums); 0 elsewhere
    liking = snapshot.own_preferences(rows).copy()
    unknown = np.flatnonzero(np.isnan(liking[:LIKING_AHEAD]))
    if len(unknown):
        liking[unknown] = snapshot.predictions(rows[unknown], keep=False)[0]
    liking = np.nan_to_num(liking)
    span = float(np.linalg.norm(b - a))
    nearest = float(to_b.min()) if len(to_b) else 0.0  # no step can come nearer to B
    step2 = ((span - nearest) / (count + 1)) ** 2 or 1.0
    used = np.zeros(len(rows), bool)
    artists = cat.artist_key[rows]
    chosen: list[int] = []
    previous, previous_to_b, previous_row = a, span, a_row
    recent = [cat.artist_key[a_row]]
    for n in range(1, count + 1):
        # what is left down to B's nearest track, shared out over the steps left
        wanted = previous_to_b - (previous_to_b - nearest) / (count + 1 - n)
        target = b + (previous - b) * (wanted / max(previous_to_b, 1e-12))
        ok = ~used & (to_b < previous_to_b - 1e-9)
        if not ok.any():
            break
        avoid = {cat.artist_key[previous_row]}
        if n == count:
            avoid.add(cat.artist_key[b_row])
        other = ok & ~np.isin(artists, list(avoid))
        if other.any():
            ok = other
        cost = (away(target) + SMOOTHNESS * away(previous)
                + PACE * (to_b - wanted) ** 2) / step2
        for age, key in enumerate(reversed(recent[-ARTIST_GAP:])):
            cost += ARTIST_PENALTY * (1.0 - age / (ARTIST_GAP + 1)) * (artists == key)
        cost[~ok] = np.inf
        if not np.isfinite(cost).any():
            break
        best = int(np.argmin(cost - LIKING * liking))
        used[best] = True
        chosen.append(int(rows[best]))
        previous, previous_to_b, previous_row = points[best], float(to_b[best]), int(rows[best])
        recent.append(artists[best])
    return chosen
