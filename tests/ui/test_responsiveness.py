"""The GUI thread stays responsive while a full scan and the audio analysis run."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from window_rig import Rig, make_music

from PySide6.QtCore import QTimer

from ui.library_jobs import analysis_function, similar_function

#: The timer asks for a tick this often (milliseconds); lag is how much later it comes.
TICK_MS = 10


class LagMeter:
    """Measures how late a repeating timer fires: the event loop's longest stall."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.ticks = 0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, (now - self._last) * 1000 - TICK_MS)
        self._last = now
        self.ticks += 1


@pytest.mark.slow
def test_scan_and_analysis_never_stall_the_window_then_similar_tracks_show(
        make_window: Callable[..., Rig], tmp_path: Path, qtbot: QtBot) -> None:
    analyse = analysis_function()
    if analyse is None:
        pytest.skip("this Riffle has no audio analysis")
    from recommender.features import FEATURE_VERSION
    music = tmp_path / "music"
    for n in range(3):  # 27 tracks: three copies of the test library, each its own folder
        make_music(music / f"shelf {n}", seconds=4.0)
    rig = make_window(roots=(music,), analyse=analyse, similar=similar_function())
    jobs = rig.window.actions_.jobs
    finished: list[str] = []
    jobs.scan_finished.connect(lambda _r: finished.append("scan"))
    jobs.analysis_finished.connect(lambda _r: finished.append("analysis"))
    meter = LagMeter()
    meter.start()
    jobs.scan()
    qtbot.waitUntil(lambda: finished == ["scan", "analysis"] and not jobs.running,
                    timeout=120_000)
    meter.stop()
    print(f"worst event-loop lag {meter.worst:.1f} ms over {meter.ticks} ticks")
    assert len(rig.window.model.library) == 27
    assert rig.store.features.count_pending(FEATURE_VERSION) == 0
    assert meter.ticks > 20
    assert meter.worst < 100, f"the event loop stalled for {meter.worst:.0f} ms"

    # once analysed, "Similar tracks" lists the tracks nearest in sound
    w = rig.window
    first = w.model.track_id(0)
    w.show_similar(first)
    qtbot.waitUntil(lambda: w.model.pinned and w.model.rowCount() > 1, timeout=10_000)
    assert w.model.track_id(0) == first
    assert w.library.browse_label.text().startswith("Sounds like")
    w.show_all()
    assert w.model.rowCount() == 27
