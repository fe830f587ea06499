"""Running `riffle COMMAND ...` inside the test process, with its output captured.

The commands get the same factories main.py wires (the playback engine, the auto-shuffle),
so a test sees what a user at a terminal would.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from main import factories
from ui.cli.app import build_parser, run_command
from ui.cli.context import CliContext


class Terminal(io.StringIO):
    """Captured output that says it is a terminal, so progress bars are drawn."""

    def isatty(self) -> bool:
        return True


def riffle(db: Path, *argv: str, stderr: io.StringIO | None = None,
           stdin: str | None = None) -> tuple[int, str, str]:
    """Run one command on the library at *db*: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    args = build_parser().parse_args(["--db", str(db), *argv])
    saved_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = run_command(args, CliContext(db_path=db, stdout=out, stderr=err,
                                            factories=factories()))
    finally:
        sys.stdin = saved_stdin
    return code, out.getvalue(), err.getvalue()
