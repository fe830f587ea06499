"""Library commands: roots."""

from __future__ import annotations

import argparse
from typing import Any

from ui.cli.context import CliContext


def register(sub: Any) -> None:
    p = sub.add_parser("roots", help="list, add or remove library folders")
    p.add_argument("action", nargs="?", choices=["add", "remove"], help="what to do")
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders to add or remove")
    p.set_defaults(handler=run_roots)


def run_roots(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    if args.action is None:
        for root in store.roots.list():
            ctx.out(root)
        return 0
    if not args.paths:
        ctx.err(f"riffle roots {args.action}: name at least one folder")
        return 2
    with store.db.transaction():
        for path in args.paths:
            if args.action == "add":
                added = store.roots.add(path)
                ctx.out(f"{'added' if added else 'already a library folder'}: {path}")
            else:
                removed = store.roots.remove(path)
                ctx.out(f"{'removed' if removed else 'not a library folder'}: {path}")
    return 0
