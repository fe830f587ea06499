"""Taste commands: what the auto-shuffle would play next and why, rating."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from player import edits
from player.changes import Changes
from player.errors import RiffleError
from player.formatting import artist_title, star_bar, why_lines
from player.queue import FillContext
from player.work import InlineWork
from ui.cli.context import CliContext
from ui.cli.library_commands import track_line
from ui.cli.output import dumps


def register(sub: Any) -> None:
    p = sub.add_parser("next", help="what the auto-shuffle would play next, and why",
                       description="The tracks the auto-shuffle would pick next, each with its "
                       "reason, from the ratings and plays in the library, exactly as the "
                       "player picks them. Nothing is played or recorded.")
    p.add_argument("-n", type=int, default=10, metavar="N", help="how many (default 10)")
    p.add_argument("--after", metavar="TRACK",
                   help="pick as if TRACK (an id or a file path) were playing "
                   "(default: the track played last)")
    p.add_argument("--seed", type=int, metavar="N", help="repeatable picks for this seed")
    p.add_argument("--json", action="store_true",
                   help="print [{id, path, title, artist, reason}]")
    p.set_defaults(handler=run_next)

    p = sub.add_parser("why", help="why the auto-shuffle would or would not pick a track now",
                       description="Why TRACK would or would not be the auto-shuffle's next "
                       "pick now: the rule that keeps it out, its preference (yours, or "
                       "predicted from the judged tracks that sound like it), flow from "
                       "what plays, novelty, and its rank among the tracks that may play.")
    p.add_argument("track", metavar="TRACK", help="a track id or a file path")
    p.add_argument("--after", metavar="TRACK",
                   help="as if TRACK were playing (default: the track played last)")
    p.add_argument("--json", action="store_true", help="print the facts as one JSON object")
    p.set_defaults(handler=run_why)

    p = sub.add_parser("rate", help="rate a track 1–5 stars (0 clears the rating)")
    p.add_argument("track", metavar="TRACK", help="a track id or a file path")
    p.add_argument("stars", type=int, choices=range(6), metavar="STARS",
                   help="1 to 5, or 0 to clear")
    p.set_defaults(handler=run_rate)


def run_next(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.n < 1:
        raise RiffleError("-n takes a number of tracks, 1 or more.")
    if args.after:
        current: int | None = store.tracks.resolve(args.after).id
    else:
        current = store.plays.last_track()
    filler = ctx.factories["filler"](store, InlineWork(store), seed=args.seed)
    filler.follow(Changes.everything())
    picks = filler.fill(args.n, FillContext(current, (), ()))
    tracks = store.tracks.get_many([p.track_id for p in picks])
    if args.json:
        ctx.out(dumps([{"id": p.track_id, "path": tracks[p.track_id].path,
                        "title": tracks[p.track_id].display_title,
                        "artist": tracks[p.track_id].display_artist, "reason": p.reason}
                       for p in picks]))
        return 0
    if not picks:
        ctx.err("riffle next: nothing to pick: the library has no playable track that was "
                "not played recently (see riffle scan, riffle stats).")
        return 0
    for pick in picks:
        ctx.out(f"{track_line(tracks[pick.track_id])}\n{'':>15}{pick.reason}")
    return 0


def run_why(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    track = store.tracks.resolve(args.track)
    assert track.id is not None
    current = store.tracks.resolve(args.after).id if args.after else store.plays.last_track()
    filler = ctx.factories["filler"](store, InlineWork(store))
    filler.follow(Changes.everything())
    why = filler.explain(track.id, FillContext(current, (), ()))
    if why is None:
        raise RiffleError("The auto-shuffle could not read the library.")
    if args.json:
        ctx.out(dumps({"id": track.id, "path": track.path, "title": track.display_title,
                       "artist": track.display_artist, **asdict(why)}))
        return 0
    ctx.out(artist_title(track.display_artist, track.display_title))
    for line in why_lines(why):
        ctx.out(f"  {line}")
    return 0


def run_rate(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    track = store.tracks.resolve(args.track)
    assert track.id is not None
    edits.rate(store, [track.id], args.stars)
    ctx.out(f"{artist_title(track.display_artist, track.display_title)}: "
            f"{star_bar(args.stars, 'no rating')}")
    return 0
