"""What the taste profile says, as plain data and words: light enough for the window's
thread (recommender/profile.py builds it, off that thread)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from player.formatting import stars as stars_text


@dataclass(frozen=True)
class Evidence:
    """The judgements learned from in a region: current ratings by stars, and plays to the
    end, skips and auto picks taken out of the queue (plays marked "don't learn" are not
    judgements); *forgotten* counts those the listener asked Riffle to forget."""

    rated: Mapping[int, int] = field(default_factory=dict)  # stars → tracks
    completed: int = 0
    skipped: int = 0
    removed: int = 0
    forgotten: int = 0

    @property
    def liked(self) -> int:
        """Evidence for: ratings of 4–5 stars and plays to the end."""
        return self.rated.get(4, 0) + self.rated.get(5, 0) + self.completed

    @property
    def disliked(self) -> int:
        """Evidence against: ratings of 1–2 stars, skips and removals."""
        return self.rated.get(1, 0) + self.rated.get(2, 0) + self.skipped + self.removed


@dataclass(frozen=True)
class RegionTrack:
    track_id: int
    title: str
    artist: str
    evidence: str  # what the listener did with it, in words ('' for an unjudged track)
    preference: float  # their own, or predicted (-1..1)


@dataclass(frozen=True)
class ProfileRegion:
    number: int  # 1-based, largest region first
    name: str
    words: tuple[str, ...]
    genres: tuple[str, ...]
    artists: tuple[str, ...]
    track_ids: tuple[int, ...]
    evidence: Evidence
    preference: float  # mean preference of its tracks, own or predicted (-1..1)
    steer: str | None  # "more" or "less" when the listener asked it of this region
    judged: tuple[RegionTrack, ...]  # the tracks behind the evidence, strongest first
    typical: tuple[RegionTrack, ...]  # the tracks nearest its middle


@dataclass(frozen=True)
class TasteProfile:
    regions: tuple[ProfileRegion, ...]
    region_of: Mapping[int, int]  # track id → region number

    def region(self, number: int) -> ProfileRegion:
        """Region *number* (1-based); raises KeyError when there is none."""
        for region in self.regions:
            if region.number == number:
                return region
        raise KeyError(number)


def evidence_text(evidence: Evidence) -> str:
    """'liked 5 (rated ★★★★★ twice, played to the end 3 times) · disliked 1 (skipped once)'
    — the evidence of a region in words; 'no judgements yet' when there is none."""
    def times(n: int) -> str:
        return {1: "once", 2: "twice"}.get(n, f"{n} times")

    liked = [f"rated {stars_text(s)} {times(evidence.rated[s])}" for s in (5, 4)
             if evidence.rated.get(s)]
    if evidence.completed:
        liked.append(f"played to the end {times(evidence.completed)}")
    disliked = [f"rated {stars_text(s)} {times(evidence.rated[s])}" for s in (1, 2)
                if evidence.rated.get(s)]
    for count, what in ((evidence.skipped, "skipped"),
                        (evidence.removed, "taken out of the queue")):
        if count:
            disliked.append(f"{what} {times(count)}")
    parts = []
    if liked:
        parts.append(f"liked {evidence.liked} ({', '.join(liked)})")
    if disliked:
        parts.append(f"disliked {evidence.disliked} ({', '.join(disliked)})")
    if evidence.rated.get(3):
        parts.append(f"rated {stars_text(3)} {times(evidence.rated[3])}")
    if evidence.forgotten:
        parts.append(f"{evidence.forgotten} forgotten")
    return " · ".join(parts) or "no judgements yet"
