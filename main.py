"""Riffle's composition root: parse the command line, build the objects, start a face."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from player.errors import DamagedDatabaseError, RiffleError
from player.paths import default_db_path, default_music_dir
from player.store import Store

if TYPE_CHECKING:
    from recommender.shuffle import AutoShuffle

logger = logging.getLogger("riffle")


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def run_gui(db_path: Path | None) -> int:
    """Open the desktop window, or explain why it cannot open here."""
    from ui.display import display_problem

    problem = display_problem()
    if problem is not None:
        print(f"riffle: {problem} The command line works anywhere: riffle --help",
              file=sys.stderr)
        return 2
    path = db_path or default_db_path()
    try:
        store = Store.open(path)
    except DamagedDatabaseError as exc:
        store = _recovered(path, exc)
        if store is None:
            print(f"riffle: {exc}", file=sys.stderr)
            return 1
    except RiffleError as exc:
        print(f"riffle: {exc}", file=sys.stderr)
        return 1
    return _open_window(store)


def _recovered(path: Path, problem: DamagedDatabaseError) -> Store | None:
    """Offer the latest backup of a database that cannot be opened; the restored library,
    or None (declined, no backup, or it fails too). The damaged file is always kept."""
    from PySide6.QtWidgets import QApplication

    from ui.app_setup import make_application
    from ui.recovery import recover

    QApplication.instance() or make_application(sys.argv[:1])
    if not recover(path, str(problem)):
        return None
    try:
        return Store.open(path)
    except RiffleError as exc:
        logger.error("the restored backup cannot be opened either: %s", exc)
        return None


def _open_window(store: Store) -> int:
    """Build the window's object graph on *store* and run until it closes (Qt loads here)."""
    from PySide6.QtWidgets import QApplication

    from player.errors import PlaybackError
    from ui.app_setup import build_player, close_player, make_application, window_parts
    from ui.library_jobs import (
        LibraryJobs,
        LibraryLoader,
        analysis_function,
        scanner_function,
        similar_function,
    )
    from ui.main_window import MainWindow
    from ui.tasks import BackgroundWork
    from ui.window_state import WindowState, default_state_path

    app = QApplication.instance() or make_application(sys.argv[:1])
    factories = _cli_factories()
    work = BackgroundWork(store.path)
    jobs = LibraryJobs(work, scan=scanner_function(), analyse=analysis_function(),
                       roots=store.roots.list)
    try:
        player = build_player(store, factories["backend"], factories["filler"])
    except PlaybackError as exc:
        logger.error("%s", exc)
        player = None
    parts = window_parts(store=store, work=work, jobs=jobs, loader=LibraryLoader(work),
                         state=WindowState(default_state_path()),
                         suggested_folder=default_music_dir(), player=player,
                         similar=similar_function())
    window = MainWindow(parts)
    window.show()
    work.run(_daily_backup, name="daily backup")
    if player is None:
        window.show_message("Playback is not available: libvlc could not be started "
                            "(see the log). The library works without it.")
    try:
        return int(app.exec())
    finally:
        close_player(player)
        work.shutdown()
        window.deleteLater()
        del window
        store.close()


def _daily_backup(ctx: Any) -> None:
    """Back the library up once a day, when the window opens (on a worker thread)."""
    from player.store.backup import daily_backup

    daily_backup(ctx.store.db)


def _cli_factories() -> dict[str, Callable[..., Any]]:
    """What commands and the window build on demand: the playback engine, and the filler
    that keeps the queue's auto part full (the recommender's auto-shuffle)."""
    from player.playback import VlcBackend
    from player.settings import DISCOVER, RECENT_HOURS, RECENT_PLAYS, Settings
    from player.store import Store as LibraryStore

    def filler(store: LibraryStore, seed: int | None = None) -> AutoShuffle:
        # imported here: the recommender pulls in scikit-learn (a second to import), which
        # the window then loads on a worker thread and commands that need no filler skip
        from recommender.shuffle import AutoShuffle, ShuffleConfig

        settings = Settings(store.settings)
        config = ShuffleConfig(recent_plays=settings.get(RECENT_PLAYS),
                               recent_hours=settings.get(RECENT_HOURS),
                               discover=settings.get(DISCOVER))
        return AutoShuffle(store, config, seed=seed, cache_path=_shuffle_cache(store.path))

    return {"backend": VlcBackend, "filler": filler}


def _shuffle_cache(db_path: Path) -> Path:
    """Where the auto-shuffle keeps its start-up cache for the library at *db_path*."""
    from player.paths import default_cache_dir

    key = hashlib.sha1(os.fsencode(db_path.resolve())).hexdigest()[:16]
    return default_cache_dir() / f"shuffle-{key}.npz"


def main(argv: list[str] | None = None) -> int:
    # Imported here, not at the top: analysis worker processes re-import this module, and
    # should not load every command (and scikit-learn) just to start.
    from ui.cli.app import build_parser, run_command
    from ui.cli.context import CliContext

    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    db_path = Path(args.db).expanduser() if args.db else None
    if not args.command:
        return run_gui(db_path)
    ctx = CliContext(db_path=db_path, factories=_cli_factories())
    return run_command(args, ctx)


if __name__ == "__main__":
    sys.exit(main())
