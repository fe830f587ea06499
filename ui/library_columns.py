"""The library table's columns: their order, titles, which show at first, and their widths.

Qt-free like library_data.py, which sorts by them. The enum's order is the order the
columns stand in at first (a person may move them); the optional ones start hidden and are
offered in the header's menu. Distance and Shared fill only while the table lists the
tracks that sound like one (they show then, and hide after).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Column(IntEnum):
    """The table's columns, in their first order."""

    TITLE = 0
    ARTIST = 1
    ALBUM = 2
    ALBUM_ARTIST = 3
    TRACK = 4
    DISC = 5
    YEAR = 6
    GENRE = 7
    DURATION = 8
    RATING = 9
    PLAYS = 10
    SKIPS = 11
    LAST_PLAYED = 12
    ADDED = 13
    FORMAT = 14
    BITRATE = 15
    PATH = 16
    DISTANCE = 17
    SHARED = 18


@dataclass(frozen=True)
class ColumnLook:
    """How a column shows: its *title*, its *width* in pixels when the table has room,
    the narrowest it gets when it has not (*least*), its *share* of the room left over
    (title and artist take most), whether it is *numeric* (right-aligned) and whether it
    shows before a person asks for it (*shown*)."""

    title: str
    width: int
    least: int
    share: int = 0
    numeric: bool = False
    shown: bool = False


LOOKS: dict[Column, ColumnLook] = {
    Column.TITLE: ColumnLook("Title", 136, 80, share=5, shown=True),
    Column.ARTIST: ColumnLook("Artist", 108, 64, share=4, shown=True),
    Column.ALBUM: ColumnLook("Album", 100, 56, share=2, shown=True),
    Column.ALBUM_ARTIST: ColumnLook("Album artist", 110, 60, share=1),
    Column.TRACK: ColumnLook("#", 34, 28, numeric=True),
    Column.DISC: ColumnLook("Disc", 38, 32, numeric=True),
    Column.YEAR: ColumnLook("Year", 46, 40, numeric=True, shown=True),
    Column.GENRE: ColumnLook("Genre", 72, 48, share=1, shown=True),
    Column.DURATION: ColumnLook("Time", 50, 44, numeric=True, shown=True),
    Column.RATING: ColumnLook("Rating", 0, 0, shown=True),  # the stars' width, set by the view
    Column.PLAYS: ColumnLook("Plays", 46, 40, numeric=True, shown=True),
    Column.SKIPS: ColumnLook("Skips", 46, 40, numeric=True),
    Column.LAST_PLAYED: ColumnLook("Last played", 84, 66, shown=True),
    Column.ADDED: ColumnLook("Added", 84, 70),
    Column.FORMAT: ColumnLook("Format", 64, 46),
    Column.BITRATE: ColumnLook("Bitrate", 74, 60, numeric=True),
    Column.PATH: ColumnLook("File", 200, 80, share=2),
    Column.DISTANCE: ColumnLook("Distance", 66, 56, numeric=True),
    Column.SHARED: ColumnLook("Sounds alike in", 170, 90, share=2),
}

#: Columns that fill only for a list of similar tracks.
SIMILAR_COLUMNS = (Column.DISTANCE, Column.SHARED)
#: Columns a person may show or hide from the header's menu (the title always shows).
OPTIONAL_COLUMNS = tuple(c for c in Column if c is not Column.TITLE
                         and c not in SIMILAR_COLUMNS)
COLUMN_TITLES = {column: look.title for column, look in LOOKS.items()}
NUMERIC_COLUMNS = frozenset(c for c, look in LOOKS.items() if look.numeric)


def fit_widths(looks: dict[Column, ColumnLook], room: int) -> dict[Column, int]:
    """Widths for the *looks* of the shown columns so that together they take *room*
    pixels: each its width and a share of what is left; when there is too little room,
    the columns that can give way narrow towards their least width, in proportion to what
    they can give, before anything is cut off."""
    wanted = sum(look.width for look in looks.values())
    if room >= wanted:
        spare = room - wanted
        shares = sum(look.share for look in looks.values())
        widths = {c: look.width + (spare * look.share // shares if shares else 0)
                  for c, look in looks.items()}
        if shares:  # the rounding's remainder goes to the first column that shares
            first = next(c for c, look in looks.items() if look.share)
            widths[first] += room - sum(widths.values())
        return widths
    give = {c: look.width - look.least for c, look in looks.items()}
    can_give = sum(give.values())
    short = wanted - room
    if can_give <= 0:
        return {c: look.width for c, look in looks.items()}
    taken = min(short, can_give)
    widths = {c: look.width - (taken * give[c] // can_give) for c, look in looks.items()}
    over = sum(widths.values()) - max(room, wanted - can_give)
    for c in sorted(widths, key=lambda c: -give[c]):  # the rounding's remainder
        if over <= 0:
            break
        step = min(over, widths[c] - looks[c].least)
        widths[c] -= step
        over -= step
    return widths
