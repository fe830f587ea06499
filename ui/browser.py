"""The side list: browse the library by artist (with their albums), album or genre.

A pick narrows the table to (field, value) pairs; "All" clears it. The lists are built
from the table's `LibraryData`, so they always agree with what the table can show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.library_data import LibraryData
from ui.plain_text import tooltip
from ui.two_level_model import Index, TwoLevelModel

_TABS = ("Artists", "Albums", "Genres")


@dataclass
class Entry:
    """One line of the side list: what it shows and the table filter it stands for."""

    text: str
    count: int
    picks: list[tuple[str, str]]
    label: str
    children: list[Entry] = field(default_factory=list)


class BrowseModel(TwoLevelModel):
    """Top-level entries with at most one level of children (artist → albums)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def entry(self, index: Index) -> Entry | None:
        if not index.isValid():
            return None
        parent = index.internalId()
        if parent == 0:
            return self.entries[index.row()]
        return self.entries[parent - 1].children[index.row()]

    def top_count(self) -> int:
        return len(self.entries)

    def child_count(self, top_row: int) -> int:
        return len(self.entries[top_row].children)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index)
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{entry.text}  ({entry.count:,})" if entry.count else entry.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(f"{entry.text}: {entry.count:,} tracks" if entry.count
                           else entry.text)
        return None




class BrowserPanel(QWidget):
    """Artists, albums and genres of the library; a click narrows the table."""

    picked = Signal(list, str)  # (field, value) pairs, a label for them ('' = everything)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data: LibraryData | None = None
        self._built = -1
        self.tabs = QButtonGroup(self)
        self.tabs.setExclusive(True)
        tab_row = QHBoxLayout()
        tab_row.setSpacing(0)
        for number, name in enumerate(_TABS):
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setObjectName("segment")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.tabs.addButton(button, number)
            tab_row.addWidget(button)
        self.tabs.button(0).setChecked(True)
        self.tabs.idToggled.connect(lambda number, on: on and self._tab_changed(number))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find in the side list")
        self.items = BrowseModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.items)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(tab_row)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)

    def set_library(self, data: LibraryData) -> None:
        """Show the lists of a newly read library (built when their tab is shown)."""
        self._data = data
        self._built = -1
        if self.isVisible():
            self._build(self.current_tab())

    def current_tab(self) -> int:
        return max(0, self.tabs.checkedId())

    def set_current_tab(self, index: int) -> None:
        self.tabs.button(max(0, min(len(_TABS) - 1, index))).setChecked(True)

    def clear_pick(self) -> None:
        """Go back to the whole library."""
        self.tree.setCurrentIndex(self.proxy.index(0, 0))

    def showEvent(self, event: object) -> None:
        if self._built != self.current_tab():
            self._build(self.current_tab())

    def _tab_changed(self, index: int) -> None:
        self._build(index)
        self.picked.emit([], "")

    def _build(self, tab: int) -> None:
        self._built = tab
        self.items.set_entries(self._entries(tab) if self._data is not None else [])

    def _entries(self, tab: int) -> list[Entry]:
        data = self._data
        assert data is not None
        if tab == 0:
            tree = data.albums_by_artist()
            entries = [Entry(f"All artists ({len(tree):,})", 0, [], "")]
            for artist in sorted(tree, key=str.casefold):
                albums = tree[artist]
                entries.append(Entry(artist, sum(albums.values()), [("artist", artist)], artist,
                                     [Entry(album, albums[album],
                                            [("artist", artist), ("album", album)],
                                            f"{artist} — {album}")
                                      for album in sorted(albums, key=str.casefold)]))
            return entries
        if tab == 1:  # albums as player.albums groups them (a compilation is one)
            albums = sorted(data.album_list, key=lambda a: (a.title.casefold(),
                                                             a.artist.casefold()))
            entries = [Entry(f"All albums ({len(albums):,})", 0, [], "")]
            entries.extend(Entry(f"{a.title} — {a.artist}", a.tracks, [("album_key", a.key)],
                                 f"{a.title} — {a.artist}") for a in albums)
            return entries
        genres = data.distinct("genre")
        entries = [Entry(f"All genres ({len(genres):,})", 0, [], "")]
        entries.extend(Entry(genre, genres[genre], [("genre", genre)], genre)
                       for genre in sorted(genres, key=str.casefold))
        return entries

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        entry = self.items.entry(self.proxy.mapToSource(current))
        if entry is not None:
            self.picked.emit(entry.picks, entry.label)
