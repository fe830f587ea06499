"""Riffle's connection to the D-Bus session bus, read on the GUI thread.

Built on jeepney (pure-Python D-Bus messages with explicit signatures) and a
QSocketNotifier, so incoming calls are handled on the GUI thread like any Qt event. Not
QtDBus: from Python it marshals every integer that fits in 32 bits as an int32, and MPRIS
needs int64 positions and lengths (playerctl and desktop panels reject an int32 there).

`SessionBus.open()` returns None when there is no session bus (a console, a container):
Riffle then runs without desktop integration and says so once in the log.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from PySide6.QtCore import QObject, QSocketNotifier

logger = logging.getLogger(__name__)

#: A handler for the method calls to one object path: (message) -> (signature, body) of the
#: reply; raise DBusFailure to answer with an error.
MethodHandler = Callable[[Message], tuple[str, tuple[Any, ...]]]
#: request_name's answers (the bus specification's numbers).
PRIMARY_OWNER, ALREADY_OWNER = 1, 4
_NO_QUEUE = 4  # DBUS_NAME_FLAG_DO_NOT_QUEUE


class DBusFailure(Exception):
    """Answer a method call with the D-Bus error *name* and a message for a person."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


class SessionBus(QObject):
    """One connection to the session bus: exported objects, calls out, signals out."""

    def __init__(self, connection: DBusConnection, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._conn = connection
        self._objects: dict[str, MethodHandler] = {}
        self._replies: dict[int, Callable[[Message], None]] = {}
        self._notifier = QSocketNotifier(connection.sock.fileno(),
                                         QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._readable)

    @classmethod
    def open(cls, parent: QObject | None = None) -> SessionBus | None:
        """Connect to the session bus; None (logged once) when there is none."""
        try:
            connection = open_dbus_connection(bus="SESSION")
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            logger.warning("no D-Bus session bus (%s): media keys, MPRIS and desktop "
                           "notifications are off", exc)
            return None
        return cls(connection, parent)

    @property
    def unique_name(self) -> str:
        return str(self._conn.unique_name)

    def request_name(self, name: str) -> bool:
        """Own the well-known *name* (not queued behind another owner); True on success."""
        msg = new_method_call(message_bus, "RequestName", "su", (name, _NO_QUEUE))
        try:
            reply = self._conn.send_and_get_reply(msg, timeout=5)
        except (OSError, TimeoutError) as exc:
            logger.warning("could not ask for the D-Bus name %s: %s", name, exc)
            return False
        if reply.header.message_type is MessageType.error:
            logger.warning("D-Bus refused the name %s: %s", name, reply.body)
            return False
        return reply.body[0] in (PRIMARY_OWNER, ALREADY_OWNER)

    def export(self, path: str, handler: MethodHandler) -> None:
        """Answer method calls to object *path* with *handler*."""
        self._objects[path] = handler

    def call(self, address: DBusAddress, method: str, signature: str = "",
             body: tuple[Any, ...] = (),
             on_reply: Callable[[Message], None] | None = None) -> None:
        """Call *method* without waiting; *on_reply* gets the reply (or error) later."""
        msg = new_method_call(address, method, signature or None, body)
        serial = self._send(msg)
        if on_reply is not None and serial is not None:
            self._replies[serial] = on_reply

    def emit(self, path: str, interface: str, name: str, signature: str,
             body: tuple[Any, ...]) -> None:
        """Send the signal *interface*.*name* from object *path*."""
        self._send(new_signal(DBusAddress(path, interface=interface), name, signature, body))

    def close(self) -> None:
        self._notifier.setEnabled(False)
        with contextlib.suppress(OSError):
            self._conn.close()

    # -- inside ------------------------------------------------------------------------------

    def _send(self, msg: Message) -> int | None:
        serial = next(self._conn.outgoing_serial)
        try:
            self._conn.send(msg, serial=serial)
        except OSError as exc:
            logger.warning("D-Bus connection lost (%s); desktop integration is off", exc)
            self._notifier.setEnabled(False)
            return None
        return serial

    def _readable(self) -> None:
        while True:
            try:
                msg = self._conn.receive(timeout=0)
            except TimeoutError:
                return
            except (OSError, ValueError) as exc:
                logger.warning("D-Bus connection closed (%s); desktop integration is off",
                               exc)
                self._notifier.setEnabled(False)
                return
            try:
                self._dispatch(msg)
            except Exception:  # one bad message must not stop the others
                logger.exception("handling a D-Bus message failed")

    def _dispatch(self, msg: Message) -> None:
        kind = msg.header.message_type
        fields = msg.header.fields
        if kind in (MessageType.method_return, MessageType.error):
            callback = self._replies.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if callback is not None:
                callback(msg)
            return
        if kind is not MessageType.method_call:
            return
        handler = self._objects.get(fields.get(HeaderFields.path, ""))
        if handler is None:
            self._send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject",
                                 "s", ("No such object",)))
            return
        try:
            signature, body = handler(msg)
        except DBusFailure as exc:
            self._send(new_error(msg, exc.name, "s", (str(exc),)))
            return
        self._send(new_method_return(msg, signature or None, body))
