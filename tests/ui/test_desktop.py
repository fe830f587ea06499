"""The desktop wiring of one window: the sound output setting reaches the engine at once,
the settings dialog lists libvlc's outputs, the tray's menu drives the player."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from window_rig import Rig

from player import settings as s
from player.backend import AudioOutput, PlayerState
from ui.desktop import Desktop
from ui.settings_dialog import SettingsDialog
from ui.tray import TrayMenu


def test_the_settings_dialog_offers_libvlcs_outputs_and_devices(qtbot: QtBot) -> None:
    outputs = [AudioOutput("pulse", "PulseAudio", (("sink-1", "Speakers"),
                                                   ("sink-2", "Headphones"))),
               AudioOutput("alsa", "ALSA", ())]
    dialog = SettingsDialog([], {s.AUDIO_OUTPUT: "pulse", s.AUDIO_DEVICE: "sink-2"},
                            outputs=outputs)
    qtbot.addWidget(dialog)
    combo = dialog.output
    assert [combo.itemText(i).strip() for i in range(combo.count())] == [
        "Automatic", "PulseAudio", "Speakers", "Headphones", "ALSA"]
    assert combo.currentText().strip() == "Headphones"
    combo.setCurrentIndex(4)
    values = dialog.values()
    assert (values[s.AUDIO_OUTPUT], values[s.AUDIO_DEVICE]) == ("alsa", "")
    combo.setCurrentIndex(0)
    assert (dialog.values()[s.AUDIO_OUTPUT], dialog.values()[s.AUDIO_DEVICE]) == ("", "")


@pytest.mark.slow
def test_a_saved_sound_output_is_applied_to_the_playing_engine(
        scanned: Rig, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    desktop = Desktop(scanned.window, cache_dir=tmp_path / "cache")
    control = scanned.window.control
    assert control is not None
    backend = control.session.backend
    moved: list[tuple[Any, ...]] = []
    real = backend.set_audio_output
    monkeypatch.setattr(backend, "set_audio_output",
                        lambda name, device=None: (moved.append((name, device)),
                                                   real(name, device)))
    assert scanned.window.actions_.audio_outputs() == backend.audio_outputs()
    control.session.play()
    qtbot.waitUntil(lambda: control.session.started, timeout=10_000)
    roots = scanned.store.roots.list()
    scanned.window.actions_.save_settings(roots, roots, {s.AUDIO_OUTPUT: "adummy",
                                                         s.AUDIO_DEVICE: ""})
    qtbot.waitUntil(lambda: moved == [("adummy", None)], timeout=10_000)
    qtbot.wait(500)
    assert control.session.state is PlayerState.PLAYING
    desktop.shutdown()


def test_the_tray_menu_drives_the_player_and_shows_what_plays(scanned: Rig,
                                                              qtbot: QtBot) -> None:
    control = scanned.window.control
    assert control is not None
    calls: list[str] = []
    menu = TrayMenu(lambda: calls.append("toggle"), lambda: calls.append("next"),
                    lambda: calls.append("previous"), lambda: calls.append("show"),
                    lambda: calls.append("quit"))
    for action in (menu.play, menu.next, menu.previous, menu.show_hide, menu.quit):
        action.trigger()
    assert calls == ["toggle", "next", "previous", "show", "quit"]
    menu.show_state("Dawn — Alpha Lake", True, False)
    assert (menu.now.text(), menu.play.text(), menu.show_hide.text()) == (
        "Dawn — Alpha Lake", "Pause", "Show Riffle")
    assert not menu.now.isEnabled()
