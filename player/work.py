"""How the core asks for work off its owner's thread, without knowing who runs it.

The core never imports Qt, yet the window must never wait on the database. So the core
speaks to a `Work`: `read` runs a function with a Store of its own thread and hands the
result back on the owner's thread; `write` runs it on the one writer, so two writers never
race, and publishes the `Changes` it returns. A read runs after every write queued before
it, so it always sees them. The window's implementation is ui/tasks.BackgroundWork (threads
and queued Qt signals); the command line and the tests use `InlineWork`, which does the
same at once on the calling thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from player.changes import ChangeHub, Changes
from player.errors import DatabaseLockedError, PartialWriteError
from player.store import Store

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: How long a write keeps trying while another program holds the database's lock, in
#: seconds, on top of SQLite's own wait on each try. A play or a rating is never dropped
#: because an import ran at the same moment.
WRITE_PATIENCE = 300.0


class Work(Protocol):
    """Runs store functions for the core; see the module docstring."""

    hub: ChangeHub

    def read(self, fn: Callable[[Store], T], done: Callable[[T], None], *,
             failed: Callable[[BaseException], None] | None = None, name: str = "") -> None:
        """Run `fn(store)` off the owner's thread after the writes queued so far; its result
        goes to *done* (its error to *failed*, else it is logged) on the owner's thread."""
        ...

    def write(self, fn: Callable[[Store], Changes | None], *,
              done: Callable[[], None] | None = None,
              failed: Callable[[BaseException], None] | None = None, name: str = "") -> None:
        """Run `fn(store)` on the one writer, retrying while the database is locked, then
        publish the Changes it returns and call *done*, on the owner's thread."""
        ...


def write_patiently(fn: Callable[[Store], T], store: Store, *,
                    patience: float = WRITE_PATIENCE,
                    sleep: Callable[[float], None] = time.sleep) -> T:
    """`fn(store)`, tried again while another program holds the lock, for up to *patience*
    seconds; then the DatabaseLockedError is raised."""
    deadline = time.monotonic() + patience
    pause = 0.05
    while True:
        try:
            return fn(store)
        except DatabaseLockedError:
            if time.monotonic() >= deadline:
                raise
            logger.info("the library database is busy; writing again in %.1f s", pause)
            sleep(pause)
            pause = min(2.0, pause * 2)


class InlineWork:
    """Work done at once on the calling thread, with its one Store (command line, tests)."""

    def __init__(self, store: Store, hub: ChangeHub | None = None) -> None:
        self.store = store
        self.hub = hub if hub is not None else ChangeHub()

    def read(self, fn: Callable[[Store], T], done: Callable[[T], None], *,
             failed: Callable[[BaseException], None] | None = None, name: str = "") -> None:
        try:
            result = fn(self.store)
        except Exception as exc:
            _failed(exc, failed, name)
            return
        done(result)

    def write(self, fn: Callable[[Store], Changes | None], *,
              done: Callable[[], None] | None = None,
              failed: Callable[[BaseException], None] | None = None, name: str = "") -> None:
        try:
            changes = write_patiently(fn, self.store)
        except Exception as exc:
            if isinstance(exc, PartialWriteError) and isinstance(exc.changes, Changes):
                self.hub.publish(exc.changes)  # what it did change is announced all the same
            _failed(exc, failed, name)
            return
        if changes:
            self.hub.publish(changes)
        if done is not None:
            done()


def _failed(exc: BaseException, failed: Callable[[BaseException], None] | None,
            name: str) -> None:
    if failed is not None:
        failed(exc)
    else:
        logger.error("%s failed: %s", name or "a background task", exc, exc_info=exc)
