"""recommender/analysis.py: the process pool run, end to end, on real files and a real store."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from analysis_helpers import (
    DELAY_ENV,
    LOG_ENV,
    RUN_ENV,
    crashing_analyse,
    logged_analyse,
    read_log,
    stuck_analyse,
)
from audio_factory import write_audio
from music_factory import STYLES, render
from processes import live_processes, wait_for

from player.models import Track
from player.store import Store
from recommender.analysis import LibraryAnalyser, Progress
from recommender.features import DIMENSIONS, FEATURE_VERSION

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.slow  # process pools: a second or two of start-up per run


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One short piece of music; tests copy it to as many tracks as they need."""
    folder = tmp_path_factory.mktemp("sample")
    return write_audio(folder / "sample.flac", render(STYLES["rock"], 3.0, seed=1))


def _library(store: Store, folder: Path, sample: Path, count: int,
             extra: dict[str, bytes] | None = None) -> list[int]:
    """*count* copies of *sample* (plus files named in *extra* with the bytes given) as
    tracks of *store*; returns their ids in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        paths.append(folder / f"track{i:02d}.flac")
        shutil.copy(sample, paths[-1])
    for name, content in (extra or {}).items():
        paths.append(folder / name)
        paths[-1].write_bytes(content)
    with store.db.transaction():
        return [store.tracks.upsert(Track(path=str(p), duration=3.0)) for p in paths]


def _silent_flac(folder: Path) -> bytes:
    return write_audio(folder / "silence-source.flac", np.zeros(44100, np.float32)).read_bytes()


def test_every_pending_track_gets_a_vector_or_a_reason(store: Store, tmp_path: Path,
                                                       sample: Path) -> None:
    extra = {"broken.mp3": b"\xff\xfb" + bytes(3000), "silent.flac": _silent_flac(tmp_path)}
    ids = _library(store, tmp_path / "music", sample, 4, extra)
    reports: list[Progress] = []
    summary = LibraryAnalyser(store, workers=2, batch_size=2).run(progress=reports.append)
    assert (summary.total, summary.analysed, summary.failed, summary.cancelled) == \
        (6, 4, 2, False)
    final = reports[-1]
    assert (final.done, final.total, final.errors) == (6, 6, 2)
    assert final.rate > 0
    assert [r.done for r in reports] == sorted(r.done for r in reports)
    served = store.features.load_matrix(FEATURE_VERSION)
    assert served.ids.tolist() == ids[:4]
    assert served.matrix.shape == (4, DIMENSIONS)
    assert np.allclose(served.matrix, served.matrix[0])  # the same music, the same vector
    reasons = {Path(e.path).name: e.error for e in store.features.errors(FEATURE_VERSION)}
    assert reasons["silent.flac"] == "the audio is silent"
    assert reasons["broken.mp3"].startswith("cannot open the file as audio")
    assert store.features.count_pending(FEATURE_VERSION) == 0
    again = LibraryAnalyser(store, workers=2).run()
    assert (again.total, again.analysed) == (0, 0)


def test_tracks_about_to_play_go_first(store: Store, tmp_path: Path, sample: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "order.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    ids = _library(store, tmp_path / "music", sample, 6)
    analyser = LibraryAnalyser(store, workers=1, analyse=logged_analyse)
    analyser.prioritise([ids[4]])  # e.g. the track the listener just queued
    analyser.run(priority=[ids[5], ids[2]])
    order = [Path(p).name for _run, p in read_log(log)]
    assert order[:3] == ["track04.flac", "track05.flac", "track02.flac"]
    assert sorted(order) == [f"track{i:02d}.flac" for i in range(6)]


def test_cancel_keeps_what_finished_and_the_next_run_does_the_rest(
        store: Store, tmp_path: Path, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "runs.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    monkeypatch.setenv(DELAY_ENV, "0.2")
    _library(store, tmp_path / "music", sample, 8)
    cancel = threading.Event()

    def stop_after_two(progress: Progress) -> None:
        if progress.done >= 2:
            cancel.set()

    first = LibraryAnalyser(store, workers=1, batch_size=1, analyse=logged_analyse).run(
        progress=stop_after_two, cancel=cancel)
    assert first.cancelled
    assert 2 <= first.analysed < 8
    assert store.features.counts(FEATURE_VERSION)["analysed"] == first.analysed
    assert store.features.count_pending(FEATURE_VERSION) == 8 - first.analysed
    monkeypatch.setenv(DELAY_ENV, "0")
    second = LibraryAnalyser(store, workers=2, analyse=logged_analyse).run()
    assert second.analysed == 8 - first.analysed and not second.cancelled
    analysed = [p for _run, p in read_log(log)]
    assert len(analysed) == len(set(analysed)) == 8


def test_a_file_that_crashes_its_worker_is_found_and_the_others_analysed(
        store: Store, tmp_path: Path, sample: Path) -> None:
    content = sample.read_bytes()
    _library(store, tmp_path / "music", sample, 3, {"crash.flac": content})
    summary = LibraryAnalyser(store, workers=2, analyse=crashing_analyse).run()
    assert (summary.analysed, summary.failed) == (3, 1)
    [(_tid, path, reason)] = summary.errors
    assert Path(path).name == "crash.flac"
    assert reason == "the decoder crashed on this file"


def _saved(db_path: Path) -> dict[int, float]:
    """track id → analysed_at of every stored result, read by a separate connection."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
    try:
        return dict(conn.execute("SELECT track_id, analysed_at FROM features").fetchall())
    finally:
        conn.close()


def test_a_run_killed_with_sigkill_resumes_without_analysing_a_track_twice(
        db_path: Path, tmp_path: Path, sample: Path) -> None:
    count = 24
    store = Store.open(db_path)
    ids = _library(store, tmp_path / "music", sample, count)
    store.close()
    log = tmp_path / "runs.log"
    env = {**os.environ, LOG_ENV: str(log), DELAY_ENV: "0.1",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), str(ROOT / "tests")])}
    command = [sys.executable, str(HERE / "analysis_run.py"), str(db_path), "1", "2"]

    first = subprocess.Popen(command, env={**env, RUN_ENV: "first"}, cwd=ROOT,
                             start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(_saved(db_path)) < 6:
            assert first.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.02)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the run and its worker processes
        first.wait()
    before = _saved(db_path)
    assert 6 <= len(before) < count

    second = subprocess.run(command, env={**env, RUN_ENV: "second", DELAY_ENV: "0"},
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    after = _saved(db_path)
    assert sorted(after) == sorted(ids)
    assert {t: after[t] for t in before} == before  # finished tracks were not redone
    by_run: dict[str, list[str]] = {}
    for run, path in read_log(log):
        by_run.setdefault(run, []).append(path)
    done_first = {str(tmp_path / "music" / f"track{ids.index(t):02d}.flac") for t in before}
    assert not done_first & set(by_run["second"])
    assert len(by_run["second"]) == len(set(by_run["second"])) == count - len(before)
    assert second.stdout.strip() == f"analysed {count - len(before)} failed 0"


# -- nothing hangs, nothing is left behind ----------------------------------------------------


def test_a_file_that_takes_too_long_is_given_up_with_the_reason(
        store: Store, tmp_path: Path, sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOG_ENV, str(tmp_path / "runs.log"))
    content = sample.read_bytes()
    ids = _library(store, tmp_path / "music", sample, 3, {"stuck.flac": content})
    summary = LibraryAnalyser(store, workers=2, time_limit=5.0,
                              analyse=stuck_analyse).run()
    assert (summary.analysed, summary.failed, summary.cancelled) == (3, 1, False)
    [(track_id, path, reason)] = summary.errors
    assert (track_id, Path(path).name) == (ids[3], "stuck.flac")
    assert reason == "analysing took longer than 5 s; stopped"
    assert store.features.error(ids[3], FEATURE_VERSION) == reason  # not tried again
    assert LibraryAnalyser(store, workers=1).run().total == 0


def _start_run(db_path: Path, tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "runs.log"
    env = {**os.environ, LOG_ENV: str(log), DELAY_ENV: "0", RUN_ENV: "run",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE), str(ROOT / "tests")])}
    process = subprocess.Popen([sys.executable, str(HERE / "analysis_run.py"), str(db_path),
                                *args], env=env, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.PIPE, text=True)
    return process, log


def _stuck_library(db_path: Path, tmp_path: Path, sample: Path) -> None:
    store = Store.open(db_path)
    try:
        content = sample.read_bytes()
        _library(store, tmp_path / "music", sample, 0,
                 {"stuck1.flac": content, "stuck2.flac": content, "stuck3.flac": content})
    finally:
        store.close()


def test_workers_die_with_their_parent_even_on_sigkill(db_path: Path, tmp_path: Path,
                                                       sample: Path) -> None:
    _stuck_library(db_path, tmp_path, sample)
    run, log = _start_run(db_path, tmp_path, "2", "1")
    try:
        wait_for(lambda: len(read_log(log)) >= 2, "both workers to take a file")
        assert len(live_processes(run.pid)) >= 3  # the run, its two workers, the resource tracker
    finally:
        os.kill(run.pid, signal.SIGKILL)  # the parent alone, as an out-of-memory kill would
        run.wait()
    wait_for(lambda: not live_processes(run.pid), "the workers to die with their parent")


@pytest.mark.parametrize("signals", [[signal.SIGINT, signal.SIGINT], [signal.SIGTERM]])
def test_a_second_ctrl_c_or_sigterm_stops_at_once(db_path: Path, tmp_path: Path,
                                                  sample: Path, signals: list[int]) -> None:
    _stuck_library(db_path, tmp_path, sample)
    # The grace after a first Ctrl-C is an hour: only a real "at once" ends the run.
    run, log = _start_run(db_path, tmp_path, "2", "1", "3600")
    try:
        wait_for(lambda: len(read_log(log)) >= 2, "both workers to take a file")
        for number, signum in enumerate(signals):
            if number:
                assert run.stdout is not None and run.stdout.readline() == "finishing\n"
            os.kill(run.pid, signum)
        out, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 130
    expected = "Terminated" if signals == [signal.SIGTERM] else "StopNow"
    assert out.strip().endswith(f"stopped by {expected}")
    wait_for(lambda: not live_processes(run.pid), "no worker left behind", 10)


def test_a_truncated_file_is_flagged_and_its_length_corrected(store: Store, tmp_path: Path,
                                                              sample: Path) -> None:
    whole = write_audio(tmp_path / "whole.flac", render(STYLES["rock"], 120.0, seed=2))
    data = whole.read_bytes()
    ids = _library(store, tmp_path / "music", sample, 1,
                   {"cut.flac": data[:len(data) // 5], "whole.flac": data})
    with store.db.transaction():  # as the scan read them: the header's 2:00
        for track_id in ids[1:]:
            track = store.tracks.get(track_id)
            track.duration = 120.0
            store.tracks.upsert(track)
    summary = LibraryAnalyser(store, workers=1).run()
    assert (summary.analysed, summary.failed) == (3, 0)
    [(track_id, path, damage)] = summary.damaged
    assert track_id == ids[1] and damage.startswith("truncated: audio ends at 0:2")
    assert damage.endswith(" of 2:00")
    assert store.tracks.damaged() == [(path, damage)]
    assert 20.0 < store.tracks.get(ids[1]).duration < 28.0
    assert store.tracks.get(ids[2]).duration == 120.0
    assert store.features.count_pending(FEATURE_VERSION) == 0  # still current
