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

    def remove(self, path: str, *, now: float | None = None) -> int | None:
        """Forget a library folder; None if it was not one.

        Its tracks (those no other library folder holds) are marked missing, so they leave
        listings, counts and the shuffle, with their history kept: adding the folder again
        and scanning brings them back. Returns how many tracks were newly marked missing.
        """
        root = normalise_root(path)
        cur = self.db.execute("DELETE FROM roots WHERE path = ?", (db_path(root),))
        if cur.rowcount == 0:
            return None
        prefix = os.fsencode(root.rstrip(os.sep) + os.sep)
        others = [os.fsencode(r.rstrip(os.sep) + os.sep) for r in self.list()]
        rows = self.db.query(
            "SELECT id, path FROM tracks WHERE missing_since IS NULL"
            " AND substr(CAST(path AS BLOB), 1, ?) = ?", (len(prefix), prefix))
        ids = [row[0] for row in rows
               if not any(os.fsencode(fs_path(row[1])).startswith(o) for o in others)]
        now = time.time() if now is None else now
        self.db.executemany("UPDATE tracks SET missing_since = ? WHERE id = ?",
                            ((now, i) for i in ids))
        return len(ids)
