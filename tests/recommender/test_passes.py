"""recommender/passes.py: the fast pass for every track, then the deep pass, or why not."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from audio_factory import sine, write_audio

from player.models import Track
from player.store import Store
from recommender import musicnn_weights
from recommender.layout import MUSICNN, MUSICNN_SIZE, MUSICNN_VERSION
from recommender.passes import DEEP, FAST, analyse_library


def _library(store: Store, folder: Path, count: int) -> list[int]:
    with store.db.transaction():
        return [store.tracks.upsert(Track(path=str(write_audio(
            folder / f"{i}.flac", sine(220.0 * (i + 1), 4.0))), duration=4.0))
            for i in range(count)]


def test_both_passes_describe_every_track_in_turn(store: Store, tmp_path: Path) -> None:
    ids = _library(store, tmp_path, 3)
    seen: list[str] = []
    analysis = analyse_library(store, workers=1, progress=lambda name, _p: seen.append(name))
    assert (analysis.fast.analysed, analysis.deep.analysed) == (3, 3)  # type: ignore[union-attr]
    assert seen.index(DEEP) > max(i for i, name in enumerate(seen) if name == FAST)
    for track in ids:
        vector = store.features.vector(track, MUSICNN_VERSION, kind=MUSICNN)
        assert vector is not None and vector.shape == (MUSICNN_SIZE,)
    assert analysis.summary() == "3 tracks described; 3 listened to closely"


def test_without_the_network_the_fast_pass_serves_alone_and_says_why(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    _library(store, tmp_path, 2)
    monkeypatch.setattr(musicnn_weights, "find_weights", lambda: None)
    with caplog.at_level(logging.WARNING):
        analysis = analyse_library(store, workers=1)
    assert analysis.fast.analysed == 2 and analysis.deep is None
    assert analysis.deep_off is not None and "not installed" in analysis.deep_off
    assert [r.getMessage() for r in caplog.records if "musicnn" in r.getMessage()] == \
        [analysis.deep_off]  # said once
    assert store.features.counts(MUSICNN_VERSION, kind=MUSICNN)["analysed"] == 0


def test_turned_off_the_deep_pass_does_not_run(store: Store, tmp_path: Path) -> None:
    _library(store, tmp_path, 1)
    analysis = analyse_library(store, workers=1, deep=False)
    assert analysis.deep is None and "turned off" in (analysis.deep_off or "")
