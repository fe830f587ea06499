"""Builds the argument parser from the command modules and runs the chosen command.

Each command module has `register(subparsers)`, which adds its sub-parser and sets
`handler=run`; `run(args, ctx)` returns the exit status.
"""

from __future__ import annotations

import argparse
import logging
from types import ModuleType

from player import __version__
from player.errors import DamagedDatabaseError, RiffleError
from player.paths import default_db_path
from ui.cli import (
    analysis_commands,
    db_commands,
    history_commands,
    library_commands,
    map_commands,
    play_commands,
    playlist_commands,
    tag_commands,
    taste_commands,
    transfer_commands,
)
from ui.cli.context import CliContext
from ui.cli.output import shown

logger = logging.getLogger(__name__)

#: The modules whose commands `riffle` offers, in the order --help lists them.
COMMAND_MODULES: list[ModuleType] = [
    library_commands, analysis_commands, play_commands, taste_commands, map_commands,
    history_commands, playlist_commands, tag_commands, transfer_commands, db_commands,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="riffle",
        description="Riffle: a music player for the music you own. "
        "With no command, opens the desktop window.",
    )
    parser.add_argument("--db", metavar="PATH", help="library database file "
                        "(default: riffle.sqlite3 in your user data folder)")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log more (-vv for debugging detail)")
    parser.add_argument("--version", action="version", version=f"Riffle {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    parser.add_argument("--play", action="store_true",
                        help="with files or folders: play them now (else they are queued); "
                        "`riffle FILE...` hands them to the open window")
    parser.set_defaults(command_names=tuple(sub.choices))
    return parser


def _backup_hint(exc: RiffleError, ctx: CliContext) -> str:
    """For a damaged library, where its latest backup is ('' otherwise)."""
    if not isinstance(exc, DamagedDatabaseError):
        return ""
    from player.store.backup import latest_backup

    latest = latest_backup(ctx.db_path or default_db_path())
    return f" The latest backup: {shown(str(latest))}" if latest else ""


def run_command(args: argparse.Namespace, ctx: CliContext) -> int:
    """Run the parsed command; a RiffleError becomes a one-line message and status 1."""
    try:
        return int(args.handler(args, ctx) or 0)
    except RiffleError as exc:
        logger.debug("command failed", exc_info=True)
        ctx.err(f"riffle: {exc}{_backup_hint(exc, ctx)}")
        return 1
    except KeyboardInterrupt:
        ctx.err("riffle: interrupted")
        return 130
    except BrokenPipeError:
        return 0
    finally:
        ctx.close()
