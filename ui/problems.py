"""The files Riffle cannot use as it should, kept current for the window.

One list feeds the status bar's badge, the problems dialog and the sentence after a scan,
so they always say the same number. It is read off the GUI thread (TrackStore.problems,
the same list `riffle errors` prints) whenever the Changes say the library's tracks or
their playability changed: a file that fails to play shows in the badge and in an open
dialog at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from player.store import Store
from ui.tasks import BackgroundWork

#: (path, kind, reason); kind "scan", "play" or "damaged" (TrackStore.problems).
Problem = tuple[str, str, str]


class ProblemList(QObject):
    """The problem files as last read; `changed` brings each new reading."""

    changed = Signal(list)  # list[Problem]

    def __init__(self, work: BackgroundWork, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.problems: list[Problem] = []
        self._reading = False
        self._waiting: list[Callable[[list[Problem]], None]] | None = None

    def refresh(self, then: Callable[[list[Problem]], None] | None = None) -> None:
        """Read the list again; *then* gets it from a reading that started after this call
        (a request during a reading runs once that one ends)."""
        if self._reading:
            if self._waiting is None:
                self._waiting = []
            if then is not None:
                self._waiting.append(then)
            return
        self._read([then] if then is not None else [])

    def _read(self, callbacks: list[Callable[[list[Problem]], None]]) -> None:
        self._reading = True

        def read(store: Store) -> list[Problem]:
            return store.tracks.problems()

        def done(problems: list[Problem]) -> None:
            self.problems = problems
            self.changed.emit(problems)
            for callback in callbacks:
                callback(problems)

        task = self._work.read(read, done, name="problem files")
        task.finished.connect(self._finished)

    def _finished(self) -> None:
        self._reading = False
        if self._waiting is not None:
            callbacks, self._waiting = self._waiting, None
            self._read(callbacks)


def count_text(count: int) -> str:
    """'1 file with problems', '3 files with problems', 'no files with problems'."""
    if not count:
        return "no files with problems"
    return f"{count:,} file{'s' if count != 1 else ''} with problems"
