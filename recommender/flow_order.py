"""Order for flow: the same tracks, reordered so that each sounds like the one before.

A short open tour through the similarity space: it starts at the track farthest from the
middle of the set (an end, not the centre), goes greedily to the nearest track not yet
placed, and is then improved by 2-opt (reversing a stretch wherever that shortens the
tour) up to IMPROVE_LIMIT tracks. Tracks not analysed yet keep their order at the end.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from recommender.snapshot import Snapshot

#: Above this many tracks the greedy tour is kept as it is (2-opt costs n² per pass).
IMPROVE_LIMIT = 600
IMPROVE_PASSES = 20


def order_for_flow(snapshot: Snapshot, track_ids: Sequence[int]) -> list[int]:
    """*track_ids* (duplicates kept) in an order where neighbours sound alike."""
    cat, space = snapshot.catalog, snapshot.library.space
    placed, rest = [], []
    for track_id in track_ids:
        row = cat.row_of.get(track_id)
        if row is not None and space.has_point(np.array([row]))[0]:
            placed.append((track_id, row))
        else:
            rest.append(track_id)
    if len(placed) < 3:
        return [t for t, _ in placed] + rest
    points = space.points(np.array([r for _, r in placed])).astype(np.float64)
    tour = _greedy(points)
    if len(tour) <= IMPROVE_LIMIT:
        tour = _two_opt(points, tour)
    return [placed[i][0] for i in tour] + rest


def tour_length(snapshot: Snapshot, track_ids: Sequence[int]) -> float:
    """The summed distance between neighbours of *track_ids* in this order (analysed
    tracks only)."""
    cat, space = snapshot.catalog, snapshot.library.space
    rows = [cat.row_of[t] for t in track_ids if t in cat.row_of]
    rows = [r for r in rows if space.has_point(np.array([r]))[0]]
    if len(rows) < 2:
        return 0.0
    points = space.points(np.array(rows)).astype(np.float64)
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def _greedy(points: np.ndarray) -> list[int]:
    n = len(points)
    start = int(np.argmax(np.linalg.norm(points - points.mean(axis=0), axis=1)))
    left = np.ones(n, bool)
    tour = [start]
    left[start] = False
    for _ in range(n - 1):
        d = np.linalg.norm(points - points[tour[-1]], axis=1)
        d[~left] = np.inf
        nxt = int(np.argmin(d))
        tour.append(nxt)
        left[nxt] = False
    return tour


def _two_opt(points: np.ndarray, tour: list[int]) -> list[int]:
    order = np.array(tour)
    n = len(order)
    dist = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
    for _ in range(IMPROVE_PASSES):
        improved = False
        for i in range(n - 2):
            a, b = order[i], order[i + 1]
            c = order[i + 2:]
            d = np.append(order[i + 3:], -1)
            after = np.where(d >= 0, dist[b, np.maximum(d, 0)], 0.0)
            before = np.where(d >= 0, dist[c, np.maximum(d, 0)], 0.0)
            gain = dist[a, b] + before - dist[a, c] - after
            j = int(np.argmax(gain))
            if gain[j] > 1e-9:
                order[i + 1:i + 3 + j] = order[i + 1:i + 3 + j][::-1]
                improved = True
        if not improved:
            break
    return order.tolist()
