"""Finding libvlc: import python-vlc, check the libvlc under it, and say what is missing.

Kept apart from the engine (player/playback.py) that drives libvlc once it is found;
player.playback re-exports all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from player.errors import PlaybackError

#: The Debian/Ubuntu packages that provide libvlc and the plugins Riffle plays through.
APT_INSTALL = "apt-get install libvlc5 vlc-plugin-base"
#: The oldest libvlc whose API and events VlcBackend relies on.
MIN_LIBVLC = (3, 0)


def _parse_version(raw: Any) -> tuple[int, ...]:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    head = text.split()[0] if text.split() else ""
    parts = []
    for piece in head.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def load_vlc(importer: Callable[[], ModuleType] | None = None) -> ModuleType:
    """Import python-vlc and check the libvlc under it; returns the `vlc` module.

    Raises PlaybackError saying what is missing or too old and how to install it.
    *importer* replaces the import (tests use it to simulate a machine without libvlc).
    """

    def default_import() -> ModuleType:
        import vlc

        return vlc

    try:
        vlc = (importer or default_import)()
    except ImportError as exc:
        raise PlaybackError(
            f"The python-vlc package is missing ({exc}); reinstall Riffle with its "
            f"dependencies. Riffle also needs libvlc: {APT_INSTALL}"
        ) from exc
    except (OSError, NotImplementedError, SystemExit) as exc:
        raise PlaybackError(
            "libvlc, the library Riffle plays audio with, is not installed or cannot be "
            f"loaded ({exc or 'not found'}). Install it with: {APT_INSTALL}"
        ) from exc
    version = _parse_version(vlc.libvlc_get_version())
    if version < MIN_LIBVLC:
        shown = ".".join(map(str, version)) or "unknown"
        need = ".".join(map(str, MIN_LIBVLC))
        raise PlaybackError(
            f"libvlc {shown} is too old: Riffle needs libvlc {need} or newer. "
            f"Update it with: {APT_INSTALL}"
        )
    return vlc
