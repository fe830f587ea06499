"""Riffle's SQLite store: one Database connection and a small repository per table.

    store = Store.open(path)
    with store.db.transaction():
        store.tracks.upsert(track)

A Store (and its connection) belongs to one thread; another thread opens its own.
"""

from __future__ import annotations

from pathlib import Path

from player.paths import default_db_path
from player.store.database import Database
from player.store.features import FeatureStore
from player.store.fingerprint import LibraryFingerprint, library_fingerprint
from player.store.judgements import JudgementStore
from player.store.playlists import PlaylistStore
from player.store.plays import PlayStore
from player.store.queue_state import QueueStateStore
from player.store.ratings import RatingStore
from player.store.removals import RemovalStore
from player.store.roots import RootStore
from player.store.settings import SettingsStore
from player.store.steering import SteeringStore
from player.store.tracks import TrackStore

__all__ = ["Database", "LibraryFingerprint", "Store"]


class Store:
    """The library database with its per-table repositories."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.tracks = TrackStore(db)
        self.roots = RootStore(db)
        self.settings = SettingsStore(db)
        self.ratings = RatingStore(db)
        self.plays = PlayStore(db)
        self.features = FeatureStore(db)
        self.queue_state = QueueStateStore(db)
        self.removals = RemovalStore(db)
        self.judgements = JudgementStore(db)
        self.steering = SteeringStore(db)
        self.playlists = PlaylistStore(db)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        """Open the database at *path* (default: the user's data dir), migrating it."""
        return cls(Database(path if path is not None else default_db_path()))

    def library_fingerprint(self) -> LibraryFingerprint:
        """Numbers that change whenever tracks or their vectors change (fingerprint.py)."""
        return library_fingerprint(self.db)

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()
