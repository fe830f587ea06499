"""Plain data shapes shared by the core and the faces."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum

UNKNOWN_ARTIST = "Unknown Artist"
UNKNOWN_ALBUM = "Unknown Album"


def file_name(path: str | bytes) -> str:
    """The last part of a path (folders left out), as text: a name that is not UTF-8 (a
    BLOB in the tracks table, surrogate escapes in Python) reads with U+FFFD in place of
    its odd bytes, whichever form it comes in. What a filter's free words search."""
    raw = path if isinstance(path, bytes) else os.fsencode(path)
    return os.path.basename(raw).decode("utf-8", "replace")


@dataclass(slots=True)
class Track:
    """One audio file as Riffle knows it: tags, stream facts, and (from the store) history.

    Units: duration in seconds, bitrate in bits per second, sample_rate in Hz,
    ReplayGain gains in dB and peaks as linear amplitude (1.0 = full scale),
    mtime_ns in nanoseconds since the epoch, size in bytes, times as Unix seconds.
    """

    path: str
    title: str | None = None
    artists: tuple[str, ...] = ()
    album: str | None = None
    albumartists: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    year: int | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    duration: float | None = None
    codec: str | None = None
    bitrate: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    rg_track_gain: float | None = None
    rg_track_peak: float | None = None
    rg_album_gain: float | None = None
    rg_album_peak: float | None = None
    #: Stars 1–5 read from the file's tags (another player's rating), None when absent.
    tag_rating: int | None = None
    mtime_ns: int = 0
    size: int = 0
    # Filled from the store; None for a track only read from disk.
    id: int | None = None
    added_at: float | None = None
    missing_since: float | None = None
    scan_error: str | None = None
    play_error: str | None = None
    rating: int | None = None
    play_count: int = 0
    skip_count: int = 0
    last_played: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def artist(self) -> str | None:
        """All artists as one display string, None when the file names none."""
        return " / ".join(self.artists) if self.artists else None

    @property
    def albumartist(self) -> str | None:
        return " / ".join(self.albumartists) if self.albumartists else None

    @property
    def genre(self) -> str | None:
        return " / ".join(self.genres) if self.genres else None

    @property
    def display_title(self) -> str:
        """The title, or the file name without extension when the file has no title."""
        if self.title:
            return self.title
        return os.path.splitext(os.path.basename(self.path))[0] or self.path

    @property
    def file_name(self) -> str:
        """The file's name without its folders, as text (see the module's file_name)."""
        return file_name(self.path)

    @property
    def display_artist(self) -> str:
        return self.artist or UNKNOWN_ARTIST

    @property
    def display_album(self) -> str:
        return self.album or UNKNOWN_ALBUM

    @property
    def missing(self) -> bool:
        return self.missing_since is not None


class PlayOutcome(StrEnum):
    """How a play ended. An error is never a skip: it says nothing about taste."""

    COMPLETED = "completed"
    SKIPPED = "skipped"
    STOPPED = "stopped"
    ERROR = "error"


class PlaySource(StrEnum):
    """Who chose the track: the user, the auto-shuffle, or an imported history."""

    USER = "user"
    AUTO = "auto"
    IMPORT = "import"
