"""Seeks land where they are asked: the grid of block formats, the correction of a stray
landing, and every format played through libvlc with audible position marks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from audio_factory import FORMATS
from seek_marks import OGGENC, Listener, measure_seek, write_marked

from player.playback import VlcBackend
from player.seek_points import (
    ANYWHERE,
    SEEK_RETRIES,
    SeekCheck,
    SeekGrid,
    demuxer_for,
    seek_correction,
    seek_grid,
)

#: The aim for every format: within half a second of the request, reported and heard.
TOLERANCE_S = 0.5


def test_a_grid_snaps_to_the_nearest_block_start_never_just_after_it() -> None:
    grid = SeekGrid(1000.0)
    assert grid.snap(30_400) == 30_000
    assert grid.snap(30_600) == 31_000
    odd = SeekGrid(1000.0 * 4608 / 44100)  # 104.49 ms blocks
    assert odd.snap(960) == 940  # 9 blocks = 940.4 ms: a whole ms at or before the start
    assert odd.snap(1000) == 1044  # 10 blocks = 1044.9 ms
    assert ANYWHERE.snap(12_345) == 12_345
    assert grid.snap(-50) == 0


def test_wavpack_files_report_their_block_length(tmp_path: Path) -> None:
    path = write_marked(tmp_path / "m.wv", 3.0)
    grid = seek_grid(str(path))
    assert grid.step_ms > 0 and grid.snap(1234) % round(grid.step_ms) in (0, 1)
    assert seek_grid(str(write_marked(tmp_path / "m.flac", 2.0))) is ANYWHERE
    assert demuxer_for("/m/a.OGG") == demuxer_for("/m/b.opus") == "avformat,any"
    assert demuxer_for("/m/a.mp3") is None
    fake = tmp_path / "not.wv"
    fake.write_bytes(b"RIFF" + bytes(100))
    assert seek_grid(str(fake)) is ANYWHERE
    assert seek_grid(str(tmp_path / "gone.wv")) is ANYWHERE


def test_a_landing_far_from_the_request_is_asked_again_then_compensated() -> None:
    assert seek_correction(60_000, 60_050, 600, 0) is None  # on target
    assert seek_correction(60_000, 60_500, 600, 0) is None  # on target, and playing since
    assert seek_correction(60_000, 69_000, 600, 0) == 60_000  # 8.4 s late: once more
    assert seek_correction(60_000, 69_000, 600, 1) == 51_600  # still late: compensated
    assert seek_correction(60_000, 52_000, 600, 1) == 68_000  # early: the other way
    assert seek_correction(60_000, 69_000, 600, SEEK_RETRIES) is None  # it stands
    check = SeekCheck(5_000)  # a seek made when opening: judged from its first position
    assert not check.settled(100.0)
    assert check.settled(100.7) and check.again(5_700, 100.7) is None


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("marked")
    return {ext: write_marked(folder / f"marked{ext}", 60.0) for ext in [*FORMATS, OGGENC]}


@pytest.fixture(scope="module")
def listening() -> Iterator[tuple[VlcBackend, Listener]]:
    listener = Listener()
    backend = VlcBackend(lambda _e: None, audio_tap=listener)
    yield backend, listener
    backend.close()


@pytest.mark.slow
@pytest.mark.parametrize("ext", [*FORMATS, OGGENC])
def test_seek_lands_where_asked_as_reported_and_as_heard(
        ext: str, marked: dict[str, Path], listening: tuple[VlcBackend, Listener]) -> None:
    backend, listener = listening
    target_ms = 41_700  # libvlc's own Ogg demuxer put this 7.8 s late in the oggenc file
    reported, decoded = measure_seek(backend, listener, marked[ext], target_ms)
    assert decoded is not None, "no position mark was heard after the seek"
    assert abs(decoded - target_ms / 1000) < TOLERANCE_S, (reported, decoded)
    assert abs(reported - target_ms / 1000) < TOLERANCE_S, (reported, decoded)


@pytest.mark.slow
@pytest.mark.parametrize("ext", [".ogg", OGGENC, ".mp3", ".wv"])
def test_a_resumed_track_starts_where_it_was_left(
        ext: str, marked: dict[str, Path], listening: tuple[VlcBackend, Listener]) -> None:
    backend, listener = listening
    start_ms = 20_300  # libvlc's own Ogg demuxer started the oggenc file 3.9 s late here
    reported, decoded = measure_seek(backend, listener, marked[ext], start_ms,
                                     start_ms=start_ms)
    assert decoded is not None
    assert abs(decoded - start_ms / 1000) < TOLERANCE_S, (reported, decoded)
    assert abs(reported - start_ms / 1000) < TOLERANCE_S, (reported, decoded)
