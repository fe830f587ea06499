"""Desktop notifications on a private session bus: a notification server on the bus (a
second connection of the test's own) receives what Riffle sends when a track starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jeepney import HeaderFields, Message
from pytestqt.qtbot import QtBot
from window_rig import Rig

from ui.dbus_link import SessionBus
from ui.desktop import Desktop
from ui.notifications import Notifier


class NotificationServer:
    """Just enough of org.freedesktop.Notifications to see what arrives."""

    def __init__(self, bus: SessionBus) -> None:
        self.bus = bus  # kept: the connection lives as long as the server
        self.received: list[tuple[Any, ...]] = []
        assert bus.request_name("org.freedesktop.Notifications")
        bus.export("/org/freedesktop/Notifications", self._handle)

    def _handle(self, msg: Message) -> tuple[str, tuple[Any, ...]]:
        if msg.header.fields.get(HeaderFields.member) == "Notify":
            self.received.append(msg.body)
            return "u", (len(self.received),)
        return "", ()


@pytest.fixture
def server(session_bus: str) -> NotificationServer:
    bus = SessionBus.open()
    assert bus is not None
    return NotificationServer(bus)


def test_a_notification_replaces_the_last_one(server: NotificationServer, qtbot: QtBot,
                                              tmp_path: Path) -> None:
    bus = SessionBus.open()
    assert bus is not None
    notifier = Notifier(bus)
    cover = tmp_path / "cover.png"
    notifier.show("Song <1>", "Band & Co — Album", cover)
    qtbot.waitUntil(lambda: notifier.shown == 1, timeout=5000)
    notifier.show("Song 2", "Band", None)
    qtbot.waitUntil(lambda: notifier.shown == 2, timeout=5000)
    first, second = server.received
    app, replaces, icon, summary, body, actions, hints, timeout = first
    assert (app, replaces, summary, body, actions, timeout) == (
        "Riffle", 0, "Song <1>", "Band &amp; Co — Album", [], 5000)
    assert icon == str(cover) and hints["image-path"] == ("s", str(cover))
    assert second[1] == 1 and second[2] == "riffle"  # replaces the first; the app's icon


@pytest.mark.slow
def test_a_track_that_starts_is_notified_with_its_cover(
        server: NotificationServer, scanned: Rig, qtbot: QtBot, tmp_path: Path) -> None:
    bus = SessionBus.open()
    desktop = Desktop(scanned.window, bus=bus, cache_dir=tmp_path / "cache")
    control = scanned.window.control
    assert control is not None
    ids = scanned.store.tracks.find("artist:alpha")
    control.play_now([t.id for t in ids if t.id is not None][:1])
    qtbot.waitUntil(lambda: len(server.received) == 1, timeout=10_000)
    body = server.received[0]
    track = control.session.track
    assert track is not None
    assert body[3] == track.display_title and body[4].startswith("Alpha Lake")
    cover = Path(body[6]["image-path"][1])
    assert cover.parent == tmp_path / "cache" / "covers" and cover.read_bytes()[:4] == \
        b"\x89PNG"
    desktop.shutdown()


def test_notifications_follow_the_setting(scanned: Rig, server: NotificationServer,
                                          qtbot: QtBot, tmp_path: Path) -> None:
    from player import settings as s

    scanned.window.actions_.settings.set(s.NOTIFY, False)
    desktop = Desktop(scanned.window, bus=SessionBus.open(), cache_dir=tmp_path / "c")
    control = scanned.window.control
    assert control is not None
    control.session.play()
    qtbot.waitUntil(lambda: control.session.started, timeout=10_000)
    track = control.session.track
    assert track is not None
    qtbot.waitUntil(lambda: desktop.covers.looked_up(track.path), timeout=10_000)
    qtbot.wait(200)  # a notification would have been sent with the cover's answer
    assert server.received == []
    desktop.shutdown()
