"""The roots table: the folders that make up the library.

Paths are stored like track paths (player/store/tracks.py db_path): text when the name is
valid UTF-8, else its exact bytes, so a folder named in any encoding can be a root.
"""

from __future__ import annotations

import os
import time

from player.store.database import Database
from player.store.tracks import db_path, fs_path


def normalise_root(path: str) -> str:
    """Absolute, user-expanded, without a trailing separator; symlinks kept as the user named."""
    return os.path.abspath(os.path.expanduser(path)).rstrip(os.sep) or os.sep


class RootStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self) -> list[str]:
        return [fs_path(r[0]) for r in self.db.query("SELECT path FROM roots ORDER BY path")]

    def add(self, path: str) -> bool:
        """Add a library folder; False if it was there already."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)",
            (db_path(normalise_root(path)), time.time()),
        )
        return cur.rowcount > 0

    def remove(self, path: str) -> bool:
        """Forget a library folder (its tracks and their history stay); False if unknown."""
        cur = self.db.execute("DELETE FROM roots WHERE path = ?",
                              (db_path(normalise_root(path)),))
        return cur.rowcount > 0
