"""The SQLite connection: opening, pragmas, migrations, transactions, error translation.

One Database object per thread (sqlite3 connections are not shared across threads). Every
SQLite failure that a person can act on is turned into a StoreError subclass with a message
that names the file and says what to do. While open, a Database holds the library's "use"
lock shared (player/store/lock.py), so the file is never replaced from under it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from player.errors import (
    DamagedDatabaseError,
    DatabaseLockedError,
    DiskFullError,
    NotARiffleDatabaseError,
    ReadOnlyDatabaseError,
    StoreError,
)
from player.store.lock import USE, FileLock
from player.store.migrations import APPLICATION_ID, LATEST_VERSION, MIGRATIONS

logger = logging.getLogger(__name__)

#: How long a writer waits for another connection's lock before giving up, in seconds.
DEFAULT_BUSY_TIMEOUT = 10.0
#: How long opening waits for a restore from a backup to finish, in seconds.
RESTORE_WAIT = 10.0


class Database:
    """One connection to a Riffle library database, migrated to the latest schema on open."""

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        migrate_to: int | None = None,
    ) -> None:
        """Open (creating if needed) and migrate the database at *path*.

        *migrate_to* stops migrating at that version; only tests use it, to build old
        databases. Raises a StoreError subclass with a readable message on failure.
        """
        self.path = Path(path)
        self._depth = 0
        #: How many values read so far were not what Riffle writes (see note_odd_value).
        self.odd_values = 0
        target = LATEST_VERSION if migrate_to is None else migrate_to
        if str(path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ReadOnlyDatabaseError(
                    f"Cannot create the folder for the library database {self.path.parent}: "
                    f"{exc.strerror}. Choose another place with --db PATH."
                ) from exc
        self._use_lock = FileLock(self.path, USE)
        if str(path) != ":memory:" and not self._use_lock.wait_shared(RESTORE_WAIT):
            raise DatabaseLockedError(
                f"The library database {self.path} is being restored from a backup. "
                "Try again in a moment.")
        try:
            with self._translate("open"):
                self.conn = sqlite3.connect(
                    str(path), timeout=busy_timeout, isolation_level=None,
                    check_same_thread=False)
        except BaseException:
            self._use_lock.release()
            raise
        try:
            self.conn.row_factory = sqlite3.Row
            self._check_identity()
            with self._translate("open"):
                self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                self.conn.execute("PRAGMA foreign_keys = ON")
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(path) != ":memory:" and mode.lower() != "wal":
                    logger.warning("database %s stays in %s journal mode", self.path, mode)
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(target)
        except BaseException:
            self.conn.close()
            self._use_lock.release()
            raise

    # -- identity and migrations ---------------------------------------------------------

    def _check_identity(self) -> None:
        """Refuse files that are not SQLite, belong to another program, or are too new."""
        with self._translate("read"):
            app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            tables = self.conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        if tables and app_id != APPLICATION_ID:
            raise NotARiffleDatabaseError(
                f"{self.path} is an SQLite database of another program, not a Riffle library. "
                "Choose another file with --db PATH."
            )
        if version > LATEST_VERSION:
            raise NotARiffleDatabaseError(
                f"{self.path} was written by a newer Riffle (schema {version}; this Riffle "
                f"knows up to {LATEST_VERSION}). Update Riffle to open it."
            )

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, target: int) -> None:
        current = self.schema_version
        for migration in MIGRATIONS:
            if current < migration.version <= target:
                logger.info(
                    "upgrading %s to schema %d: %s",
                    self.path, migration.version, migration.description,
                )
                try:
                    with self.transaction():
                        if migration.version == 1:
                            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                        migration.apply(self.conn)
                        self.conn.execute(f"PRAGMA user_version = {migration.version}")
                except sqlite3.OperationalError as exc:
                    explained = self._explain(exc, "upgrade")
                    if type(explained) is not StoreError:  # locked, read-only, damaged
                        raise explained from exc
                    # The file says it is at schema *current* but holds what a later one
                    # made (its version was set back), or was otherwise changed by hand.
                    raise DamagedDatabaseError(
                        f"{self.path} says it is at schema {current}, but upgrading it to "
                        f"{migration.version} fails ({exc}): it was changed by another "
                        "program. Restore a backup (riffle db restore FILE), or choose "
                        "another file with --db PATH."
                    ) from exc
                current = migration.version

    # -- transactions and statements -----------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction; nested blocks join the outer one.

        BEGIN IMMEDIATE takes the write lock up front so a busy database fails at the start
        (as DatabaseLockedError) rather than half way through.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        with self._translate("write"):
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            # SQLite may have rolled back already (a full disk, an I/O error): then there
            # is nothing left to undo, and the error that did it is the one to report.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        with self._translate("write"):
            self.conn.execute("COMMIT")

    @contextmanager
    def read_transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block's reads in one transaction, so they see the database as it was at
        one moment (WAL: writers are not held up). Inside a write transaction, joins it."""
        if self._depth:
            yield self.conn
            return
        with self._translate("read"):
            self.conn.execute("BEGIN")
        self._depth = 1
        try:
            yield self.conn
        finally:
            self._depth = 0
            self.conn.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self._translate("use"):
            return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        with self._translate("write"):
            return self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._translate("read"):
            return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        with self._translate("read"):
            row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def note_odd_value(self, what: str) -> None:
        """Record that a row held *what* Riffle never writes (another program changed the
        file) and was read as the nearest plain value. The first one is a warning, once per
        connection, so a person sees one line however many rows are odd; `riffle db check`
        lists them all."""
        self.odd_values += 1
        if self.odd_values == 1:
            logger.warning("the library database %s holds values Riffle never writes (was it "
                           "changed by another program?); reading them as plain values, the "
                           "first: %s. riffle db check lists them all.", self.path, what)
        else:
            logger.debug("odd value in %s: %s", self.path, what)

    def explain(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> str:
        """SQLite's query plan for *sql*, one step a line (for benchmarks and tests that
        check a query is served by an index)."""
        rows = self.query(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(r[3]) for r in rows)

    def close(self) -> None:
        self.conn.close()
        self._use_lock.release()

    def copy_into(self, target: sqlite3.Connection) -> None:
        """Copy the whole database into the connection *target* with SQLite's online
        backup, consistently while others write."""
        with self._translate("read"):
            self.conn.backup(target)

    def integrity_check(self) -> str:
        """SQLite's own verdict on the file: 'ok' or the first problems found."""
        rows = self.query("PRAGMA integrity_check")
        return "; ".join(str(r[0]) for r in rows)

    # -- errors ---------------------------------------------------------------------------

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise self._explain(exc, action) from exc
        except sqlite3.IntegrityError as exc:
            # Riffle's own writes satisfy its constraints; what refuses them is a trigger
            # or a constraint another program added to the file.
            raise StoreError(
                f"The library database {self.path} refused a change ({exc}); it holds rules "
                "Riffle did not put there. Restore a backup (riffle db restore FILE), or "
                "choose another file with --db PATH."
            ) from exc
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.ProgrammingError):
                raise
            raise self._explain(exc, action) from exc

    def _explain(self, exc: sqlite3.Error, action: str) -> StoreError:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return DatabaseLockedError(
                f"The library database {self.path} is locked by another program (is another "
                "Riffle running?). Close it and try again."
            )
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return ReadOnlyDatabaseError(
                f"The library database {self.path} cannot be written: check the permissions "
                "of the file and its folder, or choose another file with --db PATH."
            )
        if "disk is full" in text or ("disk i/o error" in text and self._disk_is_full()):
            return DiskFullError(
                f"The disk holding the library database {self.path} is full; nothing was "
                "changed. Free some space and try again."
            )
        if "malformed" in text:
            return DamagedDatabaseError(
                f"The library database {self.path} is damaged ({exc}). Restore a backup "
                "(riffle db restore FILE), or choose another file with --db PATH."
            )
        if "not a database" in text or "encrypted" in text:
            return DamagedDatabaseError(
                f"{self.path} is not a Riffle library database (or it is damaged). "
                "Restore a backup (riffle db restore FILE), or choose another file with "
                "--db PATH."
            )
        if "disk i/o error" in text:
            return StoreError(
                f"The disk holding the library database {self.path} failed while Riffle "
                f"tried to {action} it (disk I/O error); nothing was changed. Check the disk, "
                "then try again."
            )
        return StoreError(f"The library database {self.path} failed to {action}: {exc}")

    def _disk_is_full(self) -> bool:
        """Whether the file system of the database has (next to) no room left: SQLite
        reports a full disk as an I/O error when its shared-memory file cannot grow."""
        try:
            room = os.statvfs(self.path.parent)
        except (OSError, AttributeError):  # no statvfs on this platform
            return False
        return room.f_bavail * room.f_frsize < 64 * 1024
