"""The queue panel with the auto-shuffle on: what it shows is what plays, keys rate its rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from library_factory import TagSet, make_track
from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import Qt

from player.backend import PlayerState
from player.models import PlayOutcome

#: Long enough that moving on in its first seconds is a skip (before 30 s).
LONG_SECONDS = 45.0


@pytest.fixture
def playing_long(make_window: Callable[..., Rig], music: Path, tmp_path: Path,
                 qtbot: QtBot) -> tuple[Rig, int]:
    """The window on the test library plus one long track, that long track playing."""
    long_folder = tmp_path / "long"
    make_track(long_folder / "Long Song.mp3",
               TagSet(title="Long Song", artists=["Slow Band"], album="Patience"),
               seconds=LONG_SECONDS, freq=330.0)
    rig = make_window(roots=(music, long_folder))
    w = rig.window
    assert w.control is not None
    w.actions_.scan()
    queue = w.control.queue
    qtbot.waitUntil(lambda: len(w.model.library) == TRACK_COUNT + 1
                    and not w.actions_.jobs.running and len(queue.auto_part) >= 3,
                    timeout=20_000)
    long_id = next(t.id for t in rig.store.tracks.find("Long Song") if t.id is not None)
    w.control.play_now([long_id])
    session = w.control.session
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING and session.started,
                    timeout=10_000)
    qtbot.waitUntil(lambda: len(queue.auto_part) >= 3, timeout=10_000)
    return rig, long_id


def _plays_of(rig: Rig, track_id: int) -> list[PlayOutcome | None]:
    return [p.outcome for p in rig.store.plays.for_track(track_id)]


def test_next_early_in_a_track_plays_the_track_shown_on_top(playing_long: tuple[Rig, int],
                                                           qtbot: QtBot) -> None:
    rig, long_id = playing_long
    w = rig.window
    panel, session = w.queue_panel, w.control.session  # type: ignore[union-attr]
    assert panel is not None
    shown = panel.model.entry(0)  # the top row of Up next
    w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: session.entry is not None and session.entry.key == shown.key,
                    timeout=10_000)
    qtbot.waitUntil(lambda: _plays_of(rig, long_id) == [PlayOutcome.SKIPPED], timeout=5000)
    assert shown.key not in [e.key for e in session.queue.upcoming]


def test_double_click_on_an_auto_pick_early_in_a_track_plays_that_pick(
        playing_long: tuple[Rig, int], qtbot: QtBot) -> None:
    rig, long_id = playing_long
    w = rig.window
    panel, session = w.queue_panel, w.control.session  # type: ignore[union-attr]
    assert panel is not None
    row = len(session.queue.user_part) + 1  # the second auto pick
    chosen = panel.model.entry(row)
    rect = panel.list.visualRect(panel.model.index(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: session.entry is not None and session.entry.key == chosen.key,
                    timeout=10_000)
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING and session.started,
                    timeout=10_000)
    assert session.track is not None and session.track.id == chosen.track_id
    # the long track was skipped once and not started again
    qtbot.waitUntil(lambda: _plays_of(rig, long_id) == [PlayOutcome.SKIPPED], timeout=5000)


def test_keys_rate_the_selected_queue_row_not_the_playing_track(
        playing_long: tuple[Rig, int], qtbot: QtBot) -> None:
    rig, long_id = playing_long
    w = rig.window
    panel = w.queue_panel
    assert panel is not None
    target = panel.model.entry(1).track_id
    panel.list.setCurrentIndex(panel.model.index(1))
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: rig.store.ratings.get(target) == 4, timeout=5000)
    assert rig.store.ratings.get(long_id) is None
    w.library.table.setFocus()
    w.library.table.clearSelection()
    qtbot.keyClick(w.library.table, Qt.Key.Key_2)  # nothing selected: the playing track
    qtbot.waitUntil(lambda: rig.store.ratings.get(long_id) == 2, timeout=5000)
    assert rig.store.ratings.get(target) == 4


def test_why_this_track_for_an_auto_pick_and_for_the_playing_track(
        playing_long: tuple[Rig, int], qtbot: QtBot) -> None:
    rig, long_id = playing_long
    w = rig.window
    panel = w.queue_panel
    assert panel is not None
    auto = w.control.queue.auto_part[0]  # type: ignore[union-attr]
    panel.why_requested.emit(auto.key)  # its context menu's "Why this track?"
    qtbot.waitUntil(lambda: w.why_dialog is not None and w.why_dialog.isVisible(),
                    timeout=10_000)
    dialog = w.why_dialog
    assert dialog is not None
    body = dialog.body.text()
    assert body.startswith("may be picked next: rank ")
    assert f"its reason would be: {auto.reason}" in body or "its reason would be:" in body
    assert dialog.body.textFormat() == Qt.TextFormat.PlainText
    dialog.close()
    w.show_why(long_id)  # the library table's "Why this track?" on what plays
    qtbot.waitUntil(lambda: w.why_dialog is not dialog and w.why_dialog is not None,
                    timeout=10_000)
    assert w.why_dialog.body.text().startswith("kept out now: it is playing now")
    assert w.why_dialog.heading.text() == "Slow Band – Long Song"


def test_dont_learn_marks_the_playing_and_the_next_plays(playing_long: tuple[Rig, int],
                                                         qtbot: QtBot) -> None:
    rig, long_id = playing_long
    w = rig.window
    session = w.control.session  # type: ignore[union-attr]
    assert w.not_learning.isHidden()
    w.learn_action.trigger()  # Playback ▸ Don't learn from what plays
    assert not session.learning and w.not_learning.isVisible()
    auto_before = {e.key for e in session.queue.auto_part}
    w.control.next()  # type: ignore[union-attr]  # a skip, but nothing is learned from it
    qtbot.waitUntil(lambda: rig.store.plays.for_track(long_id)
                    and rig.store.plays.for_track(long_id)[0].outcome is PlayOutcome.SKIPPED,
                    timeout=10_000)
    assert [p.learn for p in rig.store.plays.for_track(long_id)] == [False]
    qtbot.wait(300)
    # no judgement, so the picks already shown stay (the one now playing left the list)
    assert {e.key for e in session.queue.auto_part} & auto_before
    w.learn_action.trigger()
    assert session.learning and w.not_learning.isHidden()


def test_no_nameless_rows_while_the_library_is_read_after_a_restart(
        scanned: Rig, make_window: Callable[..., Rig], qtbot: QtBot) -> None:
    w = scanned.window
    assert w.control is not None
    ids = w.model.track_ids()[:3]
    titles = [w.model.library.titles[w.model.library.row_of(i)] for i in ids]  # type: ignore[index]
    w.control.enqueue(ids, next_up=False)
    scanned.shut()

    again = make_window(wait=False)  # the queue is restored before the library is read
    panel = again.window.queue_panel
    assert panel is not None
    assert panel.model.rowCount() == 0 and not panel.model.ready()
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 3, timeout=10_000)
    shown = [panel.model.index(r).data() for r in range(panel.model.rowCount())]
    assert shown[:3] == titles
    assert not any(text.startswith("Track ") for text in shown)


def test_a_click_on_the_discover_slider_jumps_there(scanned: Rig, qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint

    from player.settings import DISCOVER, Settings

    panel = scanned.window.queue_panel
    assert panel is not None and panel.discover.isEnabled()
    slider = panel.discover
    slider.setValue(10)
    qtbot.mouseClick(slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(int(slider.width() * 0.8), slider.height() // 2))
    assert 74 <= slider.value() <= 86  # where it was clicked, not one page step on
    qtbot.waitUntil(lambda: abs(Settings(scanned.store.settings).get(DISCOVER)
                                - slider.value() / 100) < 1e-9, timeout=5000)
