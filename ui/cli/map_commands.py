"""Commands over the taste map: the taste profile and its steering, sonic paths.

`riffle taste` lists the regions the model has learned with their evidence;
`riffle taste more|less|clear|forget N` steers region N; `riffle path A B` plays nothing
and prints the path the player would queue from A to B.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from player import edits
from player.changes import Changes
from player.errors import RiffleError
from player.formatting import artist_title, signed
from player.work import InlineWork
from ui.cli.context import CliContext
from ui.cli.library_commands import dumps

if TYPE_CHECKING:
    from recommender.profile_types import ProfileRegion, RegionTrack, TasteProfile
    from recommender.snapshot import Snapshot

_STEERS = {
    "more": "More of “{}” from now on",
    "less": "Less of “{}” from now on",
    "clear": "“{}” is neither more nor less any more",
    "forget": "Forgot what Riffle had learned from “{}” (its plays stay in your history)",
}


def register(sub: Any) -> None:
    p = sub.add_parser("taste", help="the regions of your library the auto-shuffle has "
                       "learned, and steering them",
                       description="The taste profile: the library as regions of tracks "
                       "that sound alike, each named by how it sounds and its main genres "
                       "and artists, with what you did there (ratings, plays to the end, "
                       "skips) and what the auto-shuffle makes of it. With an action, steer "
                       "region N: more or less of it in the picks, clear (neither), or "
                       "forget what was learned from it (its plays stay in the history).")
    p.add_argument("action", nargs="?", choices=["more", "less", "clear", "forget"],
                   help="steer a region (needs N)")
    p.add_argument("region", nargs="?", type=int, metavar="N",
                   help="the region's number, as `riffle taste` lists it")
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(handler=run_taste)

    p = sub.add_parser("path", help="a sonic path from one track to another",
                       description="The tracks from A to B, each a step nearer to B in how "
                       "it sounds, never through tracks you rated 1–2 stars, skipped twice "
                       "or heard lately. Nothing is played or recorded.")
    p.add_argument("start", metavar="A", help="a track id or a file path")
    p.add_argument("end", metavar="B", help="a track id or a file path")
    p.add_argument("-n", type=int, default=12, metavar="N",
                   help="tracks in the path, A and B included (default 12)")
    p.add_argument("--json", action="store_true",
                   help="print [{id, path, title, artist, to_end, step}]")
    p.set_defaults(handler=run_path)


def _snapshot(ctx: CliContext) -> Snapshot:
    store = ctx.store
    filler = ctx.factories["filler"](store, InlineWork(store))
    filler.follow(Changes.everything())
    snapshot = filler.snapshot
    if snapshot is None:
        raise RiffleError("The auto-shuffle could not read the library.")
    return snapshot  # type: ignore[no-any-return]


def run_taste(args: argparse.Namespace, ctx: CliContext) -> int:
    from recommender.profile import build_profile
    from recommender.sound_words import SoundWords

    if (args.action is None) != (args.region is None):
        raise RiffleError("Steer a region with an action and its number, e.g. "
                          "`riffle taste less 3`.")
    store = ctx.store
    profile = build_profile(_snapshot(ctx), store.tracks.names(), SoundWords.from_store(store))
    if args.action is not None:
        try:
            region = profile.region(args.region)
        except KeyError:
            raise RiffleError(f"There is no region {args.region}: `riffle taste` lists "
                              f"{len(profile.regions)}.") from None
        edits.steer(store, args.action, region.track_ids, region.name)
        ctx.out(_STEERS[args.action].format(region.name)
                + f" ({len(region.track_ids)} tracks).")
        return 0
    if args.json:
        ctx.out(dumps(profile_json(profile)))
        return 0
    if not profile.regions:
        ctx.err("riffle taste: no track has been analysed yet (riffle analyze).")
        return 0
    _print_profile(ctx, profile)
    return 0


def profile_json(profile: TasteProfile) -> dict[str, Any]:
    def track(t: RegionTrack) -> dict[str, Any]:
        return {"id": t.track_id, "title": t.title, "artist": t.artist,
                "evidence": t.evidence, "preference": round(t.preference, 3)}

    def region(r: ProfileRegion) -> dict[str, Any]:
        e = r.evidence
        return {"number": r.number, "name": r.name, "words": list(r.words),
                "genres": list(r.genres), "artists": list(r.artists),
                "tracks": len(r.track_ids), "liked": e.liked, "disliked": e.disliked,
                "evidence": {"rated": {str(s): n for s, n in e.rated.items()},
                             "completed": e.completed, "skipped": e.skipped,
                             "removed": e.removed, "forgotten": e.forgotten},
                "preference": round(r.preference, 3), "steer": r.steer,
                "judged": [track(t) for t in r.judged],
                "typical": [track(t) for t in r.typical]}

    return {"analysed": sum(len(r.track_ids) for r in profile.regions),
            "regions": [region(r) for r in profile.regions]}


def _print_profile(ctx: CliContext, profile: TasteProfile) -> None:
    from recommender.profile_types import evidence_text

    total = sum(len(r.track_ids) for r in profile.regions)
    ctx.out(f"Your library as {len(profile.regions)} regions of {total} analysed tracks "
            "(steer one: riffle taste more|less|clear|forget N)")
    for r in profile.regions:
        steer = f"  [{r.steer}]" if r.steer else ""
        ctx.out(f"\n{r.number:>3}. {r.name}  ({len(r.track_ids)} tracks){steer}")
        ctx.out(f"     {evidence_text(r.evidence)}")
        ctx.out(f"     the auto-shuffle's view: {_leaning(r.preference)}")
        behind = r.judged[:4] or r.typical[:3]
        label = "behind it" if r.judged else "for example"
        ctx.out(f"     {label}: " + "; ".join(
            f"{artist_title(t.artist or '?', t.title)}"
            + (f" ({t.evidence})" if t.evidence else "") for t in behind))


def _leaning(preference: float) -> str:
    if preference > 0.15:
        return f"you like it ({signed(preference)})"
    if preference < -0.15:
        return f"you tend to pass on it ({signed(preference)})"
    return f"no clear leaning yet ({signed(preference)})"


def run_path(args: argparse.Namespace, ctx: CliContext) -> int:
    from recommender.sonic_path import MAX_LENGTH, sonic_path

    if not 2 <= args.n <= MAX_LENGTH:
        raise RiffleError(f"-n takes a number of tracks from 2 to {MAX_LENGTH}.")
    store = ctx.store
    start, end = store.tracks.resolve(args.start), store.tracks.resolve(args.end)
    assert start.id is not None and end.id is not None
    steps = sonic_path(_snapshot(ctx), start.id, end.id, args.n)
    tracks = store.tracks.get_many([s.track_id for s in steps])
    if args.json:
        ctx.out(dumps([{"id": s.track_id, "path": tracks[s.track_id].path,
                        "title": tracks[s.track_id].display_title,
                        "artist": tracks[s.track_id].display_artist,
                        "to_end": round(s.to_end, 4), "step": round(s.step, 4)}
                       for s in steps]))
        return 0
    for n, step in enumerate(steps, start=1):
        track = tracks[step.track_id]
        ctx.out(f"{n:>3}. {artist_title(track.display_artist, track.display_title)}"
                f"   (to the end {step.to_end:.2f})")
    if len(steps) < args.n:
        ctx.err(f"riffle path: only {len(steps)} tracks lead steadily from A to B without "
                "a track you dislike or heard lately.")
    return 0
