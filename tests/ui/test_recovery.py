"""ui/recovery.py: a database that cannot be opened is kept, and its backup offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt

from player.errors import DamagedDatabaseError
from player.models import Track
from player.store import Store
from player.store import backup as backups
from ui.recovery import RecoveryDialog, recover


def _damaged_with_backup(db_path: Path, data: Path) -> bytes:
    store = Store.open(db_path)
    with store.db.transaction():
        store.tracks.upsert(Track(path="/m/a.ogg", title="Kept"))
    backups.daily_backup(store.db, data_dir=data)
    store.close()
    db_path.write_bytes(b"\x00garbage where the header was" * 400)
    with pytest.raises(DamagedDatabaseError):
        Store.open(db_path)
    return db_path.read_bytes()


def _press(label: str) -> object:
    def ask(dialog: RecoveryDialog) -> None:
        assert dialog.textFormat() == Qt.TextFormat.PlainText
        (button,) = [b for b in dialog.buttons() if b.text() == label]
        button.click()
    return ask


def test_the_latest_backup_is_restored_and_the_damaged_file_kept(
        qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    damaged = _damaged_with_backup(db_path, tmp_path / "data")
    assert recover(db_path, "damaged", data_dir=tmp_path / "data",
                   ask=_press("Restore the backup"))
    store = Store.open(db_path)
    try:
        assert store.tracks.by_path("/m/a.ogg").title == "Kept"
    finally:
        store.close()
    (kept,) = db_path.parent.glob("library.sqlite3.replaced-*")
    assert kept.read_bytes() == damaged


def test_declining_or_having_no_backup_leaves_the_file_as_it_is(
        qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    damaged = _damaged_with_backup(db_path, tmp_path / "data")
    assert not recover(db_path, "damaged", data_dir=tmp_path / "data", ask=_press("Quit"))
    assert db_path.read_bytes() == damaged
    assert not recover(db_path, "damaged", data_dir=tmp_path / "none", ask=_press("Quit"))
    assert db_path.read_bytes() == damaged


def test_riffle_offers_the_backup_at_start_and_opens_the_restored_library(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import main
    from ui.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    db = tmp_path / "library.sqlite3"
    _damaged_with_backup(db, tmp_path / "data" / "Riffle")
    seen: dict[str, object] = {}

    def answer_then_close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, RecoveryDialog) and widget.isVisible():
                seen["asked"] = widget.text()
                widget.restore_button.click()  # type: ignore[union-attr]
            if isinstance(widget, MainWindow) and widget.isVisible():
                seen["tracks"] = widget.store.tracks.count()
                widget.close()
                return
        QTimer.singleShot(50, answer_then_close)

    QTimer.singleShot(0, answer_then_close)
    assert main.main(["--db", str(db)]) == 0
    assert "cannot be opened" in str(seen["asked"]) and seen["tracks"] == 1
    assert len(list(tmp_path.glob("library.sqlite3.replaced-*"))) == 1
