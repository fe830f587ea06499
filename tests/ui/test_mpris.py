"""MPRIS on a private session bus, driven by playerctl and dbus-send as a desktop would:
the window on a generated library (auto-shuffle on), real libvlc to its dummy output."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop_rig import Follower, make_long_music, playerctl, run_client
from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from player.backend import PlayerState
from player.queue import RepeatMode
from ui.dbus_link import SessionBus
from ui.desktop import Desktop
from ui.mpris import BUS_NAME, TRACK_PATH, file_url

SECONDS = 30.0


@pytest.fixture(scope="module")
def long_music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The window tests' library with tracks long enough to seek in."""
    return make_long_music(tmp_path_factory.mktemp("long-music"), seconds=SECONDS)


@pytest.fixture
def desktop(make_window: Callable[..., Rig], long_music: Path, session_bus: str,
            qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[Rig, Desktop]]:
    rig = make_window(roots=(long_music,))
    rig.window.actions_.scan()
    control = rig.window.control
    assert control is not None
    qtbot.waitUntil(lambda: len(rig.window.model.library) == TRACK_COUNT
                    and not rig.window.actions_.jobs.running and control.filler_ready,
                    timeout=30_000)
    bus = SessionBus.open()
    assert bus is not None
    parts = Desktop(rig.window, bus=bus, cache_dir=tmp_path / "cache")
    assert parts.mpris is not None and parts.mpris.name == BUS_NAME
    yield rig, parts
    parts.shutdown()


def _state(rig: Rig) -> PlayerState:
    assert rig.window.control is not None
    return rig.window.control.session.state


@pytest.mark.slow
def test_playerctl_drives_riffle_and_reads_back_what_it_does(
        desktop: tuple[Rig, Desktop], qtbot: QtBot) -> None:
    rig, _desktop = desktop
    control = rig.window.control
    assert control is not None and rig.window.bar is not None
    session = control.session
    assert "riffle" in run_client(qtbot, "playerctl", "--list-all").split()
    assert playerctl(qtbot, "status") == "Stopped"

    playerctl(qtbot, "play-pause")
    qtbot.waitUntil(lambda: session.started and _state(rig) is PlayerState.PLAYING,
                    timeout=10_000)
    assert playerctl(qtbot, "status") == "Playing"
    track = session.track
    assert track is not None and track.id is not None
    meta = playerctl(qtbot, "metadata", "--format",
                     "{{mpris:trackid}}|{{xesam:title}}|{{xesam:artist}}|{{xesam:album}}|"
                     "{{mpris:length}}|{{xesam:url}}").split("|")
    assert [meta[0].strip("'"), *meta[1:4]] == [f"{TRACK_PATH}{track.id}", track.display_title,
                        track.display_artist, track.album]
    assert abs(int(meta[4]) - SECONDS * 1_000_000) < 300_000
    assert meta[5].startswith("file://") and meta[5].endswith(Path(track.path).name
                                                                .replace(" ", "%20"))

    playerctl(qtbot, "position", "12")  # SetPosition on the playing track
    qtbot.waitUntil(lambda: 11_500 <= (session.position_ms() or 0) <= 14_500, timeout=5000)
    assert 11.5 <= float(playerctl(qtbot, "position")) <= 15.0
    playerctl(qtbot, "position", "5-")  # Seek, relative
    qtbot.waitUntil(lambda: 6_500 <= (session.position_ms() or 0) <= 10_500, timeout=5000)

    playerctl(qtbot, "volume", "0.4")
    qtbot.waitUntil(lambda: session.backend.volume == 40, timeout=5000)
    assert rig.window.bar.volume.value() == 40
    assert float(playerctl(qtbot, "volume")) == pytest.approx(0.4)

    playerctl(qtbot, "loop", "Track")
    qtbot.waitUntil(lambda: session.queue.repeat is RepeatMode.ONE, timeout=5000)
    assert rig.window.modes.repeat_actions[RepeatMode.ONE].isChecked()
    assert playerctl(qtbot, "loop") == "Track"
    playerctl(qtbot, "loop", "None")
    qtbot.waitUntil(lambda: session.queue.repeat is RepeatMode.OFF, timeout=5000)

    playerctl(qtbot, "shuffle", "Off")
    qtbot.waitUntil(lambda: not session.queue.auto_enabled, timeout=5000)
    assert not session.queue.auto_part
    assert playerctl(qtbot, "shuffle") == "Off"
    playerctl(qtbot, "shuffle", "On")
    qtbot.waitUntil(lambda: session.queue.auto_enabled and bool(session.queue.auto_part),
                    timeout=5000)
    assert playerctl(qtbot, "shuffle") == "On"

    first = track.id
    playerctl(qtbot, "next")
    qtbot.waitUntil(lambda: session.track is not None and session.track.id != first
                    and session.started, timeout=10_000)
    second = session.track
    assert second is not None
    assert playerctl(qtbot, "metadata", "xesam:title") == second.display_title
    playerctl(qtbot, "previous")
    qtbot.waitUntil(lambda: session.track is not None and session.track.id == first,
                    timeout=10_000)

    playerctl(qtbot, "pause")
    qtbot.waitUntil(lambda: _state(rig) is PlayerState.PAUSED, timeout=5000)
    assert playerctl(qtbot, "status") == "Paused"
    playerctl(qtbot, "stop")
    qtbot.waitUntil(lambda: _state(rig) is PlayerState.STOPPED, timeout=5000)
    assert rig.window.bar.elapsed.text() == "0:00"
    assert playerctl(qtbot, "status") == "Stopped"


@pytest.mark.slow
def test_dbus_send_reads_the_identity_and_a_rating_reaches_the_metadata(
        desktop: tuple[Rig, Desktop], qtbot: QtBot) -> None:
    rig, _desktop = desktop
    control = rig.window.control
    assert control is not None
    reply = run_client(qtbot, "dbus-send", "--session", "--print-reply",
                       f"--dest={BUS_NAME}", "/org/mpris/MediaPlayer2",
                       "org.freedesktop.DBus.Properties.Get",
                       "string:org.mpris.MediaPlayer2", "string:Identity")
    assert 'string "Riffle"' in reply
    reply = run_client(qtbot, "dbus-send", "--session", "--print-reply",
                       f"--dest={BUS_NAME}", "/org/mpris/MediaPlayer2",
                       "org.freedesktop.DBus.Properties.Get",
                       "string:org.mpris.MediaPlayer2.Player", "string:Position")
    assert "int64" in reply  # what playerctl and panels insist on
    playerctl(qtbot, "play")
    qtbot.waitUntil(lambda: control.session.started, timeout=10_000)
    track = control.session.track
    assert track is not None and track.id is not None
    rig.window.actions_.rate([track.id], 4)
    qtbot.waitUntil(lambda: rig.store.ratings.get(track.id) == 4, timeout=10_000)
    assert float(playerctl(qtbot, "metadata", "xesam:userRating")) == pytest.approx(0.8)
    run_client(qtbot, "dbus-send", "--session", "--print-reply", f"--dest={BUS_NAME}",
               "/org/mpris/MediaPlayer2", "org.mpris.MediaPlayer2.Raise")
    assert rig.window.isVisible()

    other = next(t for t in rig.store.tracks.all() if t.id != track.id)
    run_client(qtbot, "playerctl", "--player=riffle", "open", file_url(other.path))
    qtbot.waitUntil(lambda: control.session.track is not None
                    and control.session.track.id == other.id and control.session.started,
                    timeout=10_000)


def test_without_a_session_bus_riffle_says_so_once(monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    with caplog.at_level(logging.WARNING, logger="ui.dbus_link"):
        assert SessionBus.open() is None
    assert len(caplog.records) == 1 and "no D-Bus session bus" in caplog.records[0].message


@pytest.mark.slow
def test_changes_are_signalled_to_followers(desktop: tuple[Rig, Desktop],
                                            qtbot: QtBot) -> None:
    rig, _desktop = desktop
    control = rig.window.control
    assert control is not None
    session = control.session
    status = Follower("playerctl", "--player=riffle", "--follow", "status")
    seeks = Follower("dbus-monitor", "--session",
                     "type='signal',interface='org.mpris.MediaPlayer2.Player',"
                     "member='Seeked'")
    try:
        qtbot.waitUntil(lambda: "Stopped" in status.lines, timeout=10_000)
        session.play()
        qtbot.waitUntil(lambda: "Playing" in status.lines, timeout=10_000)
        rig.window.modes.seek_by(10_000)  # a seek from the window, not from MPRIS

        def seeked_to() -> list[int]:
            return [int(line.split()[-1]) for line in seeks.lines
                    if line.strip().startswith("int64")]

        qtbot.waitUntil(lambda: any(9_500_000 <= us <= 14_000_000 for us in seeked_to()),
                        timeout=10_000)
        session.pause()
        qtbot.waitUntil(lambda: status.lines[-1:] == ["Paused"], timeout=10_000)
    finally:
        status.stop()
        seeks.stop()
