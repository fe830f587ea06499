"""Whether the window can open here, asked before Qt loads (Qt aborts the process instead).

Looks for a display the way Qt's platform plugins would find one: QT_QPA_PLATFORM naming a
platform that needs no screen, a Wayland socket, or an X server socket for a local DISPLAY.
A remote X display (host:0) cannot be checked cheaply and is trusted.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

SCREENLESS_PLATFORMS = {"offscreen", "minimal", "vnc"}
_LOCAL_X = re.compile(r"^(?:unix)?:(\d+)(?:\.\d+)?$")


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """None when a window can open, else a sentence saying why not and what to do."""
    env = os.environ if environ is None else environ
    if sys.platform in {"win32", "darwin"}:
        return None
    if env.get("QT_QPA_PLATFORM", "").split(":")[0] in SCREENLESS_PLATFORMS:
        return None
    wayland = env.get("WAYLAND_DISPLAY")
    if wayland:
        socket = wayland if os.path.isabs(wayland) else os.path.join(
            env.get("XDG_RUNTIME_DIR", ""), wayland)
        if os.path.exists(socket):
            return None
    x_display = env.get("DISPLAY")
    if x_display:
        local = _LOCAL_X.match(x_display)
        if local is None or os.path.exists(f"/tmp/.X11-unix/X{local.group(1)}"):
            return None
        return (f"no X server answers on DISPLAY={x_display} (it may have stopped). Start "
                "Riffle inside a running desktop session, or set QT_QPA_PLATFORM=offscreen "
                "to start without a screen.")
    if wayland:
        return (f"no Wayland compositor answers on WAYLAND_DISPLAY={wayland}. Start Riffle "
                "inside a running desktop session, or set QT_QPA_PLATFORM=offscreen.")
    return ("no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
            "Run it inside a desktop session, or set QT_QPA_PLATFORM=offscreen to start "
            "without a screen.")
