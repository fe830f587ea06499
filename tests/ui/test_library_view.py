"""The library panel in the real window: columns that fit, picks that give way, sorting
with empty values last, and an empty table that says why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import QPoint, Qt

from player.models import Track
from player.store import Store
from ui.library_columns import LOOKS, Column
from ui.library_view import READING


def _big_library(db_path: Path, count: int = 200) -> None:
    """*count* listed tracks (no audio files: the table only reads the database), a few
    without a year or an artist."""
    store = Store.open(db_path)
    try:
        with store.db.transaction():
            for n in range(count):
                store.tracks.upsert(Track(
                    path=f"/music/Band {n % 7}/Album {n % 13}/{n:03d} Song number {n}.flac",
                    title=f"Song number {n} with a title long enough to need room",
                    artists=(f"Band {n % 7} and the long-named orchestra",) if n % 9 else (),
                    album=f"Album {n % 13} of many", genres=("Rock",),
                    year=None if n % 5 == 0 else 1960 + n % 50, duration=200.0 + n,
                    mtime_ns=1, size=1))
    finally:
        store.close()


def _header_fits(rig: Rig) -> None:
    table = rig.window.library.table
    header = table.horizontalHeader()
    shown = [c for c in Column if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= table.viewport().width()
    for column in shown:  # every column, Rating, Plays and Last played too, is on screen
        assert header.sectionViewportPosition(column) + header.sectionSize(column) \
            <= table.viewport().width()
    assert not table.horizontalScrollBar().isVisible()


def test_columns_fit_1024_by_600_with_the_vertical_scroll_bar(
        make_window: Callable[..., Rig], db_path: Path, qtbot: QtBot) -> None:
    _big_library(db_path)
    rig = make_window(size=(1024, 600))
    w = rig.window
    qtbot.waitUntil(lambda: w.model.rowCount() == 200, timeout=10_000)
    table = w.library.table
    qtbot.waitUntil(lambda: table.verticalScrollBar().isVisible(), timeout=5000)
    qtbot.wait(50)
    _header_fits(rig)
    header = table.horizontalHeader()
    assert {Column.RATING, Column.PLAYS, Column.LAST_PLAYED} <= {
        c for c in Column if not header.isSectionHidden(c)}
    # title and artist take the slack when the window grows
    before = {c: header.sectionSize(c) for c in Column}
    w.resize(1200, 760)
    qtbot.waitUntil(lambda: header.sectionSize(Column.TITLE) > before[Column.TITLE],
                    timeout=5000)
    _header_fits(rig)
    grown = {c: header.sectionSize(c) - before[c] for c in Column}
    assert grown[Column.TITLE] >= grown[Column.ARTIST] > grown[Column.GENRE]
    for column in (Column.YEAR, Column.PLAYS, Column.DURATION):  # no more than they need
        assert header.sectionSize(column) == LOOKS[column].width
    # an optional column shown from the header's menu still fits
    table.show_column(Column.SKIPS, True)
    _header_fits(rig)
    assert header.sectionViewportPosition(Column.SKIPS) == \
        header.sectionViewportPosition(Column.PLAYS) + header.sectionSize(Column.PLAYS)


def test_a_long_side_list_pick_is_elided_and_never_squashes_the_filter(
        make_window: Callable[..., Rig], db_path: Path, qtbot: QtBot) -> None:
    _big_library(db_path, count=20)
    rig = make_window(size=(1024, 600))
    panel = rig.window.library
    long = "A Very Long Album Name That Goes On And On — " + "And Its Artist " * 6
    panel.show_browse(long)
    qtbot.wait(50)
    assert panel.filter_box.width() >= 220
    assert panel.browse_label.width() <= 320
    assert panel.browse_label.shown_text().endswith("…")
    assert panel.browse_label.full_text() == long
    assert long in panel.browse_label.toolTip().replace("&nbsp;", " ")


def test_year_descending_puts_tracks_without_a_year_last(
        make_window: Callable[..., Rig], db_path: Path, qtbot: QtBot) -> None:
    _big_library(db_path, count=40)
    rig = make_window()
    w = rig.window
    qtbot.waitUntil(lambda: w.model.rowCount() == 40, timeout=10_000)
    header = w.library.table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(Column.YEAR) + 10, header.height() // 2)
    for _ in range(2):  # ascending, then descending
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        years = [w.model.index(r, Column.YEAR).data() for r in range(w.model.rowCount())]
        filled = [y for y in years if y]
        assert years == filled + [""] * 8
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert filled == sorted(filled, reverse=descending)
    assert descending


def test_the_empty_table_says_why(make_window: Callable[..., Rig], music: Path,
                                  tmp_path: Path, qtbot: QtBot) -> None:
    empty = tmp_path / "no music here"
    empty.mkdir()
    rig = make_window(roots=(empty,), wait=False)
    w = rig.window
    assert w.library.table.empty_text == READING  # before the library is read
    qtbot.waitUntil(lambda: w.model.loaded, timeout=10_000)
    w.actions_.scan()
    qtbot.waitUntil(lambda: not w.actions_.jobs.running
                    and "No music found in" in w.library.table.empty_text, timeout=20_000)
    assert str(empty) in w.library.table.empty_text

    rig.shut()
    rig = make_window(roots=(music,))
    w = rig.window
    w.actions_.scan()
    qtbot.waitUntil(lambda: w.model.rowCount() == TRACK_COUNT, timeout=20_000)
    assert w.library.table.empty_text == ""
    box = w.library.filter_box
    qtbot.keyClicks(box, "zzzz")
    assert w.model.rowCount() == 0
    assert w.library.table.empty_text.startswith("No track matches “zzzz”")
    box.setText("zzzz year:abc")  # cannot be read: the last good filter stays, and why
    assert w.library.filter_problem.isVisible()
    assert "year:abc" in w.library.filter_problem.text()
    assert w.library.table.empty_text.startswith("The filter cannot be read.")
    assert "year:abc" in w.library.table.empty_text
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == "" and not w.library.filter_problem.isVisible()
    assert w.model.rowCount() == TRACK_COUNT
