"""The window on a generated library: first start, filter, sort, ratings, playing, queue."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import QModelIndex, QPoint, Qt

from player.backend import PlayerState
from player.library import Scanner
from player.tags import read_track
from ui.library_data import Column
from ui.library_jobs import JobProgress
from ui.library_model import RATING_ROLE
from ui.tasks import TaskContext


def _titles(rig: Rig) -> list[str]:
    model = rig.window.model
    return [model.data(model.index(r, Column.TITLE)) for r in range(model.rowCount())]


def _row_of(rig: Rig, title: str) -> int:
    return _titles(rig).index(title)


def test_first_start_asks_for_folders_then_scans_into_the_table(
        make_window: Callable[..., Rig], music: Path, qtbot: QtBot) -> None:
    rig = make_window(suggested=str(music))
    w = rig.window
    assert w.pages.currentWidget() is w.welcome
    assert w.welcome.chosen() == [str(music)]
    qtbot.mouseClick(w.welcome.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.model.rowCount() == TRACK_COUNT, timeout=20_000)
    assert w.pages.currentWidget() is w.splitter
    assert rig.store.roots.list() == [str(music)]
    assert w.library.count_label.text() == f"{TRACK_COUNT} tracks"


def test_filter_takes_the_command_line_query_words(scanned: Rig, qtbot: QtBot) -> None:
    box = scanned.window.library.filter_box
    qtbot.keyClicks(box, "artist:beta")
    assert sorted(_titles(scanned)) == ["Ignition", "Pit Stop", "Redline"]
    box.clear()
    qtbot.keyClicks(box, "ÉTÉ year:1970..1979")
    assert sorted(_titles(scanned)) == ["Orage", "Pluie", "Soleil"]
    box.setText(box.text() + " year:abc")  # a malformed term keeps the last good result
    assert box.property("invalid") is True
    assert "year:abc" in box.toolTip()
    assert len(_titles(scanned)) == 3
    box.clear()
    assert len(_titles(scanned)) == TRACK_COUNT
    assert box.property("invalid") is False


def test_side_list_narrows_the_table_to_an_artist(scanned: Rig, qtbot: QtBot) -> None:
    browser = scanned.window.browser
    proxy = browser.proxy
    artist = next(proxy.index(r, 0) for r in range(proxy.rowCount())
                  if str(proxy.index(r, 0).data()).startswith("Alpha Lake"))
    browser.tree.setCurrentIndex(artist)
    assert sorted(_titles(scanned)) == ["Dawn", "Harbour", "Mist"]
    assert scanned.window.library.browse_label.text() == "Alpha Lake"
    qtbot.mouseClick(scanned.window.library.clear_browse, Qt.MouseButton.LeftButton)
    assert len(_titles(scanned)) == TRACK_COUNT


def test_clicking_a_header_sorts_and_clicking_again_reverses(scanned: Rig,
                                                             qtbot: QtBot) -> None:
    header = scanned.window.library.table.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(Column.TITLE) + 10, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    titles = _titles(scanned)
    assert titles == sorted(titles, key=str.casefold)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert _titles(scanned) == sorted(titles, key=str.casefold, reverse=True)


def _stored_rating(rig: Rig, title: str) -> int | None:
    track = next(t for t in rig.store.tracks.all() if t.title == title)
    return track.rating


def test_rate_with_a_key_and_with_a_click_on_a_star(scanned: Rig, qtbot: QtBot) -> None:
    table = scanned.window.library.table
    model = scanned.window.model
    row = _row_of(scanned, "Mist")
    table.selectRow(row)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_4)
    assert model.index(row, Column.RATING).data(RATING_ROLE) == 4  # shown at once
    qtbot.waitUntil(lambda: _stored_rating(scanned, "Mist") == 4, timeout=5000)

    row = _row_of(scanned, "Redline")
    rect = table.visualRect(model.index(row, Column.RATING))
    third_star = QPoint(rect.x() + 2 + 2 * 16 + 6, rect.center().y())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=third_star)
    assert model.index(row, Column.RATING).data(RATING_ROLE) == 3
    qtbot.waitUntil(lambda: _stored_rating(scanned, "Redline") == 3, timeout=5000)
    qtbot.keyClick(table, Qt.Key.Key_0)  # Redline is selected now: 0 clears
    qtbot.waitUntil(lambda: _stored_rating(scanned, "Redline") is None, timeout=5000)


def _play(rig: Rig, qtbot: QtBot, title: str) -> None:
    table = rig.window.library.table
    rect = table.visualRect(rig.window.model.index(_row_of(rig, title), Column.TITLE))
    # a person's double click starts with a click (QTest's double click alone does not)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    session = rig.window.control.session  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING and session.track is not None
                    and session.track.title == title, timeout=10_000)


def test_double_click_plays_it_on_libvlc_and_the_bar_follows(scanned: Rig,
                                                             qtbot: QtBot) -> None:
    w = scanned.window
    _play(scanned, qtbot, "Dawn")
    assert w.bar is not None and w.bar.title.text() == "Dawn"
    assert w.windowTitle().startswith("Dawn — Alpha Lake")
    qtbot.waitUntil(lambda: w.bar.seek.maximum() >= 2 and w.bar.elapsed.text() != "",
                    timeout=10_000)
    w.activateWindow()
    w.control.toggle()  # type: ignore[union-attr]
    assert w.control.session.state is PlayerState.PAUSED  # type: ignore[union-attr]
    assert w.bar.play.toolTip().startswith("Play")


def test_a_rating_redraws_the_auto_part_at_once(scanned: Rig, qtbot: QtBot) -> None:
    w = scanned.window
    queue = w.control.queue  # type: ignore[union-attr]
    assert queue.auto_part, "the auto-shuffle keeps picks ahead"
    before = {e.key for e in queue.auto_part}
    panel_rows = w.queue_panel.model.rowCount()  # type: ignore[union-attr]
    assert panel_rows == len(queue.upcoming)
    w.library.table.selectRow(0)
    w.library.table.setFocus()
    qtbot.keyClick(w.library.table, Qt.Key.Key_5)
    qtbot.waitUntil(lambda: not before & {e.key for e in queue.auto_part}, timeout=5000)
    reasons = [w.queue_panel.model.index(r).data(Qt.ItemDataRole.ToolTipRole)  # type: ignore[union-attr]
               for r in range(w.queue_panel.model.rowCount())]  # type: ignore[union-attr]
    assert reasons and all(reasons)
    # The library has nine tracks, so the rated one is among the redrawn picks, with why.
    assert any("★★★★★" in r for r in reasons)


def test_queue_reorders_by_drag_and_delete_removes(scanned: Rig, qtbot: QtBot) -> None:
    w = scanned.window
    panel = w.queue_panel
    assert panel is not None
    panel.auto.setChecked(False)
    assert not w.control.queue.auto_part  # type: ignore[union-attr]
    ids = w.model.track_ids([0, 1, 2])
    w.control.enqueue(ids, next_up=False)  # type: ignore[union-attr]
    model = panel.model
    assert [model.entry(r).track_id for r in range(model.rowCount())] == ids
    mime = model.mimeData([model.index(2)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert [model.entry(r).track_id for r in range(3)] == [ids[2], ids[0], ids[1]]
    mime = model.mimeData([model.index(0)])
    model.dropMimeData(mime, Qt.DropAction.MoveAction, -1, -1, QModelIndex())  # to the end
    assert [model.entry(r).track_id for r in range(3)] == [ids[0], ids[1], ids[2]]
    panel.list.setCurrentIndex(model.index(1))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert [model.entry(r).track_id for r in range(model.rowCount())] == [ids[0], ids[2]]


def test_delete_on_an_auto_pick_is_learned_and_redraws_the_auto_part(scanned: Rig,
                                                                    qtbot: QtBot) -> None:
    w = scanned.window
    panel, queue = w.queue_panel, w.control.queue  # type: ignore[union-attr]
    assert panel is not None and panel.auto.isChecked() and len(queue.auto_part) >= 3
    before = {e.key for e in queue.auto_part}
    removed = queue.auto_part[1]
    panel.list.setCurrentIndex(panel.model.index(1))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: scanned.store.removals.all() != [], timeout=5000)
    assert [tid for tid, _at in scanned.store.removals.all()] == [removed.track_id]
    qtbot.waitUntil(lambda: not before & {e.key for e in queue.auto_part}, timeout=5000)
    assert removed.track_id not in [e.track_id for e in queue.auto_part]


def _slow_scan(ctx: TaskContext, roots: list[str]) -> Any:
    def slow_read(path: str, **kwargs: Any) -> Any:
        time.sleep(0.2)
        return read_track(path, **kwargs)

    def progress(p: Any) -> None:
        ctx.progress(JobProgress(f"Reading {p.read} of {p.to_read}", p.read, p.to_read))

    return Scanner(ctx.store, reader=slow_read, batch_files=1).scan(
        roots, progress=progress, cancel=ctx.cancel_event)


def test_a_scan_can_be_cancelled_from_the_status_bar(make_window: Callable[..., Rig],
                                                    music: Path, qtbot: QtBot) -> None:
    rig = make_window(roots=(music,), scan=_slow_scan)
    w = rig.window
    status = w.job_status
    with qtbot.waitSignal(w.actions_.jobs.cancelled, timeout=10_000) as stopped:
        w.actions_.scan()
        qtbot.waitUntil(lambda: status.cancel.isVisible() and status.bar.maximum() > 0,
                        timeout=10_000)
        qtbot.mouseClick(status.cancel, Qt.MouseButton.LeftButton)
    assert stopped.args == ["scan"]
    qtbot.waitUntil(lambda: not status.cancel.isVisible(), timeout=5000)
    assert rig.store.tracks.count() < TRACK_COUNT


def test_discover_slider_is_stored_and_redraws_the_auto_part(scanned: Rig,
                                                             qtbot: QtBot) -> None:
    from player.settings import DISCOVER, Settings

    w = scanned.window
    queue = w.control.queue  # type: ignore[union-attr]
    before = {e.key for e in queue.auto_part}
    assert before
    w.queue_panel.discover.setValue(80)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not before & {e.key for e in queue.auto_part}, timeout=5000)
    assert Settings(scanned.store.settings).get(DISCOVER) == 0.8


def test_cover_stars_in_the_bar_and_the_queue_and_the_space_key(scanned: Rig,
                                                                qtbot: QtBot) -> None:
    from ui.queue_model import CAPTION_ROLE, QueueDelegate
    from ui.stars import stars_width

    w = scanned.window
    assert w.bar is not None and w.queue_panel is not None and w.control is not None
    _play(scanned, qtbot, "Dawn")  # its album has cover.png beside the files

    def cover_colour() -> tuple[int, int, int]:
        image = w.bar.cover.pixmap().toImage()  # type: ignore[union-attr]
        colour = image.pixelColor(image.width() // 2, image.height() // 2)
        return colour.red(), colour.green(), colour.blue()

    qtbot.waitUntil(lambda: cover_colour() == (200, 80, 60), timeout=5000)

    stars = w.bar.stars
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton, pos=QPoint(2 + 16 + 6,
                                                                  stars.height() // 2))
    qtbot.waitUntil(lambda: _stored_rating(scanned, "Dawn") == 2, timeout=5000)
    assert w.model.index(_row_of(scanned, "Dawn"), Column.RATING).data(RATING_ROLE) == 2

    w.queue_panel.auto.setChecked(False)
    w.control.enqueue([w.model.track_id(_row_of(scanned, "Mist"))], next_up=True)
    view = w.queue_panel.list
    index = w.queue_panel.model.index(0)
    rect = view.visualRect(index)
    top = rect.top() + (QueueDelegate.CAPTION_HEIGHT if index.data(CAPTION_ROLE) else 0)
    fifth = QPoint(rect.right() - stars_width() - 8 + 2 + 4 * 16 + 6,
                   top + QueueDelegate.PAD + view.fontMetrics().height() // 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=fifth)
    qtbot.waitUntil(lambda: _stored_rating(scanned, "Mist") == 5, timeout=5000)

    w.activateWindow()
    w.library.table.setFocus()
    qtbot.keyClick(w.library.table, Qt.Key.Key_Space)
    assert w.control.session.state is PlayerState.PAUSED


def test_context_menu_queues_and_enter_plays(scanned: Rig, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMenu

    w = scanned.window
    assert w.control is not None
    table = w.library.table
    row = _row_of(scanned, "Soleil")
    rect = table.visualRect(w.model.index(row, Column.TITLE))
    w.library._context_menu(rect.center())
    menu = next(m for m in w.library.findChildren(QMenu) if m.isVisible())
    actions = {a.text(): a for a in menu.actions()}
    assert {"Play now", "Play next", "Add to queue", "Show in folder",
            "Similar tracks"} <= set(actions)
    actions["Add to queue"].trigger()
    assert [e.track_id for e in w.control.queue.user_part] == [w.model.track_id(row)]
    menu.close()

    table.setCurrentIndex(w.model.index(_row_of(scanned, "Orage"), Column.TITLE))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    session = w.control.session
    qtbot.waitUntil(lambda: session.track is not None and session.track.title == "Orage",
                    timeout=10_000)
