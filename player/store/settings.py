"""The settings table: a key/value store of JSON values. The typed registry of what the
keys mean and their defaults lives in player/settings.py."""

from __future__ import annotations

import json
from typing import Any

from player.store.database import Database


class SettingsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        raw = self.db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        if raw is None:
            return default
        try:
            return json.loads(raw)
        except ValueError:
            return default

    def set(self, key: str, value: Any) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    def all(self) -> dict[str, Any]:
        """Every stored key and its value (keys whose value is not JSON are left out)."""
        values: dict[str, Any] = {}
        for key, raw in self.db.query("SELECT key, value FROM settings ORDER BY key"):
            try:
                values[key] = json.loads(raw)
            except (ValueError, TypeError):
                continue
        return values

    def delete(self, key: str) -> None:
        self.db.execute("DELETE FROM settings WHERE key = ?", (key,))
