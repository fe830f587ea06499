"""Where a file can really start playing, so a seek lands where it is asked to.

libvlc seeks exactly in most formats: it decodes from the packet before the requested time
and drops what comes before it. Two exceptions, measured in benchmarks/seek.py and
docs/PERFORMANCE.md:

- Ogg: libvlc's own Ogg demuxer guesses where a time is from the average bitrate, and in a
  VBR file (every libvorbis encode) lands seconds away, up to half a minute in a
  four-minute track. FFmpeg's Ogg demuxer (libvlc's "avformat") bisects on the pages'
  granule positions and lands exactly: `demuxer_for` names it for Ogg files.
- WavPack: libvlc drops whole decoded blocks, and WavPack's blocks are long (often a
  second): the block holding the requested time was thrown away and playback started up
  to a block late. The nearest block start is the closest place that both plays and is
  reported truly: `SeekGrid` snaps a request to it.
"""

from __future__ import annotations

import logging
import math
import struct
from dataclasses import dataclass

logger = logging.getLogger(__name__)

#: WavPack's sample rates by the 4-bit index in a block header's flags (15: not listed).
_WAVPACK_RATES = (6000, 8000, 9600, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000,
                  64000, 88200, 96000, 192000)
_WAVPACK_HEADER = struct.Struct("<4sIHBBIIIII")
#: How many block headers are read looking for one with audio (metadata blocks have none).
_BLOCKS_TRIED = 8


@dataclass(frozen=True, slots=True)
class SeekGrid:
    """Playback of a file can start only every *step_ms* milliseconds (0: anywhere)."""

    step_ms: float = 0.0

    def snap(self, position_ms: int) -> int:
        """The start point nearest to *position_ms*, in whole milliseconds at or just before
        it (a request a fraction after a block's start would lose that block)."""
        if self.step_ms <= 0:
            return max(0, int(position_ms))
        return max(0, math.floor(round(position_ms / self.step_ms) * self.step_ms))


ANYWHERE = SeekGrid()

#: Files in an Ogg container (Vorbis, Opus, Speex, FLAC in Ogg).
_OGG = (".ogg", ".oga", ".ogx", ".opus", ".spx")


def demuxer_for(path: str) -> str | None:
    """The libvlc demuxer that seeks exactly in *path*, as a media option's value (None:
    libvlc's choice). For Ogg, FFmpeg's, with libvlc's own as the fallback."""
    return "avformat,any" if path.lower().endswith(_OGG) else None


def seek_grid(path: str) -> SeekGrid:
    """The seek grid of the file at *path* (ANYWHERE when the format seeks exactly or the
    file cannot be read: the seek then behaves as libvlc's own)."""
    if not path.lower().endswith(".wv"):
        return ANYWHERE
    try:
        with open(path, "rb") as f:
            return _wavpack_grid(f.read(1 << 16)) or ANYWHERE
    except OSError as exc:
        logger.debug("cannot read the block size of %s: %s", path, exc)
        return ANYWHERE


def _wavpack_grid(data: bytes) -> SeekGrid | None:
    """The block length of a WavPack stream from its first block headers (their sample
    count and rate); None when *data* does not start like one."""
    offset = 0
    for _ in range(_BLOCKS_TRIED):
        if offset + _WAVPACK_HEADER.size > len(data):
            return None
        (magic, size, _version, _idx_hi, _total_hi, _total, _index, samples, flags,
         _crc) = _WAVPACK_HEADER.unpack_from(data, offset)
        if magic != b"wvpk":
            return None
        rate_index = (flags >> 23) & 0xF
        if samples and rate_index < len(_WAVPACK_RATES):
            return SeekGrid(samples * 1000.0 / _WAVPACK_RATES[rate_index])
        offset += 8 + size
    return None


#: How long after a seek its landing is judged, in seconds (libvlc's clock has settled).
SEEK_SETTLE_S = 0.6
#: How far the position may stray from where a seek should have put it, in milliseconds.
SEEK_TOLERANCE_MS = 400
#: How many times a seek is corrected before Riffle accepts where libvlc landed.
SEEK_RETRIES = 2


def seek_correction(target_ms: int, position_ms: int, elapsed_ms: int,
                    tries: int) -> int | None:
    """Where to seek again after asking for *target_ms*, or None when it landed well.

    *position_ms* is the engine's position *elapsed_ms* after the seek was asked (at most
    that much has played since). Some demuxers (Ogg's bisection on some files, in older
    libvlc) land seconds away from the request and then report where they are: such a
    landing is asked again, the last time compensated by how far it strayed. After
    *tries* corrections (SEEK_RETRIES) None: the landing stands.
    """
    low = target_ms - SEEK_TOLERANCE_MS
    high = target_ms + max(0, elapsed_ms) + SEEK_TOLERANCE_MS
    if low <= position_ms <= high or tries >= SEEK_RETRIES:
        return None
    if tries == 0:
        return target_ms
    strayed = position_ms - (target_ms + max(0, elapsed_ms) if position_ms > high
                             else target_ms)
    return max(0, target_ms - strayed)


@dataclass(slots=True)
class SeekCheck:
    """A seek to *target_ms* whose landing is still to be judged; *asked_at* in monotonic
    seconds (None: judged from the first position, for a seek made when opening a file)."""

    target_ms: int
    asked_at: float | None = None
    tries: int = 0

    def settled(self, now: float) -> bool:
        """Whether the landing can be judged at *now* (SEEK_SETTLE_S after the seek)."""
        if self.asked_at is None:
            self.asked_at = now
        return now - self.asked_at >= SEEK_SETTLE_S

    def again(self, position_ms: int, now: float) -> int | None:
        """Where to seek again given the engine's *position_ms* at *now* (None: landed)."""
        elapsed = int((now - (self.asked_at if self.asked_at is not None else now)) * 1000)
        return seek_correction(self.target_ms, position_ms, elapsed, self.tries)
