"""When the library database cannot be opened at start: offer the latest backup.

A damaged database is never overwritten. The dialog says what is wrong and offers to put
the newest backup back (player/store/backup.py keeps the damaged file beside it, renamed);
without a backup, or when the person declines, Riffle does not start on that file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from player.errors import RiffleError
from player.store import backup as backups

logger = logging.getLogger(__name__)


class RecoveryDialog(QMessageBox):
    """'The library database cannot be opened: … Restore the backup of <date>?'"""

    def __init__(self, db_path: Path, problem: str, backup: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Riffle cannot open your library")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(f"The library database cannot be opened:\n\n{problem}")
        self.restore_button = None
        if backup is None:
            self.setInformativeText("There is no backup of it. The file is left as it is.")
            self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            return
        when = time.strftime("%d %B %Y, %H:%M", time.localtime(backup.stat().st_mtime))
        self.setInformativeText(
            f"Riffle can put back the latest backup, from {when}. The damaged file is kept "
            f"beside it, renamed, so nothing is lost.\n\nBackup: {backup}")
        self.restore_button = self.addButton("Restore the backup",
                                             QMessageBox.ButtonRole.AcceptRole)
        self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.restore_button)

    def restore_chosen(self) -> bool:
        return self.restore_button is not None and self.clickedButton() is self.restore_button


def recover(db_path: Path, problem: str, *, data_dir: Path | None = None,
            ask: Callable[[RecoveryDialog], object] = lambda dialog: dialog.exec()) -> bool:
    """Ask whether to restore the latest backup of *db_path* (which cannot be opened for
    *problem*) and do it; True when the backup is back in place. *ask* shows the dialog
    (tests answer it)."""
    backup = backups.latest_backup(db_path, data_dir)
    dialog = RecoveryDialog(db_path, problem, backup)
    ask(dialog)
    if backup is None or not dialog.restore_chosen():
        return False
    try:
        kept = backups.restore(db_path, backup)
    except RiffleError as exc:
        failed = QMessageBox(QMessageBox.Icon.Critical, "Riffle cannot restore the backup",
                             str(exc))
        failed.setTextFormat(Qt.TextFormat.PlainText)
        ask(failed)  # type: ignore[arg-type]
        return False
    logger.warning("restored %s from %s; the damaged file is kept as %s", db_path, backup,
                   kept)
    return True
