"""Finding the audio files under a library folder: os.scandir, symlinks followed, no loops.

Hidden entries (names starting with ".") and files whose extension is not audio are
skipped. A folder reached twice (a symlink loop, or two links to one folder) is walked once,
and a file reached twice (hard or symbolic links) is listed once: both are recognised by
(st_dev, st_ino). A folder that cannot be listed is reported, not fatal: the scanner then
knows its files were not seen and must not be called missing.

An entry named like music that is no file to read (a broken link, a link loop, a pipe) is
listed as a problem with its reason, so a person learns why that song is not there.
"""

from __future__ import annotations

import errno
import logging
import os
import stat as stat_module
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FoundFile:
    """An audio file as the walk saw it: its path as found under the root, and its stat."""

    path: str
    stat: os.stat_result

    @property
    def mtime_ns(self) -> int:
        return self.stat.st_mtime_ns

    @property
    def size(self) -> int:
        return self.stat.st_size


@dataclass(frozen=True, slots=True)
class Problem:
    """An entry named like music that holds nothing to read: its path, its own (lstat)
    stat, and why."""

    path: str
    stat: os.stat_result
    reason: str


@dataclass
class WalkResult:
    files: list[FoundFile] = field(default_factory=list)
    #: Entries named like music that are broken links, link loops, pipes or devices.
    problems: list[Problem] = field(default_factory=list)
    #: (folder, reason) for every folder that could not be listed.
    unreadable_dirs: list[tuple[str, str]] = field(default_factory=list)
    #: False when the walk was cancelled before it saw everything.
    complete: bool = True


class RootState(StrEnum):
    """What a library folder looks like before the walk."""

    PRESENT = "present"
    ABSENT = "absent"  # gone, not a folder, or not reachable (an unmounted disk)
    EMPTY = "empty"  # a folder with nothing visible in it (often a mount point)


def root_state(root: str) -> RootState:
    """Whether *root* can be walked; an absent or empty one must be left alone."""
    try:
        with os.scandir(root) as entries:
            if any(not entry.name.startswith(".") for entry in entries):
                return RootState.PRESENT
            return RootState.EMPTY
    except OSError:
        return RootState.ABSENT


def is_hidden(name: str) -> bool:
    return name.startswith(".")


def walk(
    root: str,
    extensions: Collection[str],
    *,
    visited_dirs: set[tuple[int, int]],
    visited_files: set[tuple[int, int]],
    is_cancelled: Callable[[], bool] = lambda: False,
    on_file: Callable[[int], None] | None = None,
) -> WalkResult:
    """Every audio file below *root*, depth first, each folder's entries in name order.

    *visited_dirs* and *visited_files* are shared across the roots of one scan, so nested
    or overlapping roots list each file once. *on_file* gets the running count of files
    found. Checks *is_cancelled* once per folder.
    """
    result = WalkResult()
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        result.unreadable_dirs.append((root, exc.strerror or str(exc)))
        return result
    root_key = (root_stat.st_dev, root_stat.st_ino)
    if root_key in visited_dirs:
        return result
    visited_dirs.add(root_key)
    stack = [root]
    while stack:
        if is_cancelled():
            result.complete = False
            return result
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            logger.warning("cannot list %r: %s", folder, exc.strerror or exc)
            result.unreadable_dirs.append((folder, exc.strerror or str(exc)))
            continue
        subfolders = []
        for entry in entries:
            if is_hidden(entry.name):
                continue
            try:
                if _is_dir(entry):
                    st = entry.stat()
                    key = (st.st_dev, st.st_ino)
                    if key in visited_dirs:
                        logger.debug("%r leads to a folder already walked", entry.path)
                        continue
                    visited_dirs.add(key)
                    subfolders.append(entry.path)
                elif os.path.splitext(entry.name)[1].lower() in extensions:
                    if not _is_file(entry):
                        problem = _problem(entry)
                        if problem is not None:
                            result.problems.append(problem)
                        continue
                    st = entry.stat()
                    key = (st.st_dev, st.st_ino)
                    if key in visited_files:
                        continue
                    visited_files.add(key)
                    result.files.append(FoundFile(entry.path, st))
                    if on_file is not None:
                        on_file(len(result.files))
            except OSError as exc:  # a vanished entry
                logger.debug("skipping %r: %s", entry.path, exc.strerror or exc)
        stack.extend(reversed(subfolders))
    return result


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: no folder
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link loop: no file
        return False


def _problem(entry: os.DirEntry[str]) -> Problem | None:
    """Why an entry named like music is no file to read, or None when it vanished."""
    try:
        own = entry.stat(follow_symlinks=False)
    except OSError:
        return None
    try:
        target = os.stat(entry.path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Problem(entry.path, own, "a link that leads back to itself (a link loop)")
        if entry.is_symlink():
            where = os.readlink(entry.path)
            shown = os.path.join(os.path.dirname(entry.path), where)
            return Problem(entry.path, own, f"a broken link: {os.path.normpath(shown)} is "
                                            "not there")
        return Problem(entry.path, own, f"cannot be opened: {exc.strerror or exc}")
    if stat_module.S_ISREG(target.st_mode) or stat_module.S_ISDIR(target.st_mode):
        return None  # it became a file or a folder meanwhile: the next scan sees it
    return Problem(entry.path, own, "not a regular file (a pipe, a socket or a device)")
