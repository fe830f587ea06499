"""What the taste map shows: each analysed track's place, what Riffle predicts the
listener thinks of it, how they judged it, and its region; and why a track sits where it
does, in words.

recommender/map_job.py builds a TasteMap off the window's thread; the window only reads
it. This module loads nothing heavy (numpy only), so the window may read it on its own
thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from player.formatting import stars as stars_text
from recommender.reasons import quoted

if TYPE_CHECKING:
    from recommender.map_layout import MapLayout
    from recommender.profile_types import TasteProfile
    from recommender.snapshot import Snapshot


@dataclass(frozen=True)
class TasteMap:
    """Arrays aligned by point: point i is track *ids[i]* at *xy[i]*."""

    ids: np.ndarray  # int64
    xy: np.ndarray  # float32 (n, 2)
    preference: np.ndarray  # float (n): the listener's own, else predicted, -1..1
    judged: np.ndarray  # bool (n): the listener judged it (own preference)
    stars: np.ndarray  # int8 (n): current rating, 0 for none
    skips: np.ndarray  # int32 (n): skips learned from
    region: np.ndarray  # int16 (n): region number, 0 for none
    profile: TasteProfile
    row_of: dict[int, int]  # track id → point

    def __len__(self) -> int:
        return len(self.ids)

    def point_of(self, track_id: int) -> int | None:
        return self.row_of.get(track_id)

    def region_name(self, point: int) -> str:
        number = int(self.region[point])
        return self.profile.region(number).name if number else ""


def colour(snapshot: Snapshot, layout: MapLayout, profile: TasteProfile) -> TasteMap:
    """The taste map of *layout*'s tracks as *snapshot* sees them now."""
    cat = snapshot.catalog
    known = np.array([int(t) in cat.row_of for t in layout.ids], dtype=bool)
    ids, xy = layout.ids[known], layout.xy[known]
    rows = np.array([cat.row_of[int(t)] for t in ids], dtype=np.int64)
    own = snapshot.own_preferences(rows) if len(rows) else np.empty(0)
    judged = ~np.isnan(own)
    preference = own.copy()
    if (~judged).any():
        preference[~judged] = snapshot.predictions(rows[~judged], keep=False)[0]
    history = snapshot.history
    stars = np.array([history.ratings.get(int(t), (0, 0.0))[0] for t in ids], dtype=np.int8)
    skips = np.array([history.skips.get(int(t), 0) for t in ids], dtype=np.int32)
    region = np.array([profile.region_of.get(int(t), 0) for t in ids], dtype=np.int16)
    return TasteMap(ids, xy, preference, judged, stars, skips, region, profile,
                    dict(zip(ids.tolist(), range(len(ids)), strict=True)))


def placement(snapshot: Snapshot, taste_map: TasteMap, point: int, *,
              titles: Callable[[int], str] | None = None) -> str:
    """Why the track at *point* sits where it does, and what Riffle makes of it, in plain
    words: the tracks it sounds most like, its region, and the listener's judgement or the
    prediction."""
    track_id = int(taste_map.ids[point])
    cat = snapshot.catalog
    row = cat.row_of.get(track_id)
    lines = []
    if row is not None:
        near = snapshot.library.nearest_rows(row, 3)
        named = [quoted(titles(int(cat.ids[r])) if titles else cat.title(int(r)))
                 for r in near]
        if named:
            lines.append("Sounds most like " + _and(named))
    region = taste_map.region_name(point)
    if region:
        lines.append(f"In the region “{region}”")
    lines.append(_judgement(taste_map, point))
    return "\n".join(lines)


def _judgement(taste_map: TasteMap, point: int) -> str:
    stars, skips = int(taste_map.stars[point]), int(taste_map.skips[point])
    said = []
    if stars:
        said.append(f"you rated it {stars_text(stars)}")
    if skips:
        said.append(f"you skipped it {skips} time{'s' if skips != 1 else ''}")
    if said:
        return "; ".join(said).capitalize()
    value = float(taste_map.preference[point])
    if taste_map.judged[point]:
        return "You like it" if value > 0 else "You do not care for it"
    if value > 0.15:
        return f"Riffle expects you to like it ({value:+.2f})"
    if value < -0.15:
        return f"Riffle expects you not to care for it ({value:+.2f})"
    return "Riffle knows little of what you think of it yet"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
