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
    from player.backend import Backend
    from player.work import Work
    from recommender.shuffle import AutoShuffle
    from ui.handover import OpenRequest

logger = logging.getLogger("riffle")


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def run_gui(db_path: Path | None, request: OpenRequest | None = None) -> int:
    """Open the desktop window, or explain why it cannot open here. When a window is
    already open on this library, hand it *request* (files to queue or play) and return."""
    from ui.display import display_problem
    from ui.handover import OpenRequest, hand_over, socket_path

    if hand_over(socket_path(db_path or default_db_path()), request or OpenRequest()):
        return 0
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
    return _open_window(store, request)


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


def _open_window(store: Store, request: OpenRequest | None = None) -> int:
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
    work = BackgroundWork(store.path)
    jobs = LibraryJobs(work, scan=scanner_function(), analyse=analysis_function(),
                       roots=store.roots.list)
    try:
        player = build_player(store, work, make_backend, make_filler)
    except PlaybackError as exc:
        logger.error("%s", exc)
        player, no_player = None, str(exc)
    parts = window_parts(store=store, work=work, jobs=jobs, loader=LibraryLoader(work),
                         state=WindowState(default_state_path()),
                         suggested_folder=default_music_dir(), player=player,
                         similar=similar_function(), map_cache=_map_cache(store.path))
    window = MainWindow(parts)
    window.show()
    work.run(_daily_backup, name="daily backup")
    if player is None:
        window.show_message(f"Playback is not available: {no_player} The library works "
                            "without it.")
    desktop = _add_desktop(window, store.path, request)
    try:
        return int(app.exec())
    finally:
        desktop.shutdown()
        close_player(player)
        work.shutdown()
        window.deleteLater()
        del window
        store.close()


def _add_desktop(window: Any, db_path: Path, request: OpenRequest | None) -> Any:
    """MPRIS, notifications, tray, watched folders and the one-instance socket for the
    window (ui/desktop.py); *request* is what this launch was asked to open."""
    from ui.dbus_link import SessionBus
    from ui.desktop import Desktop
    from ui.handover import socket_path
    from ui.single_instance import InstanceServer

    desktop = Desktop(window, bus=SessionBus.open())
    server = InstanceServer(socket_path(db_path), desktop)
    server.requested.connect(desktop.open)
    server.listen()
    if request is not None:
        desktop.open(request)
    return desktop


def _daily_backup(ctx: Any) -> None:
    """Back the library up once a day, when the window opens (on a worker thread)."""
    from player.store.backup import daily_backup

    daily_backup(ctx.store.db)


def make_backend(callback: Callable[..., None], **options: Any) -> Backend:
    """The playback engine (libvlc), reporting its events to *callback* from its threads."""
    from player.playback import VlcBackend

    return VlcBackend(callback, **options)


def make_filler(store: Store, work: Work, seed: int | None = None) -> AutoShuffle:
    """The auto-shuffle that fills the queue's auto part, its knobs from *store*'s settings;
    it reads the library through *work* (off the GUI thread in the window)."""
    # imported here: even without scikit-learn (loaded only where snapshots are built), the
    # recommender is not needed by most commands
    from player.settings import Settings
    from recommender.shuffle import AutoShuffle, ShuffleConfig

    config = ShuffleConfig.from_settings(Settings(store.settings))
    return AutoShuffle(work, config, seed=seed, cache_path=_shuffle_cache(store.path))


def factories() -> dict[str, Callable[..., Any]]:
    """What the command line builds on demand: the playback engine and the auto-shuffle."""
    return {"backend": make_backend, "filler": make_filler}


def _shuffle_cache(db_path: Path) -> Path:
    """Where the auto-shuffle keeps its start-up cache for the library at *db_path*."""
    from player.paths import default_cache_dir

    key = hashlib.sha1(os.fsencode(db_path.resolve())).hexdigest()[:16]
    return default_cache_dir() / f"shuffle-{key}.npz"


def _map_cache(db_path: Path) -> Path:
    """Where the window keeps the taste map's layout for the library at *db_path*."""
    return _shuffle_cache(db_path).with_name(_shuffle_cache(db_path).name.replace(
        "shuffle-", "taste-map-"))


def main(argv: list[str] | None = None) -> int:
    # Imported here, not at the top: analysis worker processes re-import this module, and
    # should not load every command (and scikit-learn) just to start.
    from ui.cli.app import build_parser, run_command
    from ui.cli.context import CliContext
    from ui.handover import open_request

    parser = build_parser()
    request, argv = open_request(sys.argv[1:] if argv is None else argv,
                                 parser.get_default("command_names"))
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    db_path = Path(args.db).expanduser() if args.db else None
    if not args.command:
        return run_gui(db_path, request)
    ctx = CliContext(db_path=db_path, factories=factories())
    return run_command(args, ctx)


if __name__ == "__main__":
    sys.exit(main())
