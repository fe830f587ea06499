"""A full scan and analysis in the window's background work, then similar tracks show.

How responsive the window stays meanwhile is measured, not asserted: see
benchmarks/responsiveness.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from window_rig import Rig, make_music

from ui.library_columns import Column
from ui.library_jobs import analysis_function, similar_function


@pytest.mark.slow
def test_scan_and_analysis_run_in_the_background_then_similar_tracks_show(
        make_window: Callable[..., Rig], tmp_path: Path, qtbot: QtBot) -> None:
    from recommender.layout import FEATURE_VERSION

    analyse = analysis_function()
    music = tmp_path / "music"
    for n in range(3):  # 27 tracks: three copies of the test library, each its own folder
        make_music(music / f"shelf {n}", seconds=4.0)
    rig = make_window(roots=(music,), analyse=analyse, similar=similar_function())
    jobs = rig.window.actions_.jobs
    finished: list[str] = []
    jobs.scan_finished.connect(lambda _r: finished.append("scan"))
    jobs.analysis_finished.connect(lambda _r: finished.append("analysis"))
    jobs.scan()
    qtbot.waitUntil(lambda: finished == ["scan", "analysis"] and not jobs.running,
                    timeout=120_000)
    assert len(rig.window.model.library) == 27
    assert rig.store.features.count_pending(FEATURE_VERSION) == 0

    # once analysed, "Similar tracks" lists the tracks nearest in sound, with how far each
    # is and what it shares, as riffle similar prints them
    from recommender.index import SoundIndex
    from recommender.reasons import sounds_alike

    w = rig.window
    first = w.model.track_id(0)
    w.show_similar(first)
    qtbot.waitUntil(lambda: w.model.pinned and w.model.rowCount() > 1, timeout=10_000)
    assert w.model.track_id(0) == first
    assert w.library.browse_label.text().startswith("Sounds like")
    header = w.library.table.horizontalHeader()
    assert not header.isSectionHidden(Column.DISTANCE)
    assert not header.isSectionHidden(Column.SHARED)
    model = w.model
    expected = SoundIndex.from_store(rig.store).neighbours(first, 50)
    assert [model.track_id(r) for r in range(1, model.rowCount())] == \
        [n.track_id for n in expected]
    assert model.index(0, Column.SHARED).data() == "the track itself"
    assert [model.index(r, Column.DISTANCE).data() for r in range(1, model.rowCount())] == \
        [f"{n.distance:.3f}" for n in expected]
    assert [model.index(r, Column.SHARED).data() for r in range(1, model.rowCount())] == \
        [sounds_alike(n.groups) for n in expected]
    w.show_all()
    assert w.model.rowCount() == 27
    assert header.isSectionHidden(Column.DISTANCE) and header.isSectionHidden(Column.SHARED)
