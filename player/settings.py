"""The one registry of Riffle's settings: each key, its type, default and allowed values.

Code reads and writes settings only through `Settings` with a `Setting` from this module,
so every key has one spelling and one default. Values are stored as JSON in the settings
table.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from player.errors import RiffleError
from player.store.settings import SettingsStore

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    doc: str
    choices: tuple[T, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    def validate(self, value: Any) -> T:
        """Coerce *value* to the default's type and check it; raises RiffleError."""
        kind: Any = type(self.default)
        try:
            if kind is bool and isinstance(value, str):
                coerced: Any = value.strip().lower() in {"1", "true", "yes", "on"}
            else:
                coerced = kind(value)
            if isinstance(coerced, float) and not math.isfinite(coerced):
                raise ValueError("not a finite number")
        except (TypeError, ValueError, OverflowError) as exc:
            raise RiffleError(f"{self.key} takes a {kind.__name__}, not {value!r}.") from exc
        if self.choices is not None and coerced not in self.choices:
            raise RiffleError(f"{self.key} is one of {', '.join(map(str, self.choices))}.")
        if self.minimum is not None and coerced < self.minimum:
            raise RiffleError(f"{self.key} is at least {self.minimum}.")
        if self.maximum is not None and coerced > self.maximum:
            raise RiffleError(f"{self.key} is at most {self.maximum}.")
        return coerced  # type: ignore[no-any-return]


REPLAYGAIN_MODE = Setting("playback.replaygain", "track",
                          "ReplayGain: 'track', 'album' or 'off'.",
                          choices=("track", "album", "off"))
VOLUME = Setting("playback.volume", 80, "Playback volume in percent.", minimum=0, maximum=100)
ANALYSIS_WORKERS = Setting("analysis.workers", 0,
                           "Processes that analyse audio; 0 means one per CPU core.",
                           minimum=0, maximum=64)
DEEP_ANALYSIS = Setting("analysis.deep", True,
                        "After the fast pass, listen closely (musicnn's network): better "
                        "similarity, about twice the time again.")
RECENT_PLAYS = Setting("shuffle.recent_plays", 50,
                       "The auto-shuffle repeats nothing from this many last plays.",
                       minimum=0, maximum=10_000)
RECENT_HOURS = Setting("shuffle.recent_hours", 12.0,
                       "...nor anything played within this many hours.",
                       minimum=0.0, maximum=24.0 * 365)
DISCOVER = Setting("shuffle.discover", 0.15,
                   "Share of auto picks that explore music far from what you judged (0–1).",
                   minimum=0.0, maximum=1.0)
AUTO_SHUFFLE = Setting("queue.auto_shuffle", True,
                       "Keep the queue filled with auto-shuffle picks.")
AUTO_AHEAD = Setting("queue.auto_ahead", 10,
                     "How many auto-shuffle picks the queue keeps ahead.", minimum=1,
                     maximum=100)
REPEAT = Setting("queue.repeat", "off",
                 "Repeat: 'off', 'one' (the current track) or 'queue' (the queued tracks).",
                 choices=("off", "one", "queue"))
MUTED = Setting("playback.muted", False, "Whether playback is muted.")
AUDIO_OUTPUT = Setting("playback.audio_output", "",
                       "libvlc's audio output module ('pulse', 'alsa', ...); '' chooses "
                       "automatically.")
AUDIO_DEVICE = Setting("playback.audio_device", "",
                       "The audio output's device, as libvlc names it; '' is its default.")
NOTIFY = Setting("desktop.notify", True,
                 "Show a desktop notification when a new track starts.")
CLOSE_TO_TRAY = Setting("desktop.close_to_tray", False,
                        "Closing the window keeps Riffle playing in the tray.")
RATINGS_IN_TAGS = Setting("tags.write_ratings", False,
                          "A rating is also written into the file's tags (ID3 POPM, "
                          "FMPS_RATING and the like), so other players read it too.")

ALL_SETTINGS: tuple[Setting[Any], ...] = (
    REPLAYGAIN_MODE, VOLUME, ANALYSIS_WORKERS, DEEP_ANALYSIS, RECENT_PLAYS, RECENT_HOURS, DISCOVER,
    AUTO_SHUFFLE, AUTO_AHEAD, REPEAT, MUTED, AUDIO_OUTPUT, AUDIO_DEVICE,
    NOTIFY, CLOSE_TO_TRAY, RATINGS_IN_TAGS,
)


class Settings:
    """Typed access to the settings table."""

    def __init__(self, store: SettingsStore) -> None:
        self._store = store

    def get(self, setting: Setting[T]) -> T:
        raw = self._store.get(setting.key, None)
        if raw is None:
            return setting.default
        try:
            return setting.validate(raw)
        except RiffleError:
            logger.warning("ignoring bad stored value %r for %s", raw, setting.key)
            return setting.default

    def set(self, setting: Setting[T], value: Any) -> T:
        valid = setting.validate(value)
        self._store.set(setting.key, valid)
        return valid


def analysis_workers(value: int) -> int:
    """The number of worker processes a setting of *value* means (0 = one per core)."""
    return value if value > 0 else max(1, os.cpu_count() or 1)
