"""Decoding the excerpt of a track that Riffle listens to: mono float32 at one fixed rate.

Decoding dominates the cost of analysis, so Riffle never decodes a whole long track: it
seeks to a few segments spread over the track (by default three 10 s pieces at 25 %, 50 %
and 75 % of its length) and decodes only those, packet by packet. Three short segments
describe a track better than one long piece and cost no more to decode. A track shorter
than the excerpt is decoded whole.

A packet that fails to decode is skipped (one corrupt frame must not lose the track); a
file that yields no audio at all raises AnalysisError with a reason a person can read.

Only regular files are opened (a pipe named a.mp3 would block the reader for ever), and a
file is opened by its descriptor, so a name that is not valid UTF-8 works like any other.
The decoder also checks where the audio really ends: a truncated file whose header still
claims its full length is told apart (`Excerpt.audio_end`), so its length can be corrected
and the damage reported.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

import av
import av.error
import numpy as np

from player.errors import AnalysisError

logger = logging.getLogger(__name__)

#: The one sample rate every excerpt is resampled to, in Hz.
SAMPLE_RATE = 22050

#: Packets that may fail to decode in a row before a segment is given up.
MAX_BAD_PACKETS = 50

#: Less decoded audio than this (seconds) is too little to describe.
MIN_SECONDS = 0.25

#: A file is truncated when its audio ends before this share of its stated length, and at
#: least TRUNCATED_SECONDS short of it (VBR estimates are off by a little, never by this).
TRUNCATED_SHARE = 0.9
TRUNCATED_SECONDS = 5.0
#: How far before the stated end the decoder looks for the last packets, in seconds.
END_PROBE_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class ExcerptPlan:
    """Which parts of a track to decode: *segments* pieces of *segment_seconds* each."""

    segments: int = 3
    segment_seconds: float = 10.0

    @property
    def total_seconds(self) -> float:
        return self.segments * self.segment_seconds

    def starts(self, duration: float | None) -> list[tuple[float, float | None]]:
        """(start, length) pairs in seconds for a track of *duration* seconds.

        A track no longer than the excerpt (plus a little slack) is decoded whole: one
        piece from 0 with no length limit. An unknown duration decodes the first
        total_seconds. Segments are centred at i/(n+1) of the track, away from intros and
        fade-outs.
        """
        if duration is None or not math.isfinite(duration) or duration <= 0:
            return [(0.0, self.total_seconds)]
        if duration <= self.total_seconds * 1.25:
            return [(0.0, None)]
        pieces: list[tuple[float, float | None]] = []
        for i in range(1, self.segments + 1):
            centre = duration * i / (self.segments + 1)
            start = min(max(0.0, centre - self.segment_seconds / 2),
                        duration - self.segment_seconds)
            pieces.append((start, self.segment_seconds))
        return pieces


DEFAULT_PLAN = ExcerptPlan()


@dataclass(frozen=True, slots=True)
class Excerpt:
    """Decoded audio: one float32 mono array per segment, at *rate* Hz.

    *duration* is the track's length in seconds as the container states it (None when
    unknown); *bad_packets* counts packets skipped because they would not decode;
    *audio_end* is where the audio really ends, in seconds, when that is far short of
    *duration* (a truncated file), else None.
    """

    segments: tuple[np.ndarray, ...]
    rate: int
    duration: float | None
    bad_packets: int = 0
    audio_end: float | None = None

    @property
    def seconds(self) -> float:
        """Seconds of audio decoded, over all segments."""
        return sum(len(s) for s in self.segments) / self.rate


@contextlib.contextmanager
def _opened(path: str) -> Iterator[av.container.InputContainer]:
    """The audio file at *path*, open for decoding; only a regular file is opened.

    The file is opened by Riffle first (without blocking, so a pipe cannot hang it) and
    checked with fstat; the decoder then reads that very file through /proc/self/fd where
    there is one (native reads), else through a Python file object.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise AnalysisError(f"cannot read the file: {exc.strerror or exc}") from exc
    handle = None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AnalysisError("not a regular file (a pipe, a device or a socket holds no "
                                "audio to analyse)")
        if info.st_size == 0:
            raise AnalysisError("cannot open the file as audio: it is empty (0 bytes)")
        by_descriptor = f"/proc/self/fd/{fd}"
        if os.path.exists(by_descriptor):
            source: object = by_descriptor
        else:
            handle = os.fdopen(os.dup(fd), "rb")
            source = handle
        try:
            container = av.open(source, "r", metadata_errors="ignore")
        except av.error.FFmpegError as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise AnalysisError(f"cannot open the file as audio: {reason}") from exc
        except OSError as exc:
            raise AnalysisError(f"cannot read the file: {exc.strerror or exc}") from exc
        try:
            yield container
        finally:
            container.close()
    finally:
        os.close(fd)
        if handle is not None:
            handle.close()


def _duration(container: av.container.InputContainer, stream: av.audio.AudioStream
              ) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _resampler(rate: int) -> av.AudioResampler:
    # Channels are summed at -3 dB each into mono, as FFmpeg downmixes.
    return av.AudioResampler(format="flt", layout="mono", rate=rate)


def _decode_piece(container: av.container.InputContainer, stream: av.audio.AudioStream,
                  start: float, length: float | None, rate: int) -> tuple[np.ndarray, int]:
    """Decode *length* seconds (None: to the end) from *start*; returns (samples, bad).

    Seeks to the keyframe at or before *start*, then drops the samples that come before
    it using the frames' timestamps. A packet that fails to decode is counted and skipped.
    """
    if start > 0 and stream.time_base is not None:
        try:
            container.seek(int(start / stream.time_base), stream=stream)
        except av.error.FFmpegError as exc:
            logger.debug("seek to %.1f s failed (%s); decoding from where we are", start, exc)
        stream.codec_context.flush_buffers()
    resampler = _resampler(rate)
    wanted = None if length is None else round(length * rate)
    chunks: list[np.ndarray] = []
    have = 0
    skip: int | None = None  # output samples before *start*, known from the first frame
    bad = bad_in_row = 0

    def take(frames: list[av.AudioFrame]) -> None:
        nonlocal have
        for out in frames:
            data = out.to_ndarray().reshape(-1)
            chunks.append(data)
            have += len(data)

    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except (av.error.FFmpegError, ValueError) as exc:
                bad += 1
                bad_in_row += 1
                logger.debug("skipping a packet that does not decode: %s", exc)
                if bad_in_row > MAX_BAD_PACKETS:
                    break
                continue
            bad_in_row = 0
            for frame in frames:
                if skip is None:
                    pts, base = frame.pts, frame.time_base
                    t0 = float(pts * base) if pts is not None and base is not None else start
                    skip = max(0, round((start - t0) * rate)) if start > 0 else 0
                try:
                    take(resampler.resample(frame))
                except ValueError:  # the stream changed its layout or rate mid-way
                    take(resampler.resample(None))
                    resampler = _resampler(rate)
                    take(resampler.resample(frame))
            if wanted is not None and skip is not None and have >= skip + wanted:
                break
        take(resampler.resample(None))
    except av.error.FFmpegError as exc:
        # The container itself is damaged past this point: keep what was decoded.
        logger.debug("demuxing stopped early: %s", exc)
        bad += 1
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    samples = samples[skip or 0:]
    if wanted is not None:
        samples = samples[:wanted]
    return np.ascontiguousarray(samples, dtype=np.float32), bad


def _audio_end(container: av.container.InputContainer, stream: av.audio.AudioStream,
               duration: float) -> float | None:
    """Where the stream's packets really end, in seconds, when that is far short of the
    stated *duration*; None when the file holds its whole length (or it cannot be told).

    Seeks to a little before the stated end and reads packets (without decoding them) to
    the end of the file. In a truncated file that seek lands on the last packets there are,
    or fails; then the packets are read from the start, which costs little since most of
    the file is missing.
    """
    base = stream.time_base
    if base is None:
        return None

    def last_packet_end(limit: float | None) -> float | None:
        end = None
        try:
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                at = float((packet.pts + (packet.duration or 0)) * base)
                end = at if end is None else max(end, at)
                if limit is not None and end >= limit:
                    break
        except av.error.FFmpegError as exc:  # the file ends in the middle of a packet
            logger.debug("reading packets stopped: %s", exc)
        return end

    whole = duration * TRUNCATED_SHARE
    stream.codec_context.flush_buffers()
    end = None
    try:
        container.seek(int(max(0.0, duration - END_PROBE_SECONDS) / base),
                       stream=stream)
        end = last_packet_end(whole)
    except av.error.FFmpegError as exc:
        logger.debug("seeking near the stated end failed: %s", exc)
    if end is None:
        try:
            container.seek(0, stream=stream)
        except av.error.FFmpegError:
            return None
        end = last_packet_end(whole)
    if end is None or end >= whole or duration - end < TRUNCATED_SECONDS:
        return None
    return end


def decode_excerpt(path: str, *, plan: ExcerptPlan = DEFAULT_PLAN,
                   rate: int = SAMPLE_RATE) -> Excerpt:
    """Decode the excerpt of the audio file at *path* to mono float32 at *rate* Hz.

    Raises AnalysisError when the file is not a regular file, cannot be opened, has no
    audio stream, or yields less than MIN_SECONDS of audio (for example a truncated or
    corrupt file).
    """
    with _opened(path) as container:
        if not container.streams.audio:
            raise AnalysisError("the file has no audio stream")
        stream = container.streams.audio[0]
        duration = _duration(container, stream)
        pieces: list[np.ndarray] = []
        bad = 0
        starts = plan.starts(duration)
        expected = sum(length if length is not None else (duration or 0.0)
                       for _, length in starts) * rate
        try:
            for start, length in starts:
                samples, piece_bad = _decode_piece(container, stream, start, length, rate)
                bad += piece_bad
                if len(samples):
                    pieces.append(samples)
        except av.error.FFmpegError as exc:
            raise AnalysisError(f"the audio cannot be decoded: {exc.strerror or exc}") from exc
        if sum(len(p) for p in pieces) < 0.5 * expected and len(starts) > 1:
            # Less than half the excerpt: the stated duration is wrong (a truncated file)
            # or seeking failed. Decode what there is from the start instead.
            try:
                container.seek(0, stream=stream)
                stream.codec_context.flush_buffers()
                samples, bad = _decode_piece(container, stream, 0.0, plan.total_seconds, rate)
            except av.error.FFmpegError as exc:
                logger.debug("decoding %r from the start failed too: %s", path, exc)
                samples = np.zeros(0, dtype=np.float32)
            if len(samples) > sum(len(p) for p in pieces):
                pieces = [samples]
        audio_end = None
        if duration is not None and duration > TRUNCATED_SECONDS and stream.time_base:
            audio_end = _audio_end(container, stream, duration)
        excerpt = Excerpt(tuple(pieces), rate, duration, bad, audio_end)
    if excerpt.seconds < MIN_SECONDS:
        if bad:
            raise AnalysisError(f"the audio cannot be decoded ({bad} damaged packets)")
        raise AnalysisError(
            f"the file holds {excerpt.seconds:.2f} s of audio, too little to describe"
        )
    if bad:
        logger.info("%r: skipped %d damaged packets", path, bad)
    return excerpt
