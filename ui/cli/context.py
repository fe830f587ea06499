"""What every command gets: the database it works on and where to write."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from player.paths import default_db_path
from player.store import Store
from ui.cli.output import terminal_text


@dataclass
class CliContext:
    """Built by main.py. The store opens on first use, so `--help` never touches the disk.

    *factories* carries objects main.py wires for commands that need more than the store
    (for example the queue's filler); a command asks for them by name.
    """

    db_path: Path | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    factories: dict[str, Callable[..., Any]] = field(default_factory=dict)
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.db_path or default_db_path())
        return self._store

    @property
    def interactive(self) -> bool:
        """True when output goes to a terminal a person watches (progress bars, colour)."""
        return bool(getattr(self.stderr, "isatty", lambda: False)())

    def out(self, text: str = "") -> None:
        """Print a line for the user (its terminal escapes shown, not obeyed)."""
        print(terminal_text(text), file=self.stdout)

    def err(self, text: str) -> None:
        print(terminal_text(text), file=self.stderr)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
