"""Advisory locks beside a library database, so Riffle processes can tell each other apart.

    lock = FileLock(db_path, "use")
    if lock.try_shared(): ...          # "I am using this library"
    if lock.try_exclusive(): ...       # "nobody else is": safe to replace the file

A lock is a file `<database>.<name>.lock` locked with flock(2): the kernel drops it when
the process ends, however it ends, so a crash never leaves a stale lock behind. Every
`Database` holds the "use" lock shared while it is open; `riffle db restore` takes it
exclusively, so it refuses while any Riffle (the window, `riffle play`, a scan) has the
library open, and a Riffle started during a restore waits for it. Other names serve other
rules (which process owns playback, say) the same way.

Where flock does not exist (Windows) or the folder cannot hold the lock file (a read-only
medium), locking is skipped: `try_*` then answer True, and nothing is enforced.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks of this kind
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

#: The lock every open Database holds shared, and a restore exclusively.
USE = "use"


def lock_path(db_path: str | Path, name: str) -> Path:
    """The lock file of *name* for the database at *db_path*."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.name}.{name}.lock")


class FileLock:
    """One advisory lock (`lock_path(db_path, name)`), held through one open descriptor.

    Not shared between threads; each holder opens its own. Taking the lock again changes
    its kind (shared ⇄ exclusive) in place.
    """

    def __init__(self, db_path: str | Path, name: str) -> None:
        self.path = lock_path(db_path, name)
        self._fd: int | None = None
        self.held: str | None = None  # "shared", "exclusive" or None

    def try_shared(self) -> bool:
        """Take the lock shared unless someone holds it exclusively; True when held."""
        return self._take(shared=True)

    def try_exclusive(self) -> bool:
        """Take the lock exclusively unless anyone else holds it; True when held."""
        return self._take(shared=False)

    def wait_shared(self, seconds: float) -> bool:
        """Try for up to *seconds* to take the lock shared (a restore takes a moment)."""
        deadline = time.monotonic() + seconds
        while not self.try_shared():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops its lock
            self._fd = None
        self.held = None

    def _take(self, *, shared: bool) -> bool:
        if fcntl is None:
            return True
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                logger.debug("no lock file %s (%s): not locking", self.path, exc)
                return True
        kind = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(self._fd, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:  # a file system without locks
            logger.debug("cannot lock %s (%s): not locking", self.path, exc)
            return True
        self.held = "shared" if shared else "exclusive"
        return True

    def __enter__(self) -> FileLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(OSError):
            self.release()
