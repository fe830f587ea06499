"""The Playlists section's model: saved playlists, each with its entries beneath it.

Top-level rows are playlists (a smart one shows its query and has no rows beneath: its
tracks are whatever the query finds, shown in the table). A playlist's rows are its
entries: the track's artist and title as the library has them now, or, for an entry no
track matched, what its playlist file said, dimmed. Entries are dragged to reorder them
(or onto the queue: they carry track ids too), and tracks dragged in from the library are
added where they are dropped. The model writes nothing: it asks through its signals.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from player.formatting import artist_title
from player.store.playlists import Playlist, PlaylistEntry
from ui.library_model import TRACKS_MIME
from ui.plain_text import tooltip
from ui.queue_model import Describe
from ui.two_level_model import Index, TwoLevelModel

#: MIME type of dragged playlist entries: the playlist id, then entry ids, one a line.
ENTRIES_MIME = "application/x-riffle-playlist-entries"


@dataclass(frozen=True)
class PlaylistRow:
    """A playlist as the section shows it, with its entries (none for a smart one)."""

    playlist: Playlist
    entries: tuple[PlaylistEntry, ...] = ()


class PlaylistModel(TwoLevelModel):
    """Playlists and their entries, two levels deep."""

    rename_requested = Signal(int, str)  # playlist id, new name
    reorder_requested = Signal(int, list)  # playlist id, entry ids in their new order
    add_requested = Signal(int, list, int)  # playlist id, track ids, before entry number

    def __init__(self, describe: Describe, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._describe = describe
        self.rows: list[PlaylistRow] = []
        self._dim = QColor(128, 128, 128)
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- what the section calls ----------------------------------------------------------------

    def set_rows(self, rows: Sequence[PlaylistRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of_playlist(self, playlist_id: int) -> int | None:
        return next((n for n, r in enumerate(self.rows) if r.playlist.id == playlist_id), None)

    def playlist_at(self, index: Index) -> PlaylistRow | None:
        """The playlist of a row, or of the entry row beneath it."""
        if not index.isValid():
            return None
        parent = index.internalId()
        return self.rows[index.row() if parent == 0 else parent - 1]

    def entry_at(self, index: Index) -> PlaylistEntry | None:
        """The entry of an entry row (None for a playlist row)."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self.rows[index.internalId() - 1].entries[index.row()]

    def refresh_names(self) -> None:
        """The library was read again: entries show their tracks' names as they are now."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))
            for number, row in enumerate(self.rows):
                if row.entries:
                    parent = self.index(number, 0)
                    self.dataChanged.emit(self.index(0, 0, parent),
                                          self.index(len(row.entries) - 1, 0, parent))

    # -- the tree ------------------------------------------------------------------------------

    def top_count(self) -> int:
        return len(self.rows)

    def child_count(self, top_row: int) -> int:
        return len(self.rows[top_row].entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entry_at(index)
        if entry is None:
            return self._playlist_data(self.rows[index.row()].playlist, role)
        return self._entry_data(entry, role)

    def _playlist_data(self, playlist: Playlist, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole:
                return playlist.name
            return f"{playlist.name}  ⚙" if playlist.smart else \
                f"{playlist.name}  ({playlist.entries:,})"
        if role == Qt.ItemDataRole.ToolTipRole:
            if playlist.smart:
                return tooltip(f"{playlist.name}: smart playlist, every track that matches "
                               f"{playlist.query}")
            missing = (f", {playlist.unmatched:,} not found in the library"
                       if playlist.unmatched else "")
            return tooltip(f"{playlist.name}: {playlist.entries:,} entries{missing}")
        return None

    def _entry_data(self, entry: PlaylistEntry, role: int) -> Any:
        found = entry.track_id is not None
        if role == Qt.ItemDataRole.DisplayRole:
            if found:
                facts = self._describe(entry.track_id)  # type: ignore[arg-type]
                return artist_title(facts.artist, facts.title)
            text = entry.text
            if text.title:
                return artist_title(text.artist, text.title) if text.artist else text.title
            return os.path.basename((text.location or "?").replace("\\", "/"))
        if role == Qt.ItemDataRole.ToolTipRole and not found:
            return tooltip(f"Not found in the library: {entry.text.location or ''}")
        if role == Qt.ItemDataRole.ForegroundRole and not found:
            return self._dim
        if role == Qt.ItemDataRole.FontRole and not found:
            return self._italic
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.entry_at(index) is not None \
                or not index.isValid() or not str(value).strip():
            return False
        playlist = self.rows[index.row()].playlist
        if str(value).strip() != playlist.name:
            self.rename_requested.emit(playlist.id, str(value).strip())
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.entry_at(index) is not None:
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemNeverHasChildren
        playlist = self.rows[index.row()].playlist
        flags = base | Qt.ItemFlag.ItemIsEditable
        return flags if playlist.smart else flags | Qt.ItemFlag.ItemIsDropEnabled

    # -- dragging ------------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [ENTRIES_MIME, TRACKS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        entries = [(i.internalId() - 1, i.row()) for i in indexes
                   if i.isValid() and i.internalId() != 0]
        mime = QMimeData()
        if not entries:
            return mime
        owner = entries[0][0]
        chosen = sorted(row for parent, row in entries if parent == owner)
        picked = [self.rows[owner].entries[row] for row in chosen]
        mime.setData(ENTRIES_MIME, "\n".join(
            map(str, [self.rows[owner].playlist.id, *(e.id for e in picked)])).encode())
        mime.setData(TRACKS_MIME, "\n".join(
            str(e.track_id) for e in picked if e.track_id is not None).encode())
        return mime

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        target = self._drop_target(parent)
        return target is not None and not target.playlist.smart \
            and (data.hasFormat(ENTRIES_MIME) or data.hasFormat(TRACKS_MIME))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: Index) -> bool:
        """Entries of the same playlist move to *row*; tracks (from the library, the queue
        or another playlist) are added there."""
        target = self._drop_target(parent)
        if target is None or target.playlist.smart:
            return False
        if not parent.isValid() or parent.internalId() != 0:  # onto an entry: before it
            row = parent.row() if parent.isValid() else -1
        at = row if 0 <= row <= len(target.entries) else len(target.entries)
        if data.hasFormat(ENTRIES_MIME):
            numbers = _numbers(data.data(ENTRIES_MIME).data())
            if numbers and numbers[0] == target.playlist.id:
                moving = numbers[1:]
                order = [e.id for e in target.entries]
                before = [i for i in order[:at] if i not in moving]
                after = [i for i in order[at:] if i not in moving]
                self.reorder_requested.emit(target.playlist.id, before + moving + after)
                return False  # the write reorders; nothing to remove here
        if data.hasFormat(TRACKS_MIME):
            ids = _numbers(data.data(TRACKS_MIME).data())
            if ids:
                self.add_requested.emit(target.playlist.id, ids, at)
        return False

    def _drop_target(self, parent: Index) -> PlaylistRow | None:
        return self.playlist_at(parent) if parent.isValid() else None


def _numbers(raw: bytes) -> list[int]:
    return [int(x) for x in bytes(raw).decode().split() if x.strip().isdigit()]
