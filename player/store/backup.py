"""Backups of the library database: taken online, checked, kept, and restored safely.

    path = daily_backup(store.db)            # at most one a day; the last DAILY_KEPT kept
    path = backup_to(store.db, target)       # one now, into a file of the user's choice
    kept = restore(db_path, backup_file)     # only while no Riffle has the library open
    problems = check(store.db)               # integrity, schema, values Riffle never writes

Backups use SQLite's online backup API, so they are consistent while Riffle plays and
writes. Each lands in a temporary file first and is checked (PRAGMA quick_check) before it
takes its name, so a damaged database never pushes a good backup out. They live in the
user's data folder, in a folder of their own per library database.

A restore never loses anything: it refuses while any Riffle has the library open (the
"use" lock of player/store/lock.py), refuses a file that is not a sound Riffle database,
and keeps the database it replaces beside it as `<name>.replaced-<time>`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from pathlib import Path

from player.atomic import replacing
from player.errors import DatabaseLockedError, NotARiffleDatabaseError, StoreError
from player.models import PlayOutcome, PlaySource
from player.paths import default_data_dir
from player.store.database import Database
from player.store.lock import USE, FileLock
from player.store.migrations import APPLICATION_ID, LATEST_VERSION

logger = logging.getLogger(__name__)

#: How many daily backups are kept (the oldest go first).
DAILY_KEPT = 7
_DAILY_PREFIX = "daily-"
_SUFFIX = ".sqlite3"


def backup_folder(db_path: str | Path, data_dir: Path | None = None) -> Path:
    """Where the backups of the database at *db_path* live: a folder in the data folder
    named after the database file and a short key of its full path."""
    db_path = Path(db_path).resolve()
    key = hashlib.sha1(os.fsencode(db_path)).hexdigest()[:8]
    return (data_dir or default_data_dir()) / "backups" / f"{db_path.stem}-{key}"


def backups(db_path: str | Path, data_dir: Path | None = None) -> list[Path]:
    """Every backup of the database at *db_path*, newest first."""
    folder = backup_folder(db_path, data_dir)
    try:
        found = [p for p in folder.iterdir() if p.suffix == _SUFFIX and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def latest_backup(db_path: str | Path, data_dir: Path | None = None) -> Path | None:
    found = backups(db_path, data_dir)
    return found[0] if found else None


def backup_to(db: Database, target: str | Path) -> Path:
    """Copy the open database *db* into the file *target* (replacing it), consistently
    even while others write. Raises StoreError when the copy fails or is not sound (the
    target is then left as it was)."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with replacing(target) as temporary:
            copy = sqlite3.connect(str(temporary))
            try:
                db.copy_into(copy)
                try:
                    # One standalone file, with no journal beside it to lose when copied.
                    copy.execute("PRAGMA journal_mode = DELETE")
                    verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
                except sqlite3.DatabaseError as exc:
                    verdict = str(exc)
            finally:
                copy.close()
            if verdict != "ok":
                raise StoreError(f"The library database {db.path} is damaged ({verdict}); "
                                 "no backup was made of it.")
    except OSError as exc:
        raise StoreError(f"Cannot write the backup {target}: {exc.strerror or exc}.") from exc
    logger.info("backed up %s to %s", db.path, target)
    return target


def daily_backup(db: Database, *, data_dir: Path | None = None,
                 now: float | None = None, keep: int = DAILY_KEPT) -> Path | None:
    """Back up *db* unless a daily backup of today exists; keep the last *keep* daily
    backups. Returns the new backup, or None when there was nothing to do."""
    day = time.strftime("%Y-%m-%d", time.localtime(time.time() if now is None else now))
    folder = backup_folder(db.path, data_dir)
    target = folder / f"{_DAILY_PREFIX}{day}{_SUFFIX}"
    if target.exists():
        return None
    made = backup_to(db, target)
    daily = sorted(p for p in folder.iterdir()
                   if p.name.startswith(_DAILY_PREFIX) and p.suffix == _SUFFIX)
    for old in daily[:-keep] if keep > 0 else daily:
        with contextlib.suppress(OSError):
            old.unlink()
            logger.info("removed the old backup %s", old)
    return made


def manual_backup_path(db_path: str | Path, *, data_dir: Path | None = None,
                       now: float | None = None) -> Path:
    """Where `riffle db backup` without a FILE puts its backup."""
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.localtime(time.time() if now is None
                                                            else now))
    return backup_folder(db_path, data_dir) / f"manual-{stamp}{_SUFFIX}"


# -- checking ------------------------------------------------------------------------------------


def check(db: Database) -> list[str]:
    """What is wrong with the open database *db*, one sentence each; [] when sound.

    Looks at SQLite's integrity check, the schema (every table and column Riffle makes),
    and the values Riffle writes (lists of names, numbers, outcomes, settings)."""
    problems = []
    verdict = db.integrity_check()
    if verdict != "ok":
        problems.append(f"integrity: {verdict}")
    problems.extend(_schema_problems(db))
    if not problems:
        problems.extend(_odd_values(db))
    return problems


def _schema_problems(db: Database) -> list[str]:
    if db.schema_version != LATEST_VERSION:
        return [f"schema version {db.schema_version}, expected {LATEST_VERSION}"]
    reference = Database(":memory:")
    try:
        expected = _columns(reference)
    finally:
        reference.close()
    found = _columns(db)
    problems = []
    for table, columns in expected.items():
        if table not in found:
            problems.append(f"the table {table} is missing")
        elif missing := [c for c in columns if c not in found[table]]:
            problems.append(f"the table {table} lacks {', '.join(missing)}")
    extra = [row[0] for row in db.query(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
    if extra:
        problems.append(f"triggers Riffle never makes: {', '.join(extra)}")
    return problems


def _columns(db: Database) -> dict[str, list[str]]:
    tables = [r[0] for r in db.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: [c[1] for c in db.query("SELECT * FROM pragma_table_info(?)", (t,))]
            for t in tables}


_LIST_COLUMNS = ("artists", "albumartists", "genres")
_NUMBER_COLUMNS = ("year", "track_number", "track_total", "disc_number", "disc_total",
                   "duration", "bitrate", "sample_rate", "channels", "rg_track_gain",
                   "rg_track_peak", "rg_album_gain", "rg_album_peak", "tag_rating")


def _odd_values(db: Database) -> list[str]:
    """Values Riffle never writes, as `Database.note_odd_value` would name them."""
    found = []
    for row in db.query(f"SELECT id, {', '.join(_LIST_COLUMNS)} FROM tracks"):
        for column, raw in zip(_LIST_COLUMNS, tuple(row)[1:], strict=True):
            try:
                values = json.loads(raw) if raw else []
            except (ValueError, TypeError):
                values = None
            if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
                found.append(f"track {row[0]}: {column} is not a list of names")
    numbers = " OR ".join(f"typeof({c}) NOT IN ('integer', 'real', 'null')"
                          for c in _NUMBER_COLUMNS)
    for row in db.query(f"SELECT id FROM tracks WHERE {numbers}"):
        found.append(f"track {row[0]}: a number column holds text or bytes")
    outcomes = ", ".join(f"'{o}'" for o in PlayOutcome)
    sources = ", ".join(f"'{s}'" for s in PlaySource)
    for row in db.query(
            "SELECT id FROM plays WHERE typeof(started_at) NOT IN ('integer', 'real') "
            "OR typeof(listened) NOT IN ('integer', 'real') "
            f"OR (outcome IS NOT NULL AND outcome NOT IN ({outcomes})) "
            f"OR source NOT IN ({sources})"):
        found.append(f"play {row[0]}: a time, a length, an outcome or a source Riffle never "
                     "writes")
    for key, raw in db.query("SELECT key, value FROM settings"):
        try:
            json.loads(raw, parse_constant=_refuse)
        except (ValueError, TypeError):
            found.append(f"setting {key}: {str(raw)[:40]!r} is not a value")
    return found


def _refuse(constant: str) -> None:
    raise ValueError(constant)


# -- restoring ------------------------------------------------------------------------------------


def restore(db_path: str | Path, source: str | Path, *, now: float | None = None) -> Path:
    """Make the backup *source* the library database at *db_path*; returns where the
    replaced database is kept (`<name>.replaced-<time>`, with its -wal journal if any).

    Raises NotARiffleDatabaseError for a *source* that is not a sound Riffle database (or
    is from a newer Riffle), DatabaseLockedError while a Riffle has the library open, and
    StoreError when the files cannot be moved. Nothing is changed in any of these cases.
    """
    db_path, source = Path(db_path), Path(source)
    _check_source(source)
    if db_path.exists() and os.path.samefile(db_path, source):
        raise StoreError(f"{source} is the library database itself; name a backup.")
    lock = FileLock(db_path, USE)
    if not lock.try_exclusive():
        raise DatabaseLockedError(
            f"Riffle is running on the library {db_path} (the window, riffle play or "
            "another command); close it, then restore.")
    try:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None
                                                              else now))
        kept = db_path.with_name(f"{db_path.name}.replaced-{stamp}")
        try:
            with replacing(db_path) as temporary:
                _copy(source, temporary)
                if db_path.exists():
                    os.replace(db_path, kept)  # the journal follows its database's name
                    for journal in ("-wal", "-journal"):
                        if Path(f"{db_path}{journal}").exists():
                            os.replace(f"{db_path}{journal}", f"{kept}{journal}")
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{db_path}-shm")
        except OSError as exc:
            raise StoreError(f"Cannot restore {db_path}: {exc.strerror or exc}.") from exc
    finally:
        lock.release()
    logger.info("restored %s from %s; the replaced database is %s", db_path, source, kept)
    return kept


def _copy(source: Path, target: Path) -> None:
    """*source* into *target* through SQLite (its -wal included, consistently)."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(str(target))
    try:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot read the backup {source}: {exc}.") from exc
    finally:
        writer.close()
        reader.close()


def _check_source(source: Path) -> None:
    """Refuse a *source* that is not a sound Riffle database this Riffle can open."""
    if not source.is_file():
        raise NotARiffleDatabaseError(f"{source} is not a file; name a backup.")
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise NotARiffleDatabaseError(f"{source} is not a Riffle library database "
                                      f"({exc}).") from exc
    if app_id != APPLICATION_ID:
        raise NotARiffleDatabaseError(f"{source} is not a Riffle library database.")
    if version > LATEST_VERSION:
        raise NotARiffleDatabaseError(f"{source} was written by a newer Riffle (schema "
                                      f"{version}); update Riffle to restore it.")
    if verdict != "ok":
        raise NotARiffleDatabaseError(f"{source} is damaged ({verdict}); choose another "
                                      "backup.")
