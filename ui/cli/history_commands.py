"""`riffle history import|export`: listening history in from other players and services,
and Riffle's own out as JSON lines."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from player import history_io, listen_files
from player.errors import RiffleError
from player.foreign_history import HistoryReport, import_listens, import_play_counts
from player.history_io import export_history, import_history
from player.store.foreign_db import read_collection
from ui.cli.context import CliContext
from ui.cli.output import shown

#: --from FORMAT → what it reads.
FORMATS = {
    "riffle": "Riffle's own JSON lines (riffle history export)",
    "listenbrainz": "a ListenBrainz export: the ZIP of listens, or its JSON",
    "lastfm": "Last.fm scrobbles as CSV: artist, album, title, date",
    "strawberry": "Strawberry's collection database (strawberry.db): play and skip counts, "
                  "last played, ratings",
    "clementine": "Clementine's collection database (clementine.db): the same",
}
#: How many unmatched tracks an import names (the summary counts them all).
SHOWN_UNMATCHED = 10


def register(sub: Any) -> None:
    p = sub.add_parser("history", help="import or export listening history",
                       description="Bring plays from another player or service, or take "
                       "yours out as JSON lines.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    formats = "; ".join(f"{name}: {what}" for name, what in FORMATS.items())
    imp = actions.add_parser(
        "import", help="add plays from FILE; importing again adds nothing twice",
        description="Add the plays in FILE to your listening history, where the "
        "auto-shuffle learns from them like from its own. Tracks are matched by path or by "
        "artist, title and album (case and accents ignored); what matches nothing is "
        "counted and the first ones named. Importing the same file again adds nothing "
        "twice. FORMAT: " + formats + ". Riffle's own format is one JSON object per line: "
        '{"track": path or id, "started_at": ISO 8601 or Unix seconds, "listened": '
        'seconds, "outcome": "completed" | "skipped" | "stopped"}; its bad lines are '
        "reported by number and the rest imported. Quod Libet keeps its library in a "
        "Python pickle, which Riffle does not read (loading one can run any code): have "
        "Quod Libet scrobble to ListenBrainz or Last.fm and import that export instead. "
        "Import one source of the same listening only: Strawberry's counts and the "
        "ListenBrainz listens it scrobbled would count each play twice.")
    imp.add_argument("file", metavar="FILE", help="'-' reads standard input (riffle format)")
    imp.add_argument("--from", dest="source", choices=list(FORMATS), default="riffle",
                     metavar="FORMAT", help="riffle (default), listenbrainz, lastfm, "
                     "strawberry or clementine")
    imp.set_defaults(handler=run_import)
    exp = actions.add_parser("export", help="write every play as JSON lines")
    exp.add_argument("file", nargs="?", metavar="FILE", help="default: standard output")
    exp.add_argument("--force", action="store_true", help="replace FILE if it exists")
    exp.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.source == "riffle":
        return _import_riffle(args, ctx)
    if args.file == "-":
        raise RiffleError(f"--from {args.source} reads a file; name it.")
    store = ctx.store
    if args.source in ("strawberry", "clementine"):
        report = import_play_counts(store, read_collection(args.file, args.source),
                                    args.source)
    else:
        reader = listen_files.listenbrainz if args.source == "listenbrainz" \
            else listen_files.lastfm_csv
        report = import_listens(store, reader(args.file), args.source)
    _summary(report, args, ctx)
    return 1 if report.problems else 0


def _summary(report: HistoryReport, args: argparse.Namespace, ctx: CliContext) -> None:
    for where, why in report.problems:
        ctx.err(f"{shown(args.file)}: {where}: {why}")
    shown_ones = report.unmatched.most_common(SHOWN_UNMATCHED)
    for (artist, title), count in shown_ones:
        times = f" ({count} times)" if count > 1 else ""
        ctx.err(f"{shown(args.file)}: {report.first_seen[(artist, title)]}: not in the "
                f"library: {artist or '?'} – {title or '?'}{times}")
    if len(report.unmatched) > len(shown_ones):
        ctx.err(f"… and {len(report.unmatched) - len(shown_ones)} more tracks not in the "
                "library")
    kind = "songs" if args.source in ("strawberry", "clementine") else "listens"
    line = (f"read {report.entries} {kind}: {report.matched} matched, "
            f"{report.unmatched_entries} not in the library; imported {report.imported} "
            f"plays, {report.duplicates} already there")
    if kind == "songs":
        line += f"; {report.ratings} ratings taken, {report.ratings_kept} kept as rated in " \
                "Riffle"
    if report.problems:
        line += f"; {len(report.problems)} entries could not be read"
    ctx.out(line)


def _import_riffle(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.file == "-":
        report = import_history(ctx.store, sys.stdin)
    else:
        try:
            with open(args.file, encoding="utf-8", errors="replace") as stream:
                report = import_history(ctx.store, stream)
        except OSError as exc:
            raise RiffleError(f"Cannot read {args.file}: {exc.strerror}.") from exc
    for number, why in report.problems:
        ctx.err(f"{args.file}:{number}: {why}")
    ctx.out(f"imported {report.imported} plays, {report.duplicates} already there, "
            f"{len(report.problems)} lines with problems")
    return 1 if report.problems else 0


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.file is None:
        for line in export_history(ctx.store):
            ctx.out(line)
        return 0
    count = history_io.write_history(ctx.store, args.file, force=args.force)
    ctx.err(f"exported {count} plays to {shown(args.file)}")
    return 0
