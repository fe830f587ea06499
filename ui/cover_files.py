"""Cover pictures as files, for the desktop: MPRIS's mpris:artUrl and a notification's
image want a file, not bytes. Found off the GUI thread (player.cover.find_cover), written
once into the cache folder under a name derived from the track's path."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from player.cover import find_cover
from ui.tasks import BackgroundWork, TaskContext

logger = logging.getLogger(__name__)

#: How many track → cover file answers are kept in memory.
KEEP = 64


def _extension(image: bytes) -> str:
    if image.startswith(b"\x89PNG"):
        return ".png"
    if image[:4] in (b"RIFF",) and image[8:12] == b"WEBP":
        return ".webp"
    return ".jpg"


def write_cover(folder: Path, track_path: str) -> Path | None:
    """The cover of *track_path* as a file in *folder* (written if not there yet); None
    when the track has no cover. Runs off the GUI thread."""
    image = find_cover(track_path)
    if not image:
        return None
    key = hashlib.sha1(os.fsencode(track_path) + hashlib.sha1(image).digest()).hexdigest()
    target = folder / f"{key[:24]}{_extension(image)}"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(image)
        partial.replace(target)
    return target


class CoverFiles:
    """Track path → cover file, found in the background and remembered."""

    def __init__(self, work: BackgroundWork, folder: Path) -> None:
        self._work = work
        self._folder = folder
        self._known: dict[str, Path | None] = {}
        self._waiting: dict[str, list[Callable[[Path | None], None]]] = {}

    def looked_up(self, track_path: str) -> bool:
        """Whether the cover of *track_path* was looked for (found or not)."""
        return track_path in self._known

    def known(self, track_path: str) -> Path | None:
        """The cover file of *track_path* if already found (None: none, or not yet)."""
        return self._known.get(track_path)

    def find(self, track_path: str, then: Callable[[Path | None], None]) -> None:
        """Find the cover file of *track_path*; *then* gets it on the GUI thread."""
        if track_path in self._known:
            then(self._known[track_path])
            return
        if track_path in self._waiting:  # already being looked for
            self._waiting[track_path].append(then)
            return
        self._waiting[track_path] = [then]

        def found(path: Path | None) -> None:
            self._known[track_path] = path
            while len(self._known) > KEEP:
                self._known.pop(next(iter(self._known)))
            for callback in self._waiting.pop(track_path, []):
                callback(path)

        def look(_ctx: TaskContext) -> Path | None:
            try:
                return write_cover(self._folder, track_path)
            except OSError as exc:
                logger.info("cannot write the cover of %s: %s", track_path, exc)
                return None

        self._work.run(look, on_result=found, name="cover file")
