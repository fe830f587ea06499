"""Where Riffle keeps its files on this platform (platformdirs), unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from player.errors import RiffleError
from player.formatting import path_text

APP_NAME = "Riffle"
DB_FILENAME = "riffle.sqlite3"


def default_data_dir() -> Path:
    """The user's data folder for Riffle, e.g. ~/.local/share/Riffle on Linux."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The library database used when no --db is given."""
    return default_data_dir() / DB_FILENAME


def default_cache_dir() -> Path:
    """Cache folder for things that can be rebuilt (cover thumbnails, index caches)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_music_dir() -> Path | None:
    """The user's music folder if it exists: the first library root we suggest."""
    path = Path(platformdirs.user_music_dir())
    return path if path.is_dir() else None


def is_library_file(db_path: Path, target: Path) -> bool:
    """Whether *target* names the database at *db_path* or its -wal / -shm journal."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        own = Path(f"{db_path}{suffix}")
        try:
            if target.exists() and own.exists() and os.path.samefile(target, own):
                return True
        except OSError:
            pass
        if os.path.abspath(target) == os.path.abspath(own):
            return True
    return False


def check_export_target(db_path: Path, target: Path, *, force: bool,
                        error: type[Exception] | None = None) -> None:
    """Refuse, before anything is written, to export onto the library database (or its
    journals), over an existing file without *force*, or onto what is not a regular file.
    Raises *error* (default RiffleError) with a sentence that names the file."""
    failure = error or RiffleError
    shown = path_text(os.fspath(target))
    if is_library_file(db_path, target):
        raise failure(f"{shown} is the library database itself; export to another file.")
    if os.path.lexists(target) and not force:
        raise failure(f"{shown} already exists; give --force to replace it, or choose "
                      "another file.")
    if os.path.lexists(target) and not target.is_file():
        raise failure(f"{shown} is not a regular file; choose another file.")
