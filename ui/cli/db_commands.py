"""Looking after the library database: `riffle db check|backup [FILE]|restore FILE`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from player.errors import RiffleError
from player.paths import default_db_path, is_library_file
from player.store import backup as backups
from ui.cli.context import CliContext
from ui.cli.output import shown


def register(sub: Any) -> None:
    p = sub.add_parser("db", help="check, back up or restore the library database",
                       description="Riffle backs the library up once a day when the window "
                       f"opens, keeping the last {backups.DAILY_KEPT}, in a folder of your "
                       "data folder. These commands check the database, back it up now, or "
                       "put a backup back.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check the database's integrity, schema and "
                               "values; list what is wrong")
    check.set_defaults(handler=run_check)
    make = actions.add_parser("backup", help="back the database up now (while Riffle runs, "
                              "too)")
    make.add_argument("file", nargs="?", metavar="FILE",
                      help="where to write it (default: the backups folder)")
    make.add_argument("--force", action="store_true", help="replace FILE if it exists")
    make.set_defaults(handler=run_backup)
    put = actions.add_parser("restore", help="make a backup the library database again; "
                             "the replaced database is kept beside it")
    put.add_argument("file", nargs="?", metavar="FILE",
                     help="the backup (default: the latest one)")
    put.set_defaults(handler=run_restore)
    listing = actions.add_parser("backups", help="list the backups, newest first")
    listing.set_defaults(handler=run_list)


def _db_path(ctx: CliContext) -> Path:
    return ctx.db_path or default_db_path()


def run_check(args: argparse.Namespace, ctx: CliContext) -> int:
    problems = backups.check(ctx.store.db)
    if not problems:
        ctx.out(f"{shown(str(ctx.store.path))}: ok")
        return 0
    for problem in problems:
        ctx.out(f"{shown(str(ctx.store.path))}: {problem}")
    ctx.err(f"riffle db check: {len(problems)} problem{'s' if len(problems) != 1 else ''}; "
            "riffle db restore puts the latest backup back")
    return 1


def run_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.file is None:
        target = backups.manual_backup_path(store.path)
    else:
        target = Path(args.file)
        if is_library_file(store.path, target):
            raise RiffleError(f"{shown(args.file)} is the library database itself; "
                              "back it up into another file.")
        if os.path.lexists(target) and not args.force:
            raise RiffleError(f"{shown(args.file)} already exists; give --force to replace "
                              "it, or choose another file.")
    made = backups.backup_to(store.db, target)
    ctx.out(f"backed up to {shown(str(made))}")
    return 0


def run_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    db_path = _db_path(ctx)
    ctx.close()  # this command must not hold the library open itself
    if args.file is None:
        source = backups.latest_backup(db_path)
        if source is None:
            raise RiffleError(f"There is no backup of {shown(str(db_path))} yet.")
    else:
        source = Path(args.file)
    kept = backups.restore(db_path, source)
    ctx.out(f"restored {shown(str(db_path))} from {shown(str(source))}")
    ctx.out(f"the database it replaced is kept as {shown(str(kept))}")
    return 0


def run_list(args: argparse.Namespace, ctx: CliContext) -> int:
    found = backups.backups(_db_path(ctx))
    if not found:
        ctx.out("no backups yet")
    for path in found:
        ctx.out(shown(str(path)))
    return 0
