"""Handing files to a running Riffle window: `riffle [--play] PATH...` read off the command
line, and sent over the window's local socket (ui/single_instance.py listens on it).

No Qt here: a second `riffle` connects with a plain Unix socket, sends one JSON line
{"paths": [...], "play": bool} and waits for "ok", so it is done in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: How long a second process waits for the running window to answer, in seconds.
HAND_OVER_TIMEOUT = 1.5
#: Options of the top-level parser that take a value (so their value is not a path).
_VALUE_OPTIONS = ("--db",)


@dataclass(frozen=True)
class OpenRequest:
    """Files and folders to queue (or, with *play*, to play now) in the window."""

    paths: list[str] = field(default_factory=list)
    play: bool = False

    def to_line(self) -> bytes:
        """One line of ASCII JSON (a name that is not UTF-8 travels as its escapes)."""
        return json.dumps({"paths": self.paths, "play": self.play}).encode("ascii") + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> OpenRequest:
        """Raises ValueError on anything but a request line."""
        data = json.loads(line.decode("ascii"))
        paths = data.get("paths") if isinstance(data, dict) else None
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ValueError("a request names its paths")
        return cls(paths, bool(data.get("play")))


def open_request(argv: Sequence[str], commands: Sequence[str]
                 ) -> tuple[OpenRequest | None, list[str]]:
    """Split `riffle [options] [--play] PATH...` into the request and the options left for
    the parser; (None, argv) when the first word is a command (or there is no path)."""
    rest: list[str] = []
    paths: list[str] = []
    play = False
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--play":
            play = True
        elif arg in _VALUE_OPTIONS and i + 1 < len(args):
            rest += [arg, args[i + 1]]
            i += 1
        elif arg.startswith("-"):
            rest.append(arg)
        elif not paths and arg in commands:
            return None, list(argv)
        else:
            paths.append(os.path.abspath(arg))
        i += 1
    if not paths and not play:
        return None, list(argv)
    return OpenRequest(paths, play), rest


def socket_path(db_path: Path) -> str:
    """The socket of the window on the library at *db_path* (one per user and library)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    key = hashlib.sha1(os.fsencode(db_path.expanduser().resolve())).hexdigest()[:16]
    return os.path.join(base, f"riffle-{os.getuid() if hasattr(os, 'getuid') else 0}-{key}")


def hand_over(path: str, request: OpenRequest, timeout: float = HAND_OVER_TIMEOUT) -> bool:
    """Give *request* to the window listening at *path*; False when none answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(request.to_line())
            answer = sock.recv(16)
    except OSError:
        return False
    return answer.startswith(b"ok")
