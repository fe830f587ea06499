"""After a restart the window looks as it was left, and the last queue waits, paused."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from window_rig import Rig

from player.backend import PlayerState
from ui.library_data import Column


def test_layout_queue_and_position_survive_a_restart(
        scanned: Rig, make_window: Callable[..., Rig], qtbot: QtBot) -> None:
    w = scanned.window
    assert w.control is not None and w.bar is not None and w.queue_panel is not None
    w.library.table.show_column(Column.GENRE, False)
    w.splitter.setSizes([150, 800, 330])
    sizes = w.splitter.sizes()
    w.queue_panel.auto.setChecked(False)
    titles = [w.model.index(r, Column.TITLE).data() for r in range(w.model.rowCount())]
    ids = w.model.track_ids()
    dawn = ids[titles.index("Dawn")]  # FLAC: libvlc honours a start time in it
    w.control.play_now([dawn])
    w.control.enqueue([ids[titles.index("Soleil")], ids[titles.index("Orage")]], next_up=False)
    session = w.control.session
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING
                    and (session.position_ms() or 0) > 1200, timeout=10_000)
    scanned.shut()

    again = make_window()
    w2 = again.window
    assert w2.control is not None and w2.bar is not None and w2.queue_panel is not None
    assert w2.library.table.horizontalHeader().isSectionHidden(Column.GENRE)
    assert w2.splitter.sizes() == sizes
    assert not w2.queue_panel.auto.isChecked()
    queue = w2.control.queue
    assert queue.current is not None and queue.current.track_id == dawn
    assert [e.track_id for e in queue.upcoming] == [ids[titles.index("Soleil")],
                                                  ids[titles.index("Orage")]]
    assert w2.control.session.state is PlayerState.STOPPED  # waits, does not blare out
    assert w2.bar.title.text() == "Dawn"

    def cover_colour() -> tuple[int, int, int]:
        pixmap = w2.bar.cover.pixmap()  # type: ignore[union-attr]
        colour = pixmap.toImage().pixelColor(pixmap.width() // 2, pixmap.height() // 2)
        return colour.red(), colour.green(), colour.blue()

    qtbot.waitUntil(lambda: cover_colour() == (200, 80, 60), timeout=5000)  # its cover.png
    assert queue.resume_position_ms >= 1000
    assert w2.bar.elapsed.text() == "0:01"
    assert w2.queue_panel.model.rowCount() == 2

    w2.control.toggle()  # play goes on where it stopped
    qtbot.waitUntil(lambda: w2.control.session.state is PlayerState.PLAYING
                    and (w2.control.session.position_ms() or 0) > 0, timeout=10_000)
    assert (w2.control.session.position_ms() or 0) >= 900  # not from the start


def test_the_auto_part_and_its_reasons_come_back_as_they_were(
        scanned: Rig, make_window: Callable[..., Rig], qtbot: QtBot) -> None:
    w = scanned.window
    assert w.control is not None and w.queue_panel is not None
    assert w.queue_panel.auto.isChecked()
    before = [(e.track_id, e.reason) for e in w.control.queue.auto_part]
    assert before and all(reason for _track, reason in before)
    scanned.shut()

    again = make_window()
    w2 = again.window
    assert w2.control is not None
    queue = w2.control.queue
    qtbot.waitUntil(lambda: w2.control is not None and w2.control.filler_ready, timeout=10_000)
    assert [(e.track_id, e.reason) for e in queue.auto_part] == before


def test_stop_on_a_restored_track_puts_the_bar_back_to_the_start(
        scanned: Rig, make_window: Callable[..., Rig], qtbot: QtBot) -> None:
    w = scanned.window
    assert w.control is not None
    titles = [w.model.index(r, Column.TITLE).data() for r in range(w.model.rowCount())]
    w.control.play_now([w.model.track_ids()[titles.index("Dawn")]])
    session = w.control.session
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING
                    and (session.position_ms() or 0) > 1200, timeout=10_000)
    scanned.shut()

    again = make_window()
    w2 = again.window
    assert w2.control is not None and w2.bar is not None
    assert w2.bar.elapsed.text() == "0:01"  # the restored track waits where it was left
    w2.modes.stop()
    assert w2.control.queue.resume_position_ms == 0
    assert w2.bar.elapsed.text() == "0:00" and w2.bar.seek.value() == 0
