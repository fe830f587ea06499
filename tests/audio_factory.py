"""Real audio files for tests: numpy signals encoded with PyAV into every format it writes.

The container and codec follow from the file name's extension (see FORMATS). Signals are
mono float32 in -1..1 at the given sample rate; encoders that need another rate or layout
get a resampled copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class AudioFormat:
    container: str
    codec: str
    sample_fmt: str
    rate: int | None = None  # forced sample rate, None keeps the signal's
    bitrate: int | None = None
    layout: str = "mono"


#: Extension → how to encode. ".alac.m4a" is ALAC in an MP4 container.
FORMATS: dict[str, AudioFormat] = {
    ".mp3": AudioFormat("mp3", "libmp3lame", "s16p", bitrate=128_000),
    ".flac": AudioFormat("flac", "flac", "s16"),
    ".ogg": AudioFormat("ogg", "vorbis", "fltp", bitrate=96_000, layout="stereo"),
    ".opus": AudioFormat("opus", "libopus", "s16", rate=48_000, bitrate=64_000),
    ".m4a": AudioFormat("ipod", "aac", "fltp", bitrate=128_000),
    ".alac.m4a": AudioFormat("ipod", "alac", "s16p"),
    ".wma": AudioFormat("asf", "wmav2", "fltp", bitrate=128_000),
    ".wav": AudioFormat("wav", "pcm_s16le", "s16"),
    ".aiff": AudioFormat("aiff", "pcm_s16be", "s16"),
    ".wv": AudioFormat("wv", "wavpack", "s16p"),
}


def format_for(path: Path) -> AudioFormat:
    name = path.name.lower()
    for ext in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(ext):
            return FORMATS[ext]
    raise ValueError(f"no test encoder for {path.name}")


def sine(freq: float = 440.0, seconds: float = 1.0, rate: int = 22050,
         amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate), dtype=np.float64) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _resample(signal: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    if rate == new_rate:
        return signal
    n = round(len(signal) * new_rate / rate)
    x_old = np.linspace(0.0, 1.0, num=len(signal), endpoint=False)
    x_new = np.linspace(0.0, 1.0, num=n, endpoint=False)
    return np.interp(x_new, x_old, signal).astype(np.float32)


def write_audio(path: Path, signal: np.ndarray, rate: int = 22050,
                fmt: AudioFormat | None = None) -> Path:
    """Encode mono *signal* (float32, -1..1) at *rate* Hz into *path*; returns *path*."""
    fmt = fmt or format_for(path)
    out_rate = fmt.rate or rate
    data = _resample(np.clip(signal, -1.0, 1.0).astype(np.float32), rate, out_rate)
    channels = 2 if fmt.layout == "stereo" else 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format=fmt.container) as container:
        options = {"strict": "experimental"} if fmt.codec == "vorbis" else {}
        stream = container.add_stream(fmt.codec, rate=out_rate, options=options)
        stream.layout = fmt.layout
        stream.format = fmt.sample_fmt
        if fmt.bitrate:
            stream.bit_rate = fmt.bitrate
        converter = av.AudioResampler(format=fmt.sample_fmt, layout=fmt.layout, rate=out_rate)
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, len(data), frame_size):
            chunk = np.repeat(data[start:start + frame_size].reshape(1, -1), channels, axis=0)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp",
                                               layout=fmt.layout)
            frame.sample_rate = out_rate
            frame.pts = start
            for converted in converter.resample(frame):
                for packet in stream.encode(converted):
                    container.mux(packet)
        for converted in converter.resample(None):
            for packet in stream.encode(converted):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path

