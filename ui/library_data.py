"""The library as the table holds it: column lists, sort orders and a fast query filter.

Qt-free so it can be built on a worker thread and handed to the model in one piece. Rows
are kept as parallel lists (one list per column, row i across them) rather than one object
per track: 100,000 tracks cost a few tens of MB and filtering or sorting is a list
comprehension, not a Python call per row per repaint.

Filtering uses `player.query` itself: a text term's `needle` is looked for in a haystack
built once from the term's own getters (so "which fields a word searches" is decided by the
query module alone); other terms call `term.matches` on a light view of the row.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from player.albums import Album, group_albums
from player.formatting import cannot_play
from player.models import file_name
from player.query import Query, TextTerm
from player.store.listing import LISTING_COLUMNS
from ui.library_columns import COLUMN_TITLES, Column

__all__ = ["BROWSE_FIELDS", "COLUMN_TITLES", "Column", "LibraryData", "narrows"]

#: Browse filters from the side list and the album view: field name → what it compares.
#: "album_key" is one album as player.albums groups them (Album.key).
BROWSE_FIELDS = ("artist", "album", "genre", "album_key")

_SEPARATOR = "\x00"
_FIELD = {name: n for n, name in enumerate(LISTING_COLUMNS)}
#: Columns sorted as text (case-folded), as numbers, and those where 0 shows as nothing.
_TEXT_SORT = (Column.ARTIST, Column.ALBUM, Column.GENRE, Column.ALBUM_ARTIST,
              Column.FORMAT, Column.PATH)
_ZERO_IS_EMPTY = (Column.RATING, Column.PLAYS, Column.SKIPS)


class _RowView:
    """Looks like a Track to `player.query` terms, for one row at a time (no copies)."""

    __slots__ = ("_d", "i")

    def __init__(self, data: LibraryData) -> None:
        self._d = data
        self.i = 0

    @property
    def id(self) -> int:
        return self._d.ids[self.i]

    @property
    def path(self) -> str:
        return self._d.path(self.i)

    @property
    def title(self) -> str:
        return self._d.titles[self.i]

    @property
    def file_name(self) -> str:
        return self._d.file_name(self.i)

    display_title = title

    @property
    def artist(self) -> str | None:
        return self._d.artists[self.i]

    @property
    def albumartist(self) -> str | None:
        return self._d.albumartists[self.i]

    @property
    def album(self) -> str | None:
        return self._d.albums[self.i]

    @property
    def genre(self) -> str | None:
        return self._d.genres[self.i]

    @property
    def year(self) -> int | None:
        return self._d.years[self.i]

    @property
    def duration(self) -> float | None:
        return self._d.durations[self.i]

    @property
    def rating(self) -> int | None:
        return self._d.ratings[self.i]

    @property
    def play_count(self) -> int:
        return self._d.plays[self.i]

    @property
    def skip_count(self) -> int:
        return self._d.skips[self.i]

    @property
    def last_played(self) -> float | None:
        return self._d.last_played[self.i]


class LibraryData:
    """Every listed track of the library as parallel column lists, in library order, and
    the albums they make (player.albums)."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        """Build from `player.store.listing.library_rows` tuples."""
        f = _FIELD
        shared: dict[str, str] = {}
        numbers: dict[int, int] = {}

        def share(text: str | None) -> str | None:
            return None if text is None else shared.setdefault(text, text)

        def share_number(value: int | None) -> int | None:
            return None if value is None else numbers.setdefault(value, value)

        self.ids: list[int] = []
        # a path is kept as its folder (shared by the tracks of an album) and its name
        self._folders: list[str] = []
        self._names: list[str] = []
        self.titles: list[str] = []
        self.artists: list[str | None] = []
        self.albumartists: list[str | None] = []
        self.albums: list[str | None] = []
        self.genres: list[str | None] = []
        self.years: list[int | None] = []
        self.durations: list[float | None] = []
        self.track_numbers: list[int | None] = []
        self.disc_numbers: list[int | None] = []
        self.codecs: list[str | None] = []
        self.bitrates: list[int | None] = []
        self.added: list[float | None] = []
        self.ratings: list[int | None] = []
        self.plays: list[int] = []
        self.skips: list[int] = []
        self.last_played: list[float | None] = []
        self.missing: list[bool] = []
        self.errors: list[str | None] = []
        for row in rows:
            path = row[f["path"]]
            self.ids.append(row[f["id"]])
            folder, name = os.path.split(path)
            self._folders.append(shared.setdefault(folder, folder))
            self._names.append(name)
            self.titles.append(row[f["title"]]
                               or os.path.splitext(os.path.basename(path))[0] or path)
            self.artists.append(share(row[f["artist"]]))
            self.albumartists.append(share(row[f["albumartist"]]))
            self.albums.append(share(row[f["album"]]))
            self.genres.append(share(row[f["genre"]]))
            self.years.append(share_number(row[f["year"]]))
            self.durations.append(row[f["duration"]])
            self.track_numbers.append(share_number(row[f["track_number"]]))
            self.disc_numbers.append(share_number(row[f["disc_number"]]))
            self.codecs.append(share(row[f["codec"]]))
            self.bitrates.append(share_number(row[f["bitrate"]]))
            self.added.append(row[f["added_at"]])
            self.ratings.append(row[f["rating"]])
            self.plays.append(row[f["play_count"]] or 0)
            self.skips.append(row[f["skip_count"]] or 0)
            self.last_played.append(row[f["last_played"]])
            self.missing.append(row[f["missing_since"]] is not None)
            play_error = row[f["play_error"]]
            self.errors.append(cannot_play(play_error) if play_error else row[f["damage"]])
        # track id → row through two sorted arrays (a dict of 100k ids costs ~8 MB)
        by_id = sorted(range(len(self.ids)), key=self.ids.__getitem__)
        self._sorted_ids = array("q", (self.ids[i] for i in by_id))
        self._rows_by_id = array("i", by_id)
        album_of, self.album_list = group_albums(
            zip(self.albums, self.albumartists, self.artists, self._folders, strict=True))
        #: Per row, the index of its album in album_list (-1: the track names no album).
        self.album_of = array("i", album_of)
        #: Album.key of each album of album_list, worked out once.
        self.album_keys = [album.key for album in self.album_list]
        self._shelf: list[int] | None = None
        self._haystacks: dict[tuple[str, ...], list[str]] = {}
        self._orders: dict[tuple[int, bool], array[int]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, track_id: int) -> int | None:
        """The row of a track id, None when the library has no such track."""
        j = bisect_left(self._sorted_ids, track_id)
        if j < len(self._sorted_ids) and self._sorted_ids[j] == track_id:
            return self._rows_by_id[j]
        return None

    def path(self, row: int) -> str:
        """The file of row *row*."""
        return os.path.join(self._folders[row], self._names[row])

    def file_name(self, row: int) -> str:
        """The name of row *row*'s file as text (player.models.file_name)."""
        name = self._names[row]
        return name if name.isascii() else file_name(name)

    def album(self, row: int) -> Album | None:
        """The album of row *row* (None: its track names no album)."""
        index = self.album_of[row]
        return self.album_list[index] if index >= 0 else None

    def album_artist(self, row: int) -> str | None:
        """Whose album row *row*'s track is on (player.albums), None without an album."""
        index = self.album_of[row]
        return self.album_list[index].artist if index >= 0 else None

    def album_index(self, key: str) -> int | None:
        """The index in album_list of the album with Album.key *key*, None when none."""
        try:
            return self.album_keys.index(key)
        except ValueError:
            return None

    def album_rows(self, index: int) -> list[int]:
        """The rows of album *index* in the order it plays: disc, track number, file name
        (not library order, which puts a compilation's tracks by artist)."""
        of = self.album_of
        rows = [i for i in range(len(of)) if of[i] == index]
        discs, numbers, names = self.disc_numbers, self.track_numbers, self._names
        return sorted(rows, key=lambda i: (discs[i] or 0, numbers[i] or 0, names[i]))

    # -- changes in place --------------------------------------------------------------------

    def set_rating(self, track_id: int, stars: int | None) -> int | None:
        """Record a new rating; returns the row, or None for a track not listed."""
        row = self.row_of(track_id)
        if row is not None:
            self.ratings[row] = stars or None
            self._forget_orders(Column.RATING)
        return row

    def set_stats(self, track_id: int, plays: int, skips: int,
                  last_played: float | None) -> int | None:
        row = self.row_of(track_id)
        if row is not None:
            self.plays[row], self.skips[row], self.last_played[row] = plays, skips, last_played
            self._forget_orders(Column.PLAYS, Column.SKIPS, Column.LAST_PLAYED)
        return row

    def _forget_orders(self, *columns: Column) -> None:
        for key in [k for k in self._orders if k[0] in columns]:
            del self._orders[key]

    # -- sorting -----------------------------------------------------------------------------

    def order(self, column: int, descending: bool = False) -> Sequence[int]:
        """Row numbers sorted by *column*; ties keep library order (artist, album, track),
        and rows where the column is empty come last whichever the direction.

        Kept as compact arrays (4 bytes a row rather than a list's 36)."""
        key = (int(column), descending)
        cached = self._orders.get(key)
        if cached is None:
            keys, empty = self._sort_keys(Column(column))
            rows = range(len(self.ids))
            filled = [i for i in rows if not empty[i]] if empty is not None else list(rows)
            filled.sort(key=keys.__getitem__, reverse=descending)  # stable either way
            cached = array("i", filled)
            if empty is not None:
                cached.extend(i for i in rows if empty[i])
            self._orders[key] = cached
        return cached

    def warm_up(self) -> None:
        """Compute what the first keystroke and the first sort would otherwise pay for."""
        from player.query import parse

        for term in parse("x artist:x").terms:  # free words and the most used field
            if isinstance(term, TextTerm):
                self._haystack(term)
        for column in (Column.TITLE, Column.ARTIST, Column.ALBUM):
            self.order(column)

    def column_values(self, column: Column) -> Sequence[Any]:
        """What *column* holds for every row (text, numbers or None), as it sorts."""
        values: dict[Column, Sequence[Any]] = {
            Column.TITLE: self.titles, Column.ARTIST: self.artists, Column.ALBUM: self.albums,
            Column.GENRE: self.genres, Column.YEAR: self.years,
            Column.DURATION: self.durations, Column.TRACK: self.track_numbers,
            Column.DISC: self.disc_numbers, Column.FORMAT: self.codecs,
            Column.BITRATE: self.bitrates, Column.ADDED: self.added,
            Column.RATING: self.ratings, Column.PLAYS: self.plays, Column.SKIPS: self.skips,
            Column.LAST_PLAYED: self.last_played,
        }
        if column == Column.ALBUM_ARTIST:
            return [self.album_artist(i) for i in range(len(self.ids))]
        if column == Column.PATH:
            return [self.path(i) for i in range(len(self.ids))]
        if column in values:
            return values[column]
        return [None] * len(self.ids)  # the similar-tracks columns live in the model

    def _sort_keys(self, column: Column) -> tuple[Sequence[Any], list[bool] | None]:
        """Per row, what it sorts by, and whether it is empty (None: never empty)."""
        values = self.column_values(column)
        if column == Column.TITLE:
            return [t.casefold() for t in self.titles], None
        if column in _TEXT_SORT:
            folded: dict[str | None, str] = {}
            keys = [folded.get(v) or folded.setdefault(v, (v or "").casefold())
                    for v in values]
            return keys, [not v for v in values]
        if column in _ZERO_IS_EMPTY:
            return values, [not v for v in values]
        return values, [v is None for v in values]

    # -- filtering ---------------------------------------------------------------------------

    def filter(self, query: Query, rows: Sequence[int],
               browse: Sequence[tuple[str, str]] = ()) -> Sequence[int]:
        """The rows of *rows* (kept in their order) that match *query* and the browse pick.

        *browse* holds (field, value) pairs from the side list, field one of BROWSE_FIELDS,
        each matching the whole value (a genre matches one of the track's genres).
        """
        for field, value in browse:
            rows = self._browse(rows, field, value)
        view = _RowView(self)
        for term in query.terms:
            if isinstance(term, TextTerm) and _SEPARATOR not in term.needle:
                hay, needle = self._haystack(term), term.needle
                rows = [i for i in rows if needle in hay[i]]
            else:
                rows = [i for i in rows if _matches_at(view, i, term.matches)]
        return rows

    def _browse(self, rows: Sequence[int], field: str, value: str) -> list[int]:
        if field == "artist":
            artists, albumartists = self.artists, self.albumartists
            return [i for i in rows if artists[i] == value or albumartists[i] == value]
        if field == "album":
            albums = self.albums
            return [i for i in rows if albums[i] == value]
        if field == "genre":
            genres = self.genres
            return [i for i in rows if (g := genres[i]) is not None
                    and (g == value or value in g.split(" / "))]
        if field == "album_key":
            of, wanted = self.album_of, self.album_index(value)
            return [i for i in rows if of[i] == wanted] if wanted is not None else []
        raise ValueError(f"cannot browse by {field!r}")

    def _haystack(self, term: TextTerm) -> list[str]:
        """Per row, the case-folded values this term's getters read, joined."""
        hay = self._haystacks.get(term.columns)
        if hay is None:
            view = _RowView(self)
            getters = term.getters
            hay = []
            for i in range(len(self.ids)):
                view.i = i
                hay.append(_SEPARATOR.join((g(view) or "")  # type: ignore[arg-type]
                                           for g in getters).casefold())
            self._haystacks[term.columns] = hay
        return hay

    # -- browsing ----------------------------------------------------------------------------

    def distinct(self, field: str) -> dict[str, int]:
        """Value → number of tracks, for the side list (genres split into single ones)."""
        counts: dict[str, int] = {}
        if field == "genre":
            for g in self.genres:
                if g:
                    for one in g.split(" / "):
                        counts[one] = counts.get(one, 0) + 1
            return counts
        values = self.artists if field == "artist" else self.albums
        for v in values:
            if v:
                counts[v] = counts.get(v, 0) + 1
        return counts

    def albums_in(self, rows: Iterable[int]) -> list[int]:
        """The albums (indices into album_list) that the given rows belong to, in shelf
        order: by album artist, then title, ignoring case."""
        of = self.album_of
        found = {of[i] for i in rows}
        if self._shelf is None:  # sorted once; each filter only picks from it
            albums = self.album_list
            self._shelf = sorted(range(len(albums)), key=lambda n: (
                albums[n].artist.casefold(), albums[n].title.casefold()))
        if len(found) > len(self.album_list) // 2:
            return [n for n in self._shelf if n in found]
        rank = {n: r for r, n in enumerate(self._shelf)} if found else {}
        return sorted((n for n in found if n >= 0), key=rank.__getitem__)

    def albums_by_artist(self) -> dict[str, dict[str, int]]:
        """Artist → album → number of tracks (album artist preferred), for the side tree."""
        tree: dict[str, dict[str, int]] = {}
        for artist, albumartist, album in zip(self.artists, self.albumartists, self.albums,
                                              strict=True):
            who = albumartist or artist
            if not who:
                continue
            albums = tree.setdefault(who, {})
            if album:
                albums[album] = albums.get(album, 0) + 1
        return tree


def narrows(old: Query, new: Query) -> bool:
    """True when every track *new* matches is sure to match *old* too (typing on).

    Terms must all match, so adding terms narrows; and a text term matches by substring,
    so the same term with a needle that contains the old one narrows too.
    """
    if len(new.terms) < len(old.terms):
        return False
    for before, after in zip(old.terms, new.terms, strict=False):
        if before == after:
            continue
        if not (isinstance(before, TextTerm) and isinstance(after, TextTerm)
                and before.columns == after.columns and before.needle in after.needle):
            return False
    return True


def _matches_at(view: _RowView, i: int, matches: Callable[[Any], bool]) -> bool:
    view.i = i
    return matches(view)
