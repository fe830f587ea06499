"""The taste profile: the regions of the library the model has learned, in words.

Each region (recommender/regions.py) is named by what a person would recognise: two or
three words for how it sounds (recommender/sound_words.py), its dominant genres and its
main artists. Beside the name: the listener's evidence in it (ratings, plays to the end,
skips, removals: exactly the judgements the taste model learns from, so the counts match
the store), what the model makes of it (the mean preference of its tracks), how it is
steered (more or less, and how much of it was forgotten), and the tracks behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from recommender.profile_types import Evidence, ProfileRegion, RegionTrack, TasteProfile
from recommender.regions import find_regions
from recommender.snapshot import Snapshot
from recommender.sound_words import SoundWords
from recommender.taste import Signal, SignalKind
from recommender.why import evidence as evidence_words

#: Predictions behind a region's mean preference are taken from at most this many tracks.
PREFERENCE_SAMPLE = 400
#: Judged tracks listed per region, and typical tracks (nearest its middle).
JUDGED_SHOWN = 12
TYPICAL_SHOWN = 5
#: A genre or an artist names a region when it holds at least this share of its tracks.
DOMINANT_SHARE = 0.2


def region_labels(snapshot: Snapshot) -> np.ndarray:
    """The region (0-based) of each analysed track of *snapshot*'s library, in catalog row
    order: the costly part of a profile (seconds at 100,000 tracks), the same for every
    snapshot that shares the library part."""
    space = snapshot.library.space
    rows = np.flatnonzero(space.index_row >= 0)
    return find_regions(space.points(rows)) if len(rows) else np.empty(0, dtype=np.int64)


def build_profile(snapshot: Snapshot, names: Mapping[int, tuple[str, str, str]],
                  words: SoundWords | None = None, *,
                  labels: np.ndarray | None = None) -> TasteProfile:
    """The profile of the library in *snapshot*. *names*: track id → (title, artist,
    genre), as `TrackStore.names` gives; *words* describe how tracks sound; *labels*:
    region_labels of this library, when already known."""
    cat, space = snapshot.catalog, snapshot.library.space
    rows = np.flatnonzero(space.index_row >= 0)
    if not len(rows):
        return TasteProfile((), {})
    points = space.points(rows)
    if labels is None or len(labels) != len(rows):
        labels = region_labels(snapshot)
    counts = _evidence_by_track(snapshot)
    regions = []
    region_of: dict[int, int] = {}
    for number in range(int(labels.max()) + 1):
        members = rows[labels == number]
        ids = cat.ids[members]
        region_of.update(dict.fromkeys(ids.tolist(), number + 1))
        middle = points[labels == number].mean(axis=0)
        regions.append(_region(snapshot, number + 1, members, points[labels == number],
                               middle, names, words, counts))
    return TasteProfile(tuple(regions), region_of)


def _region(snapshot: Snapshot, number: int, members: np.ndarray, points: np.ndarray,
            middle: np.ndarray, names: Mapping[int, tuple[str, str, str]],
            words: SoundWords | None, counts: Mapping[int, Evidence]) -> ProfileRegion:
    cat, steering = snapshot.catalog, snapshot.steering
    ids = [int(t) for t in cat.ids[members]]
    said = words.describe(ids) if words is not None else ()
    genres = _dominant(_genre_words(names.get(t, ("", "", ""))[2]) for t in ids)
    artists = _dominant([names.get(t, ("", "", ""))[1]] for t in ids)
    evidence = _sum(counts[t] for t in ids if t in counts)
    preference = _mean_preference(snapshot, members)
    bias = steering.bias[members]
    steer = "more" if (bias > 0).mean() >= 0.5 else "less" if (bias < 0).mean() >= 0.5 \
        else None
    judged = [t for t in ids if t in counts]
    judged.sort(key=lambda t: -abs(snapshot.preference_of(cat.row_of[t], keep=False)))
    order = np.argsort(np.linalg.norm(points - middle, axis=1))[:TYPICAL_SHOWN]
    return ProfileRegion(
        number=number, name=region_name(said, genres, artists), words=said, genres=genres,
        artists=artists, track_ids=tuple(ids), evidence=evidence, preference=preference,
        steer=steer,
        judged=tuple(_track(snapshot, t, names) for t in judged[:JUDGED_SHOWN]),
        typical=tuple(_track(snapshot, ids[i], names) for i in order))


def region_name(words: Sequence[str], genres: Sequence[str], artists: Sequence[str]) -> str:
    """'Slow, dark, quiet — Ambient · Sigrid Vale, Alpha Lake' (parts left out when
    unknown)."""
    sound = ", ".join(words).capitalize()
    who = " · ".join(part for part in (", ".join(g.title() for g in genres[:2]),
                                       ", ".join(artists[:2])) if part)
    if sound and who:
        return f"{sound} — {who}"
    return sound or who or "Mixed"


def _genre_words(genre: str) -> list[str]:
    return [g.strip().casefold() for g in genre.replace(";", "/").split("/") if g.strip()]


def _dominant(values_per_track: Iterable[list[str]]) -> tuple[str, ...]:
    """The values held by at least DOMINANT_SHARE of the tracks, most common first."""
    tally: Counter[str] = Counter()
    total = 0
    for values in values_per_track:
        total += 1
        tally.update({v for v in values if v})
    return tuple(v for v, n in tally.most_common(3) if n >= DOMINANT_SHARE * total)


def _evidence_by_track(snapshot: Snapshot) -> dict[int, Evidence]:
    """Per judged track, the judgements the taste model learns from (or forgot)."""
    history, steering = snapshot.history, snapshot.steering
    tallies: dict[int, dict[str, int]] = {}
    for track_id, (stars, at) in history.ratings.items():
        kind = f"rated{stars}" if steering.keeps(Signal(track_id, SignalKind.RATING, at)) \
            else "forgotten"
        tally = tallies.setdefault(track_id, {})
        tally[kind] = tally.get(kind, 0) + 1
    for event in history.events:
        kind = event.kind.value if steering.keeps(event) else "forgotten"
        tally = tallies.setdefault(event.track_id, {})
        tally[kind] = tally.get(kind, 0) + 1
    return {t: Evidence(rated={s: n for s in range(1, 6) if (n := c.get(f"rated{s}", 0))},
                        completed=c.get("completed", 0), skipped=c.get("skipped", 0),
                        removed=c.get("removed", 0), forgotten=c.get("forgotten", 0))
            for t, c in tallies.items()}


def _sum(items: Iterable[Evidence]) -> Evidence:
    rated: Counter[int] = Counter()
    completed = skipped = removed = forgotten = 0
    for e in items:
        rated.update(e.rated)
        completed += e.completed
        skipped += e.skipped
        removed += e.removed
        forgotten += e.forgotten
    return Evidence(dict(sorted(rated.items())), completed, skipped, removed, forgotten)


def _mean_preference(snapshot: Snapshot, members: np.ndarray) -> float:
    if len(members) > PREFERENCE_SAMPLE:
        rng = np.random.default_rng(len(members))
        members = np.sort(rng.choice(members, PREFERENCE_SAMPLE, replace=False))
    own = snapshot.own_preferences(members)
    predicted, _, _ = snapshot.predictions(members, keep=False)
    return float(np.mean(np.where(np.isnan(own), predicted, own)))


def _track(snapshot: Snapshot, track_id: int, names: Mapping[int, tuple[str, str, str]]
           ) -> RegionTrack:
    title, artist, _genre = names.get(track_id, ("?", "", ""))
    row = snapshot.catalog.row_of[track_id]
    judged = not np.isnan(snapshot.own[row]) or track_id in snapshot.history.ratings \
        or track_id in snapshot.history.completions or track_id in snapshot.history.skips
    return RegionTrack(track_id, title, artist,
                       evidence_words(snapshot.history, track_id) if judged else "",
                       snapshot.preference_of(row, keep=False))

