"""The file-properties dialog: tags, format, where the file is, its ratings and its plays."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from window_rig import Rig

from PySide6.QtWidgets import QApplication

from player.backend import PlayerState
from ui.properties_dialog import PropertiesDialog


def _dialog() -> PropertiesDialog:
    return next(d for d in QApplication.topLevelWidgets()
                if isinstance(d, PropertiesDialog) and d.isVisible())


def test_properties_show_tags_format_path_and_the_history(scanned: Rig, qtbot: QtBot) -> None:
    w = scanned.window
    data = w.model.library
    row = next(i for i in range(len(data)) if data.titles[i] == "Redline")  # an MP3
    track_id = data.ids[row]
    w.actions_.rate([track_id], 2)
    w.actions_.rate([track_id], 4)
    assert w.control is not None
    w.control.play_now([track_id])
    session = w.control.session
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING and session.started,
                    timeout=10_000)
    w.control.next()
    qtbot.waitUntil(lambda: len(scanned.store.plays.for_track(track_id)) == 1
                    and scanned.store.plays.for_track(track_id)[0].outcome is not None,
                    timeout=10_000)

    w.library.properties_requested.emit(track_id)
    qtbot.waitUntil(lambda: any(isinstance(d, PropertiesDialog) and d.isVisible()
                                for d in QApplication.topLevelWidgets()), timeout=5000)
    dialog = _dialog()
    values = {label: shown.text() for label, shown in dialog.values.items()}
    assert values["Title"] == "Redline" and values["Artist"] == "Beta Engine"
    assert values["Album"] == "Overdrive" and values["Year"] == "2004"
    assert values["Track"] == "2" and values["Format"] == "MP3"
    assert values["Sample rate"].endswith("kHz") and values["Bitrate"].endswith("kbps")
    assert values["File"] == data.path(row)
    assert values["Rating"] == "★★★★☆"
    ratings = dialog.ratings
    assert ratings.rowCount() == 2  # newest first
    assert [ratings.item(r, 1).text() for r in range(2)] == ["★★★★☆", "★★☆☆☆"]
    plays = dialog.plays
    assert plays.rowCount() == 1
    assert plays.item(0, 2).text() in {"skipped", "played to the end", "stopped"}
    assert plays.item(0, 3).text() == "you"
    dialog.close()
