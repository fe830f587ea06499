"""The writes a person asks for, each returning what it changed.

Both faces call these (the window through its writer thread, the command line at once), so
a rating or a setting is written one way and always announces itself with a `Changes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from player.changes import Changes
from player.settings import Setting, Settings
from player.store import Store


def rate(store: Store, track_ids: Iterable[int], stars: int) -> Changes:
    """Rate tracks 1–5 stars, or clear their rating with 0 (the history of changes is kept).
    Raises RiffleError for stars outside 0–5."""
    ids = list(dict.fromkeys(track_ids))
    with store.db.transaction():
        for track_id in ids:
            store.ratings.set(track_id, stars)
    return Changes(ratings=frozenset(ids))


def record_removals(store: Store, track_ids: Iterable[int]) -> Changes:
    """Auto picks the listener took out of the queue: a mild "not now" about each."""
    ids = list(track_ids)
    store.removals.add_many(ids)
    return Changes(removals=frozenset(ids))


def steer(store: Store, action: str, track_ids: Iterable[int], label: str = "") -> Changes:
    """Steer the auto-shuffle on a region of the taste map: "more" or "less" of these
    tracks, "clear" to go back to neither, or "forget" what was learned from them (their
    plays stay in the history). Raises RiffleError for an unknown action or no track."""
    store.steering.add(action, track_ids, label=label)
    return Changes(steering=True)


def save_settings(store: Store, values: Mapping[Setting[Any], Any]) -> Changes:
    """Validate and save settings; the Changes carry each key's stored value. Raises
    RiffleError for a value the setting refuses, before anything is written."""
    settings = Settings(store.settings)
    valid = {setting: setting.validate(value) for setting, value in values.items()}
    with store.db.transaction():
        for setting, value in valid.items():
            settings.set(setting, value)
    return Changes(settings={setting.key: value for setting, value in valid.items()})
