"""Desktop notifications (org.freedesktop.Notifications over the session bus): the track
that starts, with its cover. Each one replaces the last, so they never pile up."""

from __future__ import annotations

import logging
from pathlib import Path

from jeepney import DBusAddress, Message, MessageType

from ui.dbus_link import SessionBus

logger = logging.getLogger(__name__)

NOTIFICATIONS = DBusAddress("/org/freedesktop/Notifications",
                            bus_name="org.freedesktop.Notifications",
                            interface="org.freedesktop.Notifications")
#: How long a notification stays, in milliseconds.
TIMEOUT_MS = 5000


class Notifier:
    """Shows one notification at a time through the desktop's notification server."""

    def __init__(self, bus: SessionBus, app_icon: str = "riffle") -> None:
        self.bus = bus
        self.app_icon = app_icon
        self._last_id = 0
        self.shown = 0  # notifications the server accepted (for the log and tests)
        self._failed_once = False

    def show(self, summary: str, body: str, image: Path | None = None) -> None:
        """Show *summary* and *body* (plain text), with *image* (a cover file) if given."""
        hints = {"desktop-entry": ("s", "riffle"), "category": ("s", "x-riffle.track")}
        if image is not None:
            hints["image-path"] = ("s", str(image))
        self.bus.call(NOTIFICATIONS, "Notify", "susssasa{sv}i",
                      ("Riffle", self._last_id, str(image) if image else self.app_icon,
                       summary, _escape(body), [], hints, TIMEOUT_MS),
                      on_reply=self._replied)

    def _replied(self, reply: Message) -> None:
        if reply.header.message_type is MessageType.error:
            if not self._failed_once:
                self._failed_once = True
                logger.info("no desktop notifications: %s", reply.body)
            return
        self._last_id = int(reply.body[0])
        self.shown += 1


def _escape(text: str) -> str:
    """Servers may read the body as simple markup: keep &, < and > as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
