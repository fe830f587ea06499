"""SIGKILL at random moments of every command that writes: nothing committed is lost, the
file stays sound, the next run carries on, and no process is left behind.

Each command is killed at 20 moments drawn from a fixed seed, on one library that lives
through all of them: after every kill SQLite's integrity check must pass and what the
command reported as done must be in the database; at the end a run that is left alone
finishes the work.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest
from audio_factory import sine, write_audio
from kills import (
    integrity,
    kill_moments,
    moments_in_work,
    rows,
    run_and_kill,
    run_and_kill_once,
    start,
    work_begins,
)
from library_factory import TagSet, write_tags

from player.models import Track
from player.store import Store

pytestmark = pytest.mark.slow

KILLS = 20


# -- rate ------------------------------------------------------------------------------------

RATE_LOOP = """
import random, sys
import main
db, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
for _ in range(100000):
    track, stars = rng.randint(1, 30), rng.randint(0, 5)
    print("try", track, stars, flush=True)
    if main.main(["--db", db, "rate", str(track), str(stars)]) != 0:
        sys.exit(1)
    print("done", track, stars, flush=True)
"""


def test_rate_loops_killed_keep_every_committed_rating(db_path: Path) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        for i in range(30):
            store.tracks.upsert(Track(path=f"/m/{i:02d}.ogg", title=f"T{i}"))
    store.close()
    done: list[tuple[int, int]] = []
    for number, moment in enumerate(kill_moments(seed=11, count=KILLS, low=0.4, high=1.2)):
        killed = run_and_kill([str(db_path), str(number)], moment, program=RATE_LOOP)
        assert not killed.finished, killed.err
        assert integrity(db_path) == "ok"
        lines = [line.split() for line in killed.out.splitlines()
                 if line.startswith(("try ", "done "))]
        done += [(int(t), int(s)) for word, t, s in lines if word == "done"]
        tried = [(int(t), int(s)) for word, t, s in lines if word == "try"]
        stored = rows(db_path, "SELECT track_id, stars FROM ratings ORDER BY id")
        # every rating reported done is stored, in order; at most the one under way more
        assert stored[:len(done)] == done
        assert len(stored) - len(done) <= 1
        if len(stored) > len(done):
            assert stored[-1] == tried[-1]
            done.append(stored[-1])
    assert len(done) > KILLS  # the loops got somewhere before each kill


# -- history import --------------------------------------------------------------------------


def test_a_killed_history_import_keeps_its_batches_and_the_next_adds_only_the_rest(
        db_path: Path, tmp_path: Path) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        for i in range(50):
            store.tracks.upsert(Track(path=f"/m/{i:02d}.ogg", title=f"T{i}", duration=200.0))
    store.close()
    per_file = 10_000
    mid_import = 0
    histories = []
    for round_, (moment, after) in enumerate(zip(
            kill_moments(seed=12, count=KILLS, low=0.2, high=1.0),
            kill_moments(seed=112, count=KILLS, low=0.0, high=0.15), strict=True)):
        # each round imports a history of its own, so every run has plays to write
        histories.append("".join(
            json.dumps({"track": 1 + i % 50, "started_at": 1.6e9 + round_ * 1e7 + 300 * i,
                        "listened": 100 + i % 90, "outcome": "completed"}) + "\n"
            for i in range(per_file)))
        history = tmp_path / f"plays-{round_}.jsonl"
        history.write_text(histories[-1])
        argv = ["--db", str(db_path), "history", "import", str(history)]
        before = _count(db_path, "plays")
        if round_ % 4 == 0:  # now and then while it starts
            killed = run_and_kill(argv, moment)
        else:  # mostly while it writes
            killed = run_and_kill_once(argv, lambda b=before: _count(db_path, "plays") > b,
                                       after)
        assert integrity(db_path) == "ok"
        [(plays, distinct)] = rows(
            db_path, "SELECT count(*), count(DISTINCT track_id || '@' || started_at) FROM plays")
        assert plays == distinct  # never a play twice
        assert plays >= before  # never a committed play lost
        if killed.finished:
            assert plays == before + per_file
        mid_import += before < plays < before + per_file
    assert mid_import >= KILLS // 2  # most kills came in the middle of an import
    # Importing everything again adds exactly what the kills cut off, nothing twice.
    everything = tmp_path / "everything.jsonl"
    everything.write_text("".join(histories))
    present = _count(db_path, "plays")
    final = start(["--db", str(db_path), "history", "import", str(everything)])
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert out.startswith(f"imported {KILLS * per_file - present} plays, {present} already")
    assert _count(db_path, "plays") == KILLS * per_file


# -- scan ------------------------------------------------------------------------------------


def _read_since(db_path: Path, mtime_ns: int) -> int:
    """Tracks the scan read with this modification time (0 before its tables exist)."""
    if not _count(db_path, "tracks"):
        return 0
    return rows(db_path, "SELECT count(*) FROM tracks WHERE mtime_ns = ?", (mtime_ns,))[0][0]


def test_a_killed_scan_leaves_a_sound_library_and_the_next_one_finishes(
        db_path: Path, tmp_path: Path) -> None:
    music = tmp_path / "music"
    source = write_audio(tmp_path / "source.ogg", sine(440.0, 0.3, rate=8000), rate=8000)
    files = []
    for i in range(600):
        path = music / f"artist {i // 50}" / f"{i:04d} song.ogg"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, path)
        write_tags(path, TagSet(title=f"Song {i}", artists=[f"Artist {i // 50}"]))
        files.append(str(path))
    trial = tmp_path / "trial.sqlite3"
    begins = work_begins(["--db", str(trial), "scan", str(music)],
                         lambda: _count(trial, "tracks") > 0)
    read_in_round = []
    for round_, moment in enumerate(moments_in_work(seed=13, count=KILLS, begins=begins,
                                                    lasting=0.5), start=1):
        stamp = 1_700_000_000 * 10**9 + round_ * 10**9  # every file changed: all to read
        for path in files:
            os.utime(path, ns=(stamp, stamp))
        argv = ["--db", str(db_path), "scan", str(music)]
        if round_ % 2:  # at a moment in its start or its work
            run_and_kill(argv, moment)
        else:  # right after its first batch is written: the rest is still to read (at
            # once the first time, so a fast machine cannot finish the scan first)
            run_and_kill_once(argv, lambda s=stamp: _read_since(db_path, s) > 0,
                              moment % 0.2 if round_ > 2 else 0.0)
        assert integrity(db_path) == "ok"
        stored = rows(db_path, "SELECT path, mtime_ns, scan_error FROM tracks") \
            if _count(db_path, "tracks") else []  # (killed before it made its tables)
        assert {p for p, _, _ in stored} <= set(files) and len(stored) == len({
            p for p, _, _ in stored})
        assert all(error is None for _, _, error in stored)
        read_in_round.append(sum(1 for _, mtime, _ in stored if mtime == stamp))
    assert any(0 < n < len(files) for n in read_in_round)  # kills came mid-scan
    final = start(["--db", str(db_path), "scan", "--json"])
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    report = json.loads(out)
    assert (report["errors"], report["missing"], report["moved"]) == (0, 0, 0)
    assert report["unchanged"] == read_in_round[-1]  # what the last run wrote is kept
    assert report["added"] + report["updated"] == len(files) - read_in_round[-1]
    assert sorted(r[0] for r in rows(db_path, "SELECT path FROM tracks")) == sorted(files)


def _count(db: Path, table: str) -> int:
    try:
        return int(rows(db, f"SELECT count(*) FROM {table}")[0][0])  # type: ignore[call-overload]
    except sqlite3.Error:  # not created yet
        return 0


# -- play ------------------------------------------------------------------------------------


def test_a_killed_player_keeps_its_plays_and_the_next_start_closes_them(
        db_path: Path, tmp_path: Path) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        for i, name in enumerate(("One", "Two", "Three")):
            path = write_audio(tmp_path / f"{name}.ogg", sine(300.0 + 100 * i, 1.0))
            store.tracks.upsert(Track(path=str(path), title=name, artists=("Band",),
                                      album="Rec", duration=1.0))
    store.close()
    argv = ["--db", str(db_path), "play", "album:rec", "--aout", "dummy"]
    known = 0
    for moment in kill_moments(seed=14, count=KILLS, low=0.5, high=2.5):
        killed = run_and_kill(argv, moment)
        assert integrity(db_path) == "ok"
        started = killed.out.count("▶ ")
        plays = rows(db_path, "SELECT count(*), count(outcome) FROM plays")[0]
        assert plays[0] >= known + started  # every announced play has its row
        assert plays[0] - plays[1] <= 1  # only the play cut short is still open
        known = plays[0]
    assert known >= KILLS // 2  # kills came while it played
    final = start(argv)
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert out.count("▶ ") == 3
    open_plays = rows(db_path, "SELECT count(*) FROM plays WHERE outcome IS NULL")
    assert open_plays == [(0,)]  # the play a kill cut short was closed at the next start
    assert rows(db_path, "SELECT count(*) FROM plays")[0][0] >= known + 3


# -- analyze ---------------------------------------------------------------------------------


def test_a_killed_analysis_leaves_no_worker_behind_and_resumes(db_path: Path,
                                                               tmp_path: Path) -> None:
    from music_factory import STYLES, render

    tracks = 60  # enough that a kill soon after the first result lands mid-analysis
    _copies(db_path, tmp_path, render(STYLES["rock"], 6.0, seed=3), tracks, 6.0)
    done_in_round = []
    for round_, (moment, after) in enumerate(zip(
            kill_moments(seed=15, count=KILLS, low=0.2, high=2.0),
            kill_moments(seed=115, count=KILLS, low=0.0, high=0.5), strict=True)):
        # every track read again since its analysis: the whole library is to analyse
        stamp = time.time()
        rows(db_path, "UPDATE tracks SET updated_at = ?", (stamp,))
        before = _count(db_path, "features")
        argv = ["--db", str(db_path), "analyze", "--no-deep", "--jobs", str(1 + round_ % 2)]
        # both wait until the killed run's workers are gone
        if round_ % 2 == 0:  # while it starts its workers
            run_and_kill(argv, moment)
        else:  # while they work
            run_and_kill_once(argv, lambda s=stamp: _analysed_since(db_path, s) > 0, after)
        assert integrity(db_path) == "ok"
        assert _count(db_path, "features") >= before  # no stored result lost
        done_in_round.append(_analysed_since(db_path, stamp))
    assert sum(1 for n in done_in_round if 0 < n < tracks) >= KILLS // 4  # mid-analysis
    last = dict(rows(db_path, "SELECT track_id, analysed_at FROM features"))
    final = start(["--db", str(db_path), "analyze", "--no-deep", "--jobs", "2"])
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    left = tracks - done_in_round[-1]
    assert out.startswith(f"Analysed {left} of {left} tracks" if left
                          else "Every track is already analysed.")
    now = dict(rows(db_path, "SELECT track_id, analysed_at FROM features"))
    redone = [t for t, at in last.items() if at >= stamp and now[t] != at]
    assert redone == []  # what the last killed run finished was not done again
    assert rows(db_path, "SELECT count(*) FROM features WHERE error IS NOT NULL") == [(0,)]


def _copies(db_path: Path, folder: Path, audio: np.ndarray, tracks: int,
            seconds: float) -> None:
    """*tracks* copies of one rendered piece as FLAC files under folder/music, in the
    library at *db_path* (not analysed)."""
    sample = write_audio(folder / "sample.flac", audio)
    store = Store.open(db_path)
    with store.db.transaction():
        for i in range(tracks):
            path = folder / "music" / f"{i:02d}.flac"
            path.parent.mkdir(exist_ok=True)
            shutil.copy(sample, path)
            store.tracks.upsert(Track(path=str(path), title=f"T{i}", duration=seconds))
    store.close()


def _analysed_since(db: Path, since: float, kind: str = "sound") -> int:
    return int(rows(db, "SELECT count(*) FROM features WHERE analysed_at >= ? AND kind = ?",
                    (since, kind))[0][0])


def test_a_killed_deep_pass_resumes_without_listening_twice(db_path: Path,
                                                           tmp_path: Path) -> None:
    from music_factory import STYLES, render

    tracks = 16
    _copies(db_path, tmp_path, render(STYLES["folk"], 8.0, seed=5), tracks, 8.0)
    argv = ["--db", str(db_path), "analyze", "--jobs", "1"]
    run_and_kill_once(argv, lambda: _analysed_since(db_path, 0.0, "musicnn") > 0, 0.3)
    assert integrity(db_path) == "ok"
    assert _analysed_since(db_path, 0.0) == tracks  # the fast pass had finished
    first = dict(rows(db_path, "SELECT track_id, analysed_at FROM features "
                               "WHERE kind = 'musicnn'"))
    assert 0 < len(first) < tracks
    final = start([*argv, "--json"])
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    report = json.loads(out)
    assert report["fast"]["tracks"] == 0 and report["deep"]["tracks"] == tracks - len(first)
    now = dict(rows(db_path, "SELECT track_id, analysed_at FROM features "
                             "WHERE kind = 'musicnn'"))
    assert len(now) == tracks and all(now[t] == at for t, at in first.items())
