"""One Riffle window per library: the window listens for the files of a second `riffle`.

The window listens on a local socket named after the library database (QLocalServer, a
Unix socket file in the user's runtime folder; ui/handover.py is the sending side). A
socket left by a crashed Riffle is noticed (nobody answers) and replaced.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ui.handover import OpenRequest, hand_over

logger = logging.getLogger(__name__)


class InstanceServer(QObject):
    """Listens for the requests of later `riffle` processes; emits `requested`."""

    requested = Signal(object)  # OpenRequest

    def __init__(self, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening; a socket file no window answers on is removed first."""
        if self._server.listen(self.path):
            return True
        if self._server.serverError() == QLocalSocket.LocalSocketError.AddressInUseError \
                and not hand_over(self.path, OpenRequest([], False), timeout=0.3):
            QLocalServer.removeServer(self.path)
            if self._server.listen(self.path):
                return True
        logger.warning("cannot listen on %s: %s; a second riffle will open its own window",
                       self.path, self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            client = self._server.nextPendingConnection()
            client.readyRead.connect(lambda c=client: self._read(c))
            client.disconnected.connect(client.deleteLater)

    def _read(self, client: QLocalSocket) -> None:
        if not client.canReadLine():
            return
        line = bytes(client.readLine().data())
        try:
            request = OpenRequest.from_line(line)
        except ValueError as exc:
            logger.warning("ignored a malformed request from another riffle: %s", exc)
            client.write(b"error\n")
        else:
            client.write(b"ok\n")
            self.requested.emit(request)
        client.flush()
        client.disconnectFromServer()
