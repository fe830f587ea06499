"""The library scan: bring the tracks table in line with the files under the library folders.

    report = Scanner(store).scan(progress=show, cancel=stop_event)

1. Walk every root (player/walk.py). An absent root (unmounted disk) or an empty one is
   reported and left alone: its tracks are not marked missing.
2. Compare each file's (mtime_ns, size) with the store. An unchanged file is not opened;
   a file that was missing and is back unchanged just loses its missing mark.
3. Read new and changed files (player/tags.py) in batches of at most `batch_files` files or
   `batch_seconds`, each batch written in one short transaction after it was read. A
   killed scan loses at most one batch; the next scan finds the rest still to do.
4. A new file whose tags match a stored track whose file is gone (from any folder, not
   only the ones this scan walks), with the same duration or the same size, is that track
   moved: the old row gets the new path and keeps its id, plays, ratings and features.
5. Only after a complete walk of a root are its unseen tracks marked missing (never
   deleted). A cancelled scan marks nothing missing.

A rating another player wrote into a file's tags becomes the track's rating only when the
track has no rating history in Riffle. Every unreadable file is recorded with its reason.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from player.errors import TagError
from player.formatting import path_text
from player.models import Track
from player.store import Store
from player.store.roots import normalise_root
from player.store.tracks import FileState, StoredTags
from player.tags import AUDIO_EXTENSIONS, read_track
from player.walk import FoundFile, Problem, RootState, root_state, walk

logger = logging.getLogger(__name__)


class Reader(Protocol):
    def __call__(self, path: str, *, stat: os.stat_result | None = None) -> Track: ...


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Where a scan is. *to_read* is known once the walk is over (0 while walking)."""

    phase: str  # "walking", "reading" or "done"
    seen: int  # audio files found so far
    to_read: int  # new or changed files that need reading
    read: int  # of those, read so far
    errors: int  # of those, unreadable
    current: str | None = None  # the folder or file being looked at


@dataclass
class ScanReport:
    """What a scan did. Counts are files; roots are as stored in the roots table."""

    added: int = 0
    updated: int = 0
    moved: int = 0
    missing: int = 0  # newly marked missing by this scan
    errors: int = 0  # files read by this scan that could not be read
    unchanged: int = 0
    restored: int = 0  # missing before, back unchanged now
    cancelled: bool = False
    absent_roots: list[str] = field(default_factory=list)
    empty_roots: list[str] = field(default_factory=list)
    unreadable_dirs: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def notices(self) -> list[str]:
        """Sentences for a person about folders the scan could not use, and why."""
        return [
            *(f"{path_text(r)} is not there (a disk not mounted?); its tracks were left as "
              "they were" for r in self.absent_roots),
            *(f"{path_text(r)} is empty (a disk not mounted?); its tracks were left as they "
              "were" for r in self.empty_roots),
            *(f"cannot look into {path_text(f)}: {why}" for f, why in self.unreadable_dirs),
        ]

    def summary(self, errors: bool = True) -> str:
        """One line for a person: "added 3, updated 1, moved 0, missing 2, errors 1"
        (without the errors of this scan when *errors* is False: the window says how many
        files of the whole library have problems instead)."""
        parts = [f"added {self.added}", f"updated {self.updated}", f"moved {self.moved}",
                 f"missing {self.missing}"] + ([f"errors {self.errors}"] if errors else [])
        if self.restored:
            parts.append(f"back {self.restored}")
        return ", ".join(parts)


ProgressCallback = Callable[[ScanProgress], None]
Cancel = Any  # threading.Event, a () -> bool callable, or None


def _cancel_check(cancel: Cancel) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if hasattr(cancel, "is_set"):
        return cancel.is_set  # type: ignore[no-any-return]
    if callable(cancel):
        return lambda: bool(cancel())
    raise TypeError("cancel is a threading.Event or a callable returning bool")


def _identity(title: str, artist: str | None, album: str | None, albumartist: str | None,
              track_number: int | None, disc_number: int | None) -> tuple[Any, ...]:
    """What must be equal for two files to be the same recording: its shown tags."""
    return (title.casefold(), artist, album, albumartist, track_number, disc_number)


def _track_identity(track: Track) -> tuple[Any, ...]:
    return _identity(track.display_title, track.artist, track.album, track.albumartist,
                     track.track_number, track.disc_number)


class _MoveFinder:
    """Matches newly found files to stored tracks by tags plus duration, or tags plus size."""

    def __init__(self, stored: Iterable[StoredTags]) -> None:
        self._by_duration: dict[tuple[Any, ...], list[StoredTags]] = {}
        self._by_size: dict[tuple[Any, ...], list[StoredTags]] = {}
        self._used: set[int] = set()
        self._refused: set[int] = set()
        for entry in stored:
            ident = _identity(entry.title or "", entry.artist, entry.album, entry.albumartist,
                              entry.track_number, entry.disc_number)
            if entry.duration:
                self._by_duration.setdefault((ident, round(entry.duration, 1)), []
                                             ).append(entry)
            self._by_size.setdefault((ident, entry.size), []).append(entry)

    def take(self, track: Track, is_gone: Callable[[str], bool]) -> int | None:
        """The id of the stored track whose file *track* is now, or None. A candidate is
        taken only if *is_gone* says its old file is no longer there; each id once."""
        ident = _track_identity(track)
        keys: list[tuple[dict[tuple[Any, ...], list[StoredTags]], tuple[Any, ...]]] = [
            (self._by_size, (ident, track.size))]
        if track.duration:
            keys.insert(0, (self._by_duration, (ident, round(track.duration, 1))))
        for index, key in keys:
            for entry in index.get(key, ()):
                if entry.id in self._used or entry.id in self._refused:
                    continue
                if not is_gone(entry.path):
                    self._refused.add(entry.id)
                    continue
                self._used.add(entry.id)
                return entry.id
        return None

    @property
    def used(self) -> set[int]:
        return self._used


class Scanner:
    """Scans the library folders into the store. One scan at a time per Scanner."""

    def __init__(self, store: Store, *, reader: Reader = read_track, batch_files: int = 200,
                 batch_seconds: float = 1.0) -> None:
        """*reader* reads one file (tests count its calls); a batch is written after
        *batch_files* files or *batch_seconds* of reading, whichever comes first."""
        self.store = store
        self._read = reader
        self.batch_files = batch_files
        self.batch_seconds = batch_seconds

    def scan(self, roots: Iterable[str] | None = None, *,
             progress: ProgressCallback | None = None, cancel: Cancel = None,
             retry_errors: bool = False) -> ScanReport:
        """Scan *roots* (default: every library folder) and return what changed.

        *retry_errors* re-reads files that failed before even if they did not change
        (after fixing permissions, say). Never raises for a file; a StoreError from the
        database (locked, read-only) does propagate.
        """
        started = time.monotonic()
        report = ScanReport()
        is_cancelled = _cancel_check(cancel)
        tick = _Ticker(progress)
        root_list = ([normalise_root(r) for r in roots] if roots is not None
                     else self.store.roots.list())

        found, problems, walked = self._walk(root_list, report, is_cancelled, tick)
        known = self.store.tracks.file_states()
        self._record_problems(problems, known, report)
        to_read: list[FoundFile] = []
        restored: list[int] = []
        for item in found:
            state = known.get(item.path)
            if state is None or (state.mtime_ns, state.size) != (item.mtime_ns, item.size) \
                    or (retry_errors and state.scan_error):
                to_read.append(item)
            else:
                report.unchanged += 1
                if state.missing_since is not None:
                    restored.append(state.id)
        if restored:
            with self.store.db.transaction():
                self.store.tracks.clear_missing(restored)
            report.restored = len(restored)

        seen = {item.path for item in found} | {p.path for p in problems}
        vanished = [state for path, state in known.items()
                    if path not in seen and _under_any(path, walked)
                    and not _under_any(path, [d for d, _ in report.unreadable_dirs])]
        moves = _LazyMoves(self.store, known, seen)

        tick.total = len(to_read)
        tick.seen = len(found)
        tick.phase = "reading"
        tick(force=True)
        for batch in self._batches(to_read, is_cancelled, report, tick):
            self._write(batch, known, moves, report)
        if report.cancelled:
            report.seconds = time.monotonic() - started
            tick.phase = "done"
            tick(force=True)
            return report

        gone = [s.id for s in vanished if s.missing_since is None and s.id not in moves.used]
        if gone:
            with self.store.db.transaction():
                self.store.tracks.mark_missing(gone)
        report.missing = len(gone)
        report.seconds = time.monotonic() - started
        tick.phase = "done"
        tick(force=True)
        logger.info("scan: %s (%.1f s)", report.summary(), report.seconds)
        return report

    # -- steps ------------------------------------------------------------------------------

    def _walk(self, roots: list[str], report: ScanReport, is_cancelled: Callable[[], bool],
              tick: _Ticker) -> tuple[list[FoundFile], list[Problem], list[str]]:
        """All audio files of the present roots, the entries named like music that hold
        nothing to read, and the roots walked to the end."""
        found: list[FoundFile] = []
        problems: list[Problem] = []
        walked: list[str] = []
        visited_dirs: set[tuple[int, int]] = set()
        visited_files: set[tuple[int, int]] = set()
        for root in roots:
            state = root_state(root)
            # Reported in ScanReport for the face to say once; only logged for the record.
            if state is RootState.ABSENT:
                logger.info("library folder %r is not there; its tracks are left alone", root)
                report.absent_roots.append(root)
                continue
            if state is RootState.EMPTY:
                logger.info("library folder %r is empty; its tracks are left alone", root)
                report.empty_roots.append(root)
                continue
            before = len(found)

            def on_file(count: int, before: int = before, root: str = root) -> None:
                tick.seen = before + count
                tick(current=root)

            result = walk(root, AUDIO_EXTENSIONS, visited_dirs=visited_dirs,
                          visited_files=visited_files, is_cancelled=is_cancelled,
                          on_file=on_file)
            found.extend(result.files)
            problems.extend(result.problems)
            report.unreadable_dirs.extend(result.unreadable_dirs)
            if not result.complete:
                report.cancelled = True
                break
            walked.append(root)
        found.sort(key=lambda f: f.path)
        return found, problems, walked

    def _record_problems(self, problems: list[Problem], known: dict[str, FileState],
                         report: ScanReport) -> None:
        """Record each broken link, link loop or pipe named like music as a file that
        cannot be read, unless it is recorded already as it is."""
        new = []
        for problem in problems:
            state = known.get(problem.path)
            if state is not None and state.scan_error == problem.reason and \
                    (state.mtime_ns, state.size) == (problem.stat.st_mtime_ns,
                                                     problem.stat.st_size):
                report.unchanged += 1
                if state.missing_since is not None:
                    report.restored += 1
                    with self.store.db.transaction():
                        self.store.tracks.clear_missing([state.id])
                continue
            new.append(problem)
        if not new:
            return
        with self.store.db.transaction():
            for problem in new:
                logger.info("cannot read %r: %s", problem.path, problem.reason)
                self.store.tracks.record_error(problem.path, problem.stat.st_mtime_ns,
                                               problem.stat.st_size, problem.reason)
        report.errors += len(new)

    def _batches(self, files: list[FoundFile], is_cancelled: Callable[[], bool],
                 report: ScanReport, tick: _Ticker
                 ) -> Iterator[list[tuple[FoundFile, Track | TagError]]]:
        """Read *files* in batches (outside any transaction, so the lock is held briefly)."""
        batch: list[tuple[FoundFile, Track | TagError]] = []
        batch_started = time.monotonic()
        for item in files:
            if report.cancelled or is_cancelled():
                report.cancelled = True
                break
            try:
                outcome: Track | TagError = self._read(item.path, stat=item.stat)
            except TagError as exc:
                outcome = exc
                tick.errors += 1
            batch.append((item, outcome))
            tick.read += 1
            tick(current=item.path)
            if (len(batch) >= self.batch_files
                    or time.monotonic() - batch_started >= self.batch_seconds):
                yield batch
                batch = []
                batch_started = time.monotonic()
        if batch:
            yield batch

    def _write(self, batch: list[tuple[FoundFile, Track | TagError]],
               known: dict[str, FileState], moves: _LazyMoves, report: ScanReport) -> None:
        store = self.store
        with store.db.transaction():
            for item, outcome in batch:
                if isinstance(outcome, TagError):
                    logger.info("cannot read %r: %s", item.path, outcome)
                    store.tracks.record_error(item.path, item.mtime_ns, item.size,
                                              str(outcome))
                    report.errors += 1
                    continue
                track = outcome
                # The walk's stat is what the next scan compares against.
                track.mtime_ns, track.size = item.mtime_ns, item.size
                old = known.get(item.path)
                if old is not None:
                    track_id = store.tracks.upsert(track)
                    report.updated += 1
                elif (moved_id := moves.find(track)) is not None:
                    store.tracks.move(moved_id, track)
                    track_id = moved_id
                    report.moved += 1
                else:
                    track_id = store.tracks.upsert(track)
                    report.added += 1
                if track.tag_rating and not store.ratings.has_history(track_id):
                    store.ratings.set(track_id, track.tag_rating, source="tag")


def _under_any(path: str, folders: Iterable[str]) -> bool:
    for folder in folders:
        prefix = folder.rstrip(os.sep) + os.sep
        if path.startswith(prefix):
            return True
    return False


class _LazyMoves:
    """The move finder, built on first need: most scans find no new file at all.

    Its candidates are every stored track not seen by this scan, in any folder (a file may
    move into a folder scanned on its own), but one is taken only when its old file is
    really gone: not still on disk (a copy is not a move), not unreadable, and not under a
    library folder that is absent or empty (a disk not mounted).
    """

    def __init__(self, store: Store, known: dict[str, FileState], seen: set[str]) -> None:
        self._store = store
        self._seen = seen
        self._any = any(path not in seen for path in known)
        self._finder: _MoveFinder | None = None
        self._roots: list[str] | None = None
        self._root_present: dict[str, bool] = {}

    def find(self, track: Track) -> int | None:
        if not self._any:
            return None
        if self._finder is None:
            self._finder = _MoveFinder(
                entry for entry in self._store.tracks.move_candidates()
                if entry.path not in self._seen)
        return self._finder.take(track, self._is_gone)

    def _is_gone(self, path: str) -> bool:
        try:
            os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            pass
        except OSError:  # cannot tell (permissions, a failing disk): not gone
            return False
        else:
            return False
        if self._roots is None:
            self._roots = self._store.roots.list()
        for root in self._roots:
            if _under_any(path, [root]):
                if root not in self._root_present:
                    self._root_present[root] = root_state(root) is RootState.PRESENT
                if not self._root_present[root]:
                    return False
        return True

    @property
    def used(self) -> set[int]:
        return self._finder.used if self._finder is not None else set()


class _Ticker:
    """Sends ScanProgress to the callback at most ten times a second (and when forced)."""

    INTERVAL = 0.1

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._last = 0.0
        self.phase = "walking"
        self.seen = self.total = self.read = self.errors = 0

    def __call__(self, *, force: bool = False, current: str | None = None) -> None:
        if self._callback is None:
            return
        now = time.monotonic()
        if not force and now - self._last < self.INTERVAL:
            return
        self._last = now
        self._callback(ScanProgress(self.phase, self.seen, self.total, self.read,
                                    self.errors, current))
