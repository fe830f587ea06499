"""Ratings in the files' tags: `riffle tags write-ratings|read-ratings [QUERY]`, and the
setting that writes every new rating into its file (`riffle tags auto on|off`)."""

from __future__ import annotations

import argparse
from typing import Any

from player import edits
from player import settings as s
from player.rating_tags import TagReport, read_ratings, write_ratings
from player.settings import Settings
from ui.cli.context import CliContext
from ui.cli.output import shown


def register(sub: Any) -> None:
    p = sub.add_parser("tags", help="ratings between Riffle and the files' tags",
                       description="Write Riffle's ratings into the music files, so other "
                       "players read them (ID3 POPM and FMPS_Rating, Vorbis FMPS_RATING and "
                       "RATING, MP4, APE and WMA ratings; no other tag is touched), or take "
                       "the ratings the files hold now. QUERY narrows the tracks, as in "
                       "`riffle list`.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("write-ratings", help="write ratings into the files whose tags "
                           "do not hold them yet")
    a.add_argument("query", nargs="*", metavar="QUERY")
    a.set_defaults(handler=run_write)
    a = actions.add_parser("read-ratings", help="take the ratings the files' tags hold now")
    a.add_argument("query", nargs="*", metavar="QUERY")
    a.set_defaults(handler=run_read)
    a = actions.add_parser("auto", help="whether a new rating is written into its file too "
                           "(off unless turned on)")
    a.add_argument("state", nargs="?", choices=["on", "off"])
    a.set_defaults(handler=run_auto)


def _problems(report: TagReport, ctx: CliContext, verb: str) -> int:
    for path, why in report.problems:
        ctx.err(f"riffle tags: cannot {verb} {shown(path)}: {why}")
    return 1 if report.problems else 0


def run_write(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    ids = [t.id for t in store.tracks.find(" ".join(args.query)) if t.id is not None]
    report = write_ratings(store, ids, only_different=True)
    ctx.out(f"wrote {report.done} ratings into their files; {report.unchanged} held theirs "
            f"already or are unrated; {len(report.problems)} could not be written")
    return _problems(report, ctx, "write into")


def run_read(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    ids = [t.id for t in store.tracks.find(" ".join(args.query)) if t.id is not None]
    report, _changes = read_ratings(store, ids)
    ctx.out(f"took {report.done} ratings from the files' tags; {report.unchanged} were the "
            f"same or hold none; {len(report.problems)} could not be read")
    return _problems(report, ctx, "read")


def run_auto(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.state is not None:
        edits.save_settings(store, {s.RATINGS_IN_TAGS: args.state == "on"})
    on = Settings(store.settings).get(s.RATINGS_IN_TAGS)
    ctx.out(f"new ratings are {'also written into their files' if on else 'kept in Riffle only'}"
            f" ({'on' if on else 'off'})")
    return 0
