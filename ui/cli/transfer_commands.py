"""`riffle export FILE` and `riffle import FILE`: everything Riffle learnt about a library,
taken to another machine."""

from __future__ import annotations

import argparse
from typing import Any

from player.transfer_export import export_library
from player.transfer_import import import_library
from ui.cli.context import CliContext
from ui.cli.output import shown

_KINDS = ("ratings", "plays", "removals", "playlists", "settings")


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="write ratings, plays, playlists and settings to FILE "
                       "for another machine",
                       description="Write everything Riffle learnt about this library into "
                       "FILE (JSON): ratings with their history, plays (with whether to learn "
                       "from them), auto picks you removed, playlists and settings. Tracks "
                       "are named by path and by tags, so a moved or reorganised library "
                       "still matches. Read it with riffle import FILE.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(handler=run_export)
    p = sub.add_parser("import", help="take in what riffle export wrote",
                       description="Add what `riffle export` wrote into this library. "
                       "Tracks are found by path, then by tags, then by the end of their "
                       "path; those found nowhere are kept as missing, with their history, "
                       "until a scan finds their files. Importing twice adds nothing twice.")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace, ctx: CliContext) -> int:
    counts = export_library(ctx.store, args.file, force=args.force)
    ctx.err(f"exported to {shown(args.file)}: " + ", ".join(
        f"{counts[kind]} {kind}" for kind in ("tracks", *_KINDS)))
    return 0


def run_import(args: argparse.Namespace, ctx: CliContext) -> int:
    report, _changes = import_library(ctx.store, args.file)
    for problem in report.problems:
        ctx.err(f"{shown(args.file)}: {problem}")
    if report.skipped_settings:
        ctx.err(f"{shown(args.file)}: settings this Riffle does not know, left out: "
                + ", ".join(report.skipped_settings))
    found = report.found
    tracks = sum(found.values())
    ctx.out(f"tracks: {tracks} ({found['path']} by path, {found['tags']} by tags, "
            f"{found['tail']} by the end of their path, {found['missing']} not found here: "
            "kept as missing until a scan finds them)")
    ctx.out("; ".join(f"{kind}: {report.added[kind]} added, {report.already[kind]} already "
                      "here" for kind in _KINDS[:4]) + f"; settings: {report.added['settings']}")
    return 1 if report.problems else 0
