"""ui/library_columns.py: the columns fill the width, title and artist take the slack."""

from __future__ import annotations

from ui.library_columns import LOOKS, Column, ColumnLook, fit_widths

SHOWN = {c: look for c, look in LOOKS.items() if look.shown and c is not Column.RATING}
SHOWN[Column.RATING] = ColumnLook("Rating", 91, 91, shown=True)


def test_room_to_spare_goes_mostly_to_title_and_artist() -> None:
    wanted = sum(look.width for look in SHOWN.values())
    widths = fit_widths(SHOWN, wanted + 900)
    assert sum(widths.values()) == wanted + 900
    grown = {c: widths[c] - SHOWN[c].width for c in SHOWN}
    assert grown[Column.TITLE] > grown[Column.ARTIST] > grown[Column.ALBUM] > 0
    assert grown[Column.YEAR] == grown[Column.RATING] == grown[Column.PLAYS] == 0


def test_too_little_room_narrows_what_can_give_way_and_nothing_below_its_least() -> None:
    least = sum(look.least for look in SHOWN.values())
    for room in (least, least + 37, 600, 700):
        widths = fit_widths(SHOWN, room)
        assert sum(widths.values()) == room
        assert all(widths[c] >= SHOWN[c].least for c in SHOWN)
        assert widths[Column.RATING] == 91  # the stars never shrink


def test_below_every_least_width_the_columns_keep_their_least() -> None:
    least = sum(look.least for look in SHOWN.values())
    widths = fit_widths(SHOWN, least - 50)
    assert widths == {c: look.least for c, look in SHOWN.items()}
