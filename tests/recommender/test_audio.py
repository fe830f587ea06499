"""recommender/audio.py: excerpts decoded from every format, by seeking; damage handled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from audio_factory import sine, write_audio

from player.errors import AnalysisError
from recommender.audio import SAMPLE_RATE, ExcerptPlan, decode_excerpt

RATE = 44100


def _ramp(seconds: float) -> np.ndarray:
    """A 440 Hz tone whose amplitude grows linearly from 0.1 to 0.9: its level tells time."""
    tone = sine(440.0, seconds, RATE, amplitude=1.0)
    return tone * np.linspace(0.1, 0.9, len(tone), dtype=np.float32)


def _amplitude_at(seconds: float, total: float) -> float:
    return 0.1 + 0.8 * seconds / total


def _peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(samples))


def test_the_plan_spreads_three_segments_and_keeps_short_tracks_whole() -> None:
    plan = ExcerptPlan(segments=3, segment_seconds=10.0)
    assert plan.starts(200.0) == [(45.0, 10.0), (95.0, 10.0), (145.0, 10.0)]
    assert plan.starts(30.0) == [(0.0, None)]
    assert plan.starts(None) == [(0.0, 30.0)]
    assert plan.starts(0.0) == [(0.0, 30.0)]


@pytest.mark.parametrize("ext", [".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".wma",
                                 ".aiff", ".wv", ".alac.m4a"])
def test_every_format_decodes_to_mono_at_the_fixed_rate(tmp_path: Path, ext: str) -> None:
    path = write_audio(tmp_path / f"tone{ext}", sine(440.0, 3.0, RATE, amplitude=0.5), RATE)
    excerpt = decode_excerpt(str(path))
    assert excerpt.rate == SAMPLE_RATE
    assert len(excerpt.segments) == 1
    samples = excerpt.segments[0]
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert excerpt.seconds == pytest.approx(3.0, abs=0.1)
    assert _peak_hz(samples) == pytest.approx(440.0, abs=6.0)
    middle = samples[SAMPLE_RATE // 2:-SAMPLE_RATE // 2]
    rms = float(np.sqrt(np.mean(middle ** 2)))
    # Stereo files (Ogg here) are summed at -3 dB per channel, as FFmpeg downmixes.
    expected = 0.5 / np.sqrt(2) * (np.sqrt(2) if ext == ".ogg" else 1.0)
    assert rms == pytest.approx(expected, rel=0.08)


@pytest.mark.parametrize("ext", [".flac", ".mp3"])
def test_a_long_track_is_read_at_a_quarter_half_and_three_quarters(tmp_path: Path,
                                                                    ext: str) -> None:
    total = 80.0
    path = write_audio(tmp_path / f"long{ext}", _ramp(total), RATE)
    excerpt = decode_excerpt(str(path))
    assert [len(s) for s in excerpt.segments] == [10 * SAMPLE_RATE] * 3
    for segment, centre in zip(excerpt.segments, (20.0, 40.0, 60.0), strict=True):
        amplitude = float(np.sqrt(2 * np.mean(segment ** 2)))
        # MP3 comes out a little quieter (−0.4 dB) but at the same place.
        assert amplitude == pytest.approx(_amplitude_at(centre, total), rel=0.07)


def test_a_one_second_track_is_decoded_whole(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "short.flac", sine(440.0, 1.0, RATE), RATE)
    excerpt = decode_excerpt(str(path))
    assert excerpt.seconds == pytest.approx(1.0, abs=0.02)


def test_a_truncated_file_gives_what_it_holds(tmp_path: Path) -> None:
    """The header promises 80 s but only the first ~30 % is there: decode from the start."""
    path = write_audio(tmp_path / "cut.mp3", _ramp(80.0), RATE)
    data = path.read_bytes()
    path.write_bytes(data[:len(data) * 3 // 10])
    excerpt = decode_excerpt(str(path))
    assert 15.0 < excerpt.seconds <= 30.0


@pytest.mark.parametrize("ext", [".mp3", ".m4a"])
def test_damaged_packets_are_skipped_not_fatal(tmp_path: Path, ext: str) -> None:
    path = write_audio(tmp_path / f"damaged{ext}", _ramp(80.0), RATE)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(3)
    for centre in (0.25, 0.5, 0.75):  # scribble over the middle of every segment
        start = int(len(data) * centre)
        data[start:start + 4000] = rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    excerpt = decode_excerpt(str(path))
    assert excerpt.bad_packets > 0
    assert excerpt.seconds == pytest.approx(30.0, abs=0.5)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "cannot open"),
    (b"this is not audio at all\n" * 200, "cannot open"),
    (bytes(range(256)) * 64, "cannot open"),
])
def test_files_that_are_not_audio_raise_a_readable_reason(tmp_path: Path, content: bytes,
                                                         reason: str) -> None:
    path = tmp_path / "song.mp3"
    path.write_bytes(content)
    with pytest.raises(AnalysisError, match=reason):
        decode_excerpt(str(path))


def test_a_missing_file_raises_a_readable_reason(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="No such file"):
        decode_excerpt(str(tmp_path / "gone.flac"))


# -- what is not a plain, whole audio file ----------------------------------------------------


def test_a_pipe_named_like_music_is_refused_at_once(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "a.mp3"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            decode_excerpt(str(fifo))
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the reader so the test process can end
        os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        pytest.fail("decoding a pipe hung")
    (error,) = outcome
    assert isinstance(error, AnalysisError) and "not a regular file" in str(error)


def test_a_file_whose_name_is_not_utf8_decodes(tmp_path: Path) -> None:
    import os

    source = write_audio(tmp_path / "tone.flac", sine(440.0, 2.0, RATE), RATE)
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.flac")
    os.rename(source, name)
    assert decode_excerpt(name).seconds == pytest.approx(2.0, abs=0.05)


@pytest.mark.parametrize(("ext", "keep"), [(".flac", 0.2), (".mp3", 0.3)])
def test_a_truncated_file_says_where_its_audio_ends(tmp_path: Path, ext: str,
                                                    keep: float) -> None:
    total = 120.0
    path = write_audio(tmp_path / f"cut{ext}", _ramp(total), RATE)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    excerpt = decode_excerpt(str(path))
    assert excerpt.duration == pytest.approx(total, abs=0.5)  # what the header states
    assert excerpt.audio_end is not None
    assert excerpt.audio_end == pytest.approx(total * keep, rel=0.15)


@pytest.mark.parametrize("ext", [".flac", ".mp3", ".ogg", ".m4a"])
def test_a_whole_file_has_no_early_end(tmp_path: Path, ext: str) -> None:
    path = write_audio(tmp_path / f"whole{ext}", _ramp(80.0), RATE)
    assert decode_excerpt(str(path)).audio_end is None
