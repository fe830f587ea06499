"""Riffle's exception hierarchy: one root, a subclass for each thing a caller handles apart.

The core raises; the faces (command line, window) log and show the message. Every message
is written for a person: it says what went wrong and, where there is one, what to do.
"""

from __future__ import annotations


class RiffleError(Exception):
    """Root of every error Riffle raises on purpose."""


class StoreError(RiffleError):
    """The database cannot be used as asked."""


class DatabaseLockedError(StoreError):
    """Another program holds a lock on the database for longer than we wait."""


class ReadOnlyDatabaseError(StoreError):
    """The database file or its folder cannot be written."""


class NotARiffleDatabaseError(StoreError):
    """The file is not SQLite, or is SQLite but not Riffle's, or is from a newer Riffle."""


class DamagedDatabaseError(NotARiffleDatabaseError):
    """The file is Riffle's (or was), but damaged or changed by another program so that it
    cannot be used; a backup may bring the library back."""


class DiskFullError(StoreError):
    """The disk holding the database is full; nothing was written."""


class TagError(RiffleError):
    """A file's tags cannot be read; the message says why."""


class QueryError(RiffleError):
    """A library query that cannot be understood; the message names the term and the fix."""


class TrackNotFoundError(RiffleError):
    """A TRACK argument (id or path) matches no track in the library."""


class PlaybackError(RiffleError):
    """The playback engine cannot play, or cannot be started at all."""


class PlayerBusyError(PlaybackError):
    """Another Riffle process already plays from this library (one player per library, so
    two never log the same plays or close each other's)."""


class AnalysisError(RiffleError):
    """A track cannot be decoded or described; the message says why."""


class PlaylistError(RiffleError):
    """A playlist cannot be made or changed as asked (a name taken, a smart playlist given
    tracks, a file that is no playlist); the message says why."""


class PartialWriteError(RiffleError):
    """A write did part of what was asked: *changes* is what it did change (announced like
    any write's), the message says what it could not do (a file it could not write)."""

    def __init__(self, message: str, changes: object) -> None:
        super().__init__(message)
        #: The player.changes.Changes of what was done.
        self.changes = changes
