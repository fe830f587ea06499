"""Replacing a file in one step: write beside it, flush to disk, then rename over it.

A failure half way (a full disk, a damaged database, Ctrl-C) leaves the old file exactly
as it was and removes the unfinished one; a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def replacing(target: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside *target*; once the block ends without an
    error, that file (flushed to disk) replaces *target*. Raises OSError when the folder
    cannot be written."""
    target = Path(target)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_folder(target.parent)


@contextlib.contextmanager
def replacing_text(target: str | Path) -> Iterator[TextIO]:
    """Like `replacing`, as a UTF-8 text file open for writing."""
    with replacing(target) as temporary, temporary.open("w", encoding="utf-8") as handle:
        yield handle


def _sync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
