"""The Playback menu's modes and keys on the real window: Stop back to 0:00, stop after
this track, repeat, ±5 s, volume keys, and Help's list of every shortcut."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from desktop_rig import make_long_music
from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from player import settings as s
from player.backend import NoOutput, PlayerState
from player.queue import RepeatMode
from ui.playback_modes import PANEL_KEYS, ShortcutsDialog, shortcut_rows

SECONDS = 20.0


@pytest.fixture(scope="module")
def long_music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_long_music(tmp_path_factory.mktemp("long-music"), seconds=SECONDS)


@pytest.fixture
def playing(make_window: Callable[..., Rig], long_music: Path, qtbot: QtBot) -> Rig:
    rig = make_window(roots=(long_music,))
    rig.window.actions_.scan()
    control = rig.window.control
    assert control is not None
    qtbot.waitUntil(lambda: len(rig.window.model.library) == TRACK_COUNT
                    and not rig.window.actions_.jobs.running and control.filler_ready,
                    timeout=30_000)
    control.session.play()
    qtbot.waitUntil(lambda: control.session.started, timeout=10_000)
    return rig


def _action(rig: Rig, text: str) -> QAction:
    return next(a for a in rig.window.actions() if a.text() == text)


@pytest.mark.slow
def test_keys_seek_change_the_volume_and_stop_back_to_the_start(playing: Rig,
                                                                 qtbot: QtBot) -> None:
    window, control = playing.window, playing.window.control
    assert control is not None and window.bar is not None
    session = control.session
    _action(playing, "Forward 5 seconds").trigger()
    qtbot.waitUntil(lambda: 5_000 <= (session.position_ms() or 0) <= 8_000, timeout=5000)
    _action(playing, "Forward 5 seconds").trigger()
    qtbot.waitUntil(lambda: 10_000 <= (session.position_ms() or 0) <= 13_500, timeout=5000)
    _action(playing, "Back 5 seconds").trigger()
    qtbot.waitUntil(lambda: 5_000 <= (session.position_ms() or 0) <= 9_000, timeout=5000)

    before = window.bar.volume.value()
    _action(playing, "Volume down").trigger()
    _action(playing, "Volume down").trigger()
    assert window.bar.volume.value() == before - 10 == session.backend.volume
    _action(playing, "Volume up").trigger()
    assert session.backend.volume == before - 5
    qtbot.waitUntil(lambda: playing.store.settings.get(s.VOLUME.key, None) == before - 5,
                    timeout=5000)

    stop = _action(playing, "Stop")
    assert QKeySequence("Ctrl+.") in stop.shortcuts()
    stop.trigger()
    assert session.state is PlayerState.STOPPED
    assert window.bar.elapsed.text() == "0:00" and window.bar.seek.value() == 0
    qtbot.wait(1500)  # what the engine reported before it stopped must not move it back
    assert window.bar.elapsed.text() == "0:00" and window.bar.seek.value() == 0
    session.play()
    qtbot.waitUntil(lambda: session.started and session.state is PlayerState.PLAYING,
                    timeout=10_000)
    assert (session.position_ms() or 0) < 3000  # from the start again


@pytest.mark.slow
def test_stop_after_this_track_and_repeat_modes(playing: Rig, qtbot: QtBot) -> None:
    window, control = playing.window, playing.window.control
    assert control is not None and window.bar is not None
    session = control.session
    playing_id = session.track.id if session.track else None
    stop_after = _action(playing, "Stop after this track")
    stop_after.trigger()
    assert stop_after.isChecked() and session.stop_after_current
    session.seek(int(SECONDS * 1000) - 1500)
    qtbot.waitUntil(lambda: session.state is PlayerState.STOPPED, timeout=10_000)
    assert session.track is not None and session.track.id != playing_id
    assert not stop_after.isChecked()
    assert window.bar.elapsed.text() == "0:00"
    plays = playing.store.plays.for_track(playing_id) if playing_id else []
    assert [p.outcome.value for p in plays if p.outcome] == ["completed"]

    modes = window.modes
    cycle = _action(playing, "Repeat: next mode")
    cycle.trigger()
    assert session.queue.repeat is RepeatMode.ONE and modes.repeat_actions[
        RepeatMode.ONE].isChecked()
    cycle.trigger()
    assert session.queue.repeat is RepeatMode.QUEUE and not session.queue.auto_part
    modes.repeat_actions[RepeatMode.OFF].trigger()
    assert session.queue.repeat is RepeatMode.OFF
    qtbot.waitUntil(lambda: playing.store.settings.get(s.REPEAT.key, None) == "off",
                    timeout=5000)


def test_help_lists_every_shortcut(scanned: Rig, qtbot: QtBot) -> None:
    window = scanned.window
    help_action = _action(scanned, "Keyboard shortcuts")
    assert QKeySequence(Qt.Key.Key_F1) in help_action.shortcuts()
    rows = shortcut_rows(window.actions())
    listed = {text for _keys, text in rows}
    with_keys = {a.text().replace("&", "") for a in window.actions()
                 if any(not k.isEmpty() for k in a.shortcuts())}
    assert with_keys <= listed
    for text in ("Play / pause", "Stop", "Stop after this track", "Forward 5 seconds",
                 "Volume up", "Mute", "Repeat: next mode", "Keyboard shortcuts"):
        assert text in listed
    assert rows[-len(PANEL_KEYS):] == PANEL_KEYS
    help_action.trigger()
    shown = window.findChildren(ShortcutsDialog)
    assert shown and shown[-1].table.rowCount() == len(rows)
    assert shown[-1].table.item(0, 1).text() == rows[0][1]


def test_no_sound_output_is_said_on_the_bar(scanned: Rig, qtbot: QtBot) -> None:
    control = scanned.window.control
    bar = scanned.window.bar
    assert control is not None and bar is not None
    session = control.session
    session.play()
    qtbot.waitUntil(lambda: session.started, timeout=10_000)
    track = session.track
    assert track is not None
    session.backend.stop()  # as the engine does when the output cannot be opened
    session.handle_event(NoOutput(session._serial, track.path, "No sound: no output."))
    assert session.state is PlayerState.STOPPED
    assert bar.problem.isVisibleTo(bar) and bar.problem.text() == "No sound: no output."
    assert bar.play.toolTip().startswith("Play")  # not pretending to play
    session.play()
    qtbot.waitUntil(lambda: session.started and session.state is PlayerState.PLAYING,
                    timeout=10_000)
    assert not bar.problem.isVisibleTo(bar)
