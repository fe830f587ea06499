"""Album covers as small pictures for the album view, found and scaled off the GUI thread.

A cover is asked for when its album is painted. The request waits in a short line (the
newest first: what is on screen now); one background task at a time (BackgroundWork.run)
takes a batch, reads each cover (player.cover.find_cover), scales it to a thumbnail and
keeps it in the cache folder, so the next start reads a few kilobytes instead of decoding
the picture in the file again. The GUI thread only turns the finished QImages into
pixmaps, and keeps the most recent ones in memory.

A thumbnail on disk is named after the track file and its size and modification time, so
a re-tagged file gets a new one. An album without a cover is remembered as such (an empty
file), so it is not looked for at every start.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from player.cover import find_cover
from ui.tasks import BackgroundWork, TaskContext

logger = logging.getLogger(__name__)

#: Thumbnails kept in memory (each about 90 kB at 150×150 pixels).
KEEP = 400
#: Covers asked for but not yet looked at, at most (the oldest are dropped: scrolled past).
WAITING = 120
#: Covers read by one background task.
BATCH = 8
#: JPEG quality of the thumbnails on disk.
QUALITY = 88


def thumbnail_name(track_path: str, size: int) -> str | None:
    """The file name of the thumbnail of *track_path*'s cover at *size* pixels (None when
    the file cannot be looked at): the path, its size and modification time, hashed."""
    try:
        facts = os.stat(track_path)
    except OSError:
        return None
    key = os.fsencode(track_path) + f"\0{facts.st_size}\0{facts.st_mtime_ns}\0{size}".encode()
    return hashlib.sha1(key).hexdigest()[:32]


def load_thumbnail(folder: Path, track_path: str, size: int) -> QImage | None:
    """The cover of *track_path* scaled to fill *size*×*size* pixels, from the cache folder
    or made now (and kept there); None when the track has no cover. Runs off the GUI
    thread (QImage, unlike QPixmap, may be used there)."""
    name = thumbnail_name(track_path, size)
    cached = folder / f"{name}.jpg" if name else None
    none = folder / f"{name}.none" if name else None
    if cached is not None and none is not None:
        if none.exists():
            return None
        if cached.exists():
            image = QImage(str(cached))
            if not image.isNull():
                return image
    data = find_cover(track_path)
    image = QImage()
    if not data or not image.loadFromData(data):
        _keep(none, None)
        return None
    image = image.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                         Qt.TransformationMode.SmoothTransformation)
    if image.width() != image.height():  # the middle square
        side = min(image.width(), image.height())
        image = image.copy((image.width() - side) // 2, (image.height() - side) // 2,
                           side, side)
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    _keep(cached, image)
    return image


def _keep(target: Path | None, image: QImage | None) -> None:
    """Write a thumbnail (or the mark of an album without a cover) into the cache folder;
    a folder that cannot be written only costs the next start some time."""
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        if image is None:
            partial.write_bytes(b"")
        elif not image.save(str(partial), "JPG", QUALITY):
            return
        partial.replace(target)
    except OSError as exc:
        logger.debug("cannot keep a thumbnail in %s: %s", target.parent, exc)


class CoverThumbnails(QObject):
    """Album key → its cover as a pixmap, loaded in the background when first asked for."""

    #: The cover of an album arrived (or was found to be missing): repaint it.
    arrived = Signal(str)

    def __init__(self, work: BackgroundWork, folder: Path, size: int = 150,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._folder = folder
        self.size = size
        self._pixmaps: OrderedDict[str, QPixmap | None] = OrderedDict()
        self._waiting: OrderedDict[str, str] = OrderedDict()  # album key → track path
        self._busy = False
        self.loaded = 0  # covers read so far (for the benchmark and tests)

    def pixmap(self, album: str, track_path: str) -> QPixmap | None:
        """The cover of *album* (whose track *track_path* is read for it) if it is in
        memory; else None, and it is asked for (arrived says when it is here)."""
        if album in self._pixmaps:
            self._pixmaps.move_to_end(album)
            return self._pixmaps[album]
        self._waiting[album] = track_path
        self._waiting.move_to_end(album)
        while len(self._waiting) > WAITING:
            self._waiting.popitem(last=False)
        self._next()
        return None

    def known(self, album: str) -> bool:
        """Whether *album*'s cover was looked for (found or not) and is still in memory."""
        return album in self._pixmaps

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def forget(self) -> None:
        """Drop what waits and what is in memory (the library was read again)."""
        self._waiting.clear()
        self._pixmaps.clear()

    def _next(self) -> None:
        if self._busy or not self._waiting:
            return
        batch = []
        while self._waiting and len(batch) < BATCH:
            batch.append(self._waiting.popitem(last=True))  # the newest: on screen now
        self._busy = True
        folder, size = self._folder, self.size

        def load(ctx: TaskContext) -> list[tuple[str, QImage | None]]:
            found = []
            for album, path in batch:
                if ctx.cancelled():
                    break
                try:
                    found.append((album, load_thumbnail(folder, path, size)))
                except Exception:  # one bad picture must not stop the others
                    logger.exception("cannot make the cover thumbnail of %s", path)
                    found.append((album, None))
            return found

        task = self._work.run(load, on_result=self._arrived, name="album covers")
        task.finished.connect(self._done)

    def _arrived(self, found: list[tuple[str, QImage | None]]) -> None:
        for album, image in found:
            self._pixmaps[album] = QPixmap.fromImage(image) if image is not None else None
            self._pixmaps.move_to_end(album)
            self.loaded += 1
        while len(self._pixmaps) > KEEP:
            self._pixmaps.popitem(last=False)
        for album, _image in found:
            self.arrived.emit(album)

    def _done(self) -> None:
        self._busy = False
        self._next()
