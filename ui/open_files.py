"""Files and folders handed to the window (a second `riffle FILE...`, a drop, MPRIS's
OpenUri): found in the library, or read into it first, then queued or played now.

Resolving runs off the GUI thread: a file the library does not know yet (or a folder) is
scanned with the library scanner, then the tracks are taken in path order, playable ones
only. What cannot be played is said once, in the status line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from player.changes import Changes
from player.library import Scanner
from player.tags import AUDIO_EXTENSIONS
from ui.tasks import BackgroundWork, TaskContext

logger = logging.getLogger(__name__)


@dataclass
class Resolved:
    """Track ids for the paths asked, in order, and the paths that gave none."""

    ids: list[int] = field(default_factory=list)
    unplayable: list[str] = field(default_factory=list)
    scanned: bool = False  # the library changed (new files were read)


def _is_audio(path: str) -> bool:
    return path.lower().endswith(tuple(AUDIO_EXTENSIONS))


def resolve_paths(ctx: TaskContext, paths: list[str]) -> Resolved:
    """Track ids for *paths* (files and folders); unknown or changed files are scanned
    first (their folder for a folder, the file's folder for a file)."""
    store = ctx.store
    out = Resolved()
    to_scan: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            to_scan.append(path)
        elif os.path.isfile(path):
            known = store.tracks.by_path(path)
            stat = os.stat(path)
            if known is None or (known.mtime_ns, known.size) != (stat.st_mtime_ns,
                                                                 stat.st_size):
                to_scan.append(os.path.dirname(path))
    if to_scan:
        Scanner(store).scan(sorted(set(to_scan)), cancel=ctx.cancel_event)
        out.scanned = True
    for path in paths:
        if os.path.isdir(path):
            states = store.tracks.file_states(under=path)
            found = [s.id for p, s in sorted(states.items())
                     if s.missing_since is None and not s.scan_error]
            if not found:
                out.unplayable.append(path)
            out.ids.extend(found)
            continue
        track = store.tracks.by_path(path) if _is_audio(path) or os.path.isfile(path) \
            else None
        if track is None or track.id is None or track.scan_error or track.missing:
            out.unplayable.append(path)
        else:
            out.ids.append(track.id)
    return out


class FileOpener(QObject):
    """Queues or plays what it is handed; `opened` says how many tracks it took."""

    opened = Signal(int)

    def __init__(self, work: BackgroundWork, play_now: Callable[[list[int]], None],
                 enqueue: Callable[[list[int], bool], None],
                 say: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._play_now = play_now
        self._enqueue = enqueue
        self._say = say

    def open(self, paths: list[str], play: bool = False) -> None:
        """Queue *paths* (files or folders) after what is queued, or play them now."""
        if not paths:
            return
        self._work.run(lambda ctx: resolve_paths(ctx, list(paths)),
                       on_result=lambda r: self._resolved(r, play), name="open files")

    def _resolved(self, result: Resolved, play: bool) -> None:
        if result.scanned:  # files were read into the library: say so, as a scan does
            self._work.hub.publish(Changes(tracks=True))
        if result.unplayable:
            shown = ", ".join(os.path.basename(p.rstrip(os.sep)) for p in result.unplayable[:3])
            more = len(result.unplayable) - 3
            self._say(f"Cannot play {shown}" + (f" and {more} more" if more > 0 else "")
                      + ": not an audio file Riffle can read.")
        if result.ids:
            if play:
                self._play_now(result.ids)
            else:
                self._enqueue(result.ids, False)
        self.opened.emit(len(result.ids))
