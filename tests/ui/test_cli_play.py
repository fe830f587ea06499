"""`riffle play` end to end on real libvlc (dummy audio output): what plays is printed, every
play is logged, bad files are passed over with a reason, and a killed player keeps its play."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from audio_factory import sine, write_audio

import main
from player.fake_backend import FakeBackend
from player.models import PlayOutcome, PlaySource, Track
from player.queue import Queue, RepeatMode
from player.queue_saving import QueueSaver
from player.settings import AUTO_SHUFFLE, Settings
from player.store import Store
from ui.cli.context import CliContext
from ui.cli.play_commands import prepare_player

ROOT = Path(__file__).resolve().parents[2]


def _add(store: Store, path: Path, title: str, seconds: float, album: str = "Record") -> int:
    return store.tracks.upsert(Track(path=str(path), title=title, artists=("Band",),
                                     album=album, duration=seconds))


@pytest.mark.slow
def test_play_a_query_passing_over_a_vanished_and_a_corrupt_file(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        first = _add(store, write_audio(tmp_path / "1.mp3", sine(440, 1.5)), "First", 1.5)
        gone_path = write_audio(tmp_path / "2.mp3", sine(500, 1.5))
        gone = _add(store, gone_path, "Gone", 1.5)
        corrupt_path = tmp_path / "3.mp3"
        corrupt_path.write_bytes(b"\x00\x01 not audio " * 500)
        corrupt = _add(store, corrupt_path, "Corrupt", 1.5)
        last = _add(store, write_audio(tmp_path / "4.mp3", sine(600, 1.5)), "Last", 1.5)
        _add(store, write_audio(tmp_path / "other.mp3", sine(700, 1.0)), "Elsewhere", 1.0,
             album="Another")
    store.close()
    gone_path.unlink()

    status = main.main(["--db", str(db_path), "play", "album:record", "--aout", "dummy"])
    out, err = capsys.readouterr()
    assert status == 0
    assert out.splitlines() == ["▶ Band – First (Record)  [0:02]",
                                "▶ Band – Last (Record)  [0:02]"]
    assert "Cannot play Band – Gone: the file is gone" in err
    assert "Cannot play Band – Corrupt" in err
    store = Store.open(db_path)
    try:
        rows = [(p.track_id, p.outcome, p.source) for p in store.plays.all()]
        assert rows == [(first, PlayOutcome.COMPLETED, PlaySource.USER),
                        (gone, PlayOutcome.ERROR, PlaySource.USER),
                        (corrupt, PlayOutcome.ERROR, PlaySource.USER),
                        (last, PlayOutcome.COMPLETED, PlaySource.USER)]
        assert store.tracks.get(gone).missing
        assert "decode" in (store.tracks.get(corrupt).play_error or "")
        assert store.tracks.get(corrupt).play_count == 0  # an error is not a play
    finally:
        store.close()

    # A track known to be missing is not offered again.
    status = main.main(["--db", str(db_path), "play", "gone", "--aout", "dummy"])
    assert status == 1
    assert "no playable track matches 'gone'" in capsys.readouterr().err


@pytest.mark.slow
def test_a_saved_queue_resumes_and_passes_over_a_vanished_file(tmp_path: Path, db_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        ) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        path = write_audio(tmp_path / "a.mp3", sine(440, 1.0))
        vanished = _add(store, path, "Vanished", 1.0)
        after = _add(store, write_audio(tmp_path / "b.mp3", sine(550, 1.0)), "After", 1.0)
    # A queue saved by an earlier session; the file vanishes before the player starts again.
    Queue(None, auto=False, saver=QueueSaver(store.queue_state)).play_now([vanished, after])
    Settings(store.settings).set(AUTO_SHUFFLE, False)  # only the saved queue plays
    store.close()
    path.unlink()
    status = main.main(["--db", str(db_path), "play", "--aout", "dummy"])
    out, err = capsys.readouterr()
    assert status == 0
    assert "the file is gone" in err and out.splitlines() == ["▶ Band – After (Record)  [0:01]"]
    store = Store.open(db_path)
    try:
        assert store.tracks.get(vanished).missing
        assert [(p.track_id, p.outcome) for p in store.plays.all()] == [
            (vanished, PlayOutcome.ERROR), (after, PlayOutcome.COMPLETED)]
    finally:
        store.close()


@pytest.mark.slow
def test_play_without_a_query_falls_back_to_the_whole_library(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Auto-shuffle off and nothing saved: `riffle play` plays the library, shuffled; and
    --shuffle without a query plays the whole library even when a queue was saved."""
    store = Store.open(db_path)
    with store.db.transaction():
        ids = {_add(store, write_audio(tmp_path / f"{name}.mp3", sine(440 + 50 * i, 0.6)),
                    name, 0.6) for i, name in enumerate(("One", "Two", "Three"))}
    Settings(store.settings).set(AUTO_SHUFFLE, False)
    store.close()
    assert main.main(["--db", str(db_path), "play", "--aout", "dummy"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == sorted(f"▶ Band – {n} (Record)  [0:01]" for n in ("One", "Two",
                                                                             "Three"))
    store = Store.open(db_path)
    first = min(ids)
    Queue(None, auto=False, saver=QueueSaver(store.queue_state)).play_now([first])  # a saved queue
    store.close()
    assert main.main(["--db", str(db_path), "play", "--shuffle", "--aout", "dummy"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    store = Store.open(db_path)
    try:
        plays = store.plays.all()
        assert len(plays) == 6 and {p.track_id for p in plays} == ids
        assert {p.outcome for p in plays} == {PlayOutcome.COMPLETED}
    finally:
        store.close()


def test_repeat_queue_on_an_empty_queue_repeats_the_whole_library(tmp_path: Path,
                                                                  db_path: Path) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        ids = {_add(store, tmp_path / f"{i}.mp3", f"T{i}", 60.0) for i in range(4)}
    store.close()
    ctx = CliContext(db_path=db_path)
    try:
        args = argparse.Namespace(query=[], shuffle=False, repeat="queue", aout=None)
        queue = prepare_player(args, ctx, FakeBackend(lambda _event: None), []).queue
        assert queue.current is not None
        assert {queue.current.track_id, *(e.track_id for e in queue.upcoming)} == ids
        assert queue.repeat is RepeatMode.QUEUE
    finally:
        ctx.close()


def test_the_players_auto_part_learns_a_removal_and_is_drawn_again(tmp_path: Path,
                                                                  db_path: Path) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        for i in range(30):
            store.tracks.upsert(Track(path=str(tmp_path / f"{i}.mp3"), title=f"T{i}",
                                      artists=(f"Artist {i}",), duration=60.0))
    store.close()
    ctx = CliContext(db_path=db_path, factories=main.factories())
    try:
        args = argparse.Namespace(query=[], shuffle=False, repeat=None, aout=None)
        player = prepare_player(args, ctx, FakeBackend(lambda _event: None), [])
        queue = player.queue
        assert len(queue.auto_part) == 10
        before = {e.key for e in queue.auto_part}
        removed = queue.auto_part[2]
        queue.remove([removed.key])
        assert [tid for tid, _at in ctx.store.removals.all()] == [removed.track_id]
        assert len(queue.auto_part) == 10 and not before & {e.key for e in queue.auto_part}
        assert removed.track_id not in [e.track_id for e in queue.auto_part]
        player.close()
    finally:
        ctx.close()


@pytest.mark.slow
def test_killed_player_leaves_the_play_with_the_seconds_heard(tmp_path: Path,
                                                              db_path: Path) -> None:
    store = Store.open(db_path)
    track = _add(store, write_audio(tmp_path / "long.mp3", sine(440, 12.0)), "Long", 12.0)
    store.close()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "main.py", "--db", str(db_path), "play", "long", "--aout", "dummy"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed when the track starts
        assert line.startswith("▶ Band – Long")
        time.sleep(5.0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    store = Store.open(db_path)
    try:
        plays = store.plays.all()
        assert [(p.track_id, p.outcome) for p in plays] == [(track, None)]
        assert 3.8 <= plays[0].listened <= 5.5
    finally:
        store.close()


def test_play_without_libvlc_says_how_to_install_it_and_keeps_the_queue(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(db_path)
    track = _add(store, write_audio(tmp_path / "a.mp3", sine(440, 0.5)), "Kept", 0.5)
    Queue(None, auto=False, saver=QueueSaver(store.queue_state)).enqueue([track])
    store.close()
    monkeypatch.setitem(sys.modules, "vlc", None)  # importing vlc now fails
    assert main.main(["--db", str(db_path), "play", "kept"]) == 1
    err = capsys.readouterr().err
    assert "apt-get install libvlc5 vlc-plugin-base" in err and "Traceback" not in err
    assert main.main(["--db", str(db_path), "list"]) == 0  # the library still works
    assert "Kept" in capsys.readouterr().out
    store = Store.open(db_path)
    try:
        saved = store.queue_state.load()
        assert [(e.part, e.track_id) for e in saved] == [("user", track)]
    finally:
        store.close()


@pytest.mark.slow
def test_a_no_learn_session_is_logged_but_changes_nothing_the_shuffle_does(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        played = [_add(store, write_audio(tmp_path / f"{i}.mp3", sine(300 + 50 * i, 0.8)),
                       f"Guest {i}", 0.8, album="Party") for i in range(2)]
        for i in range(12):
            _add(store, tmp_path / f"lib{i}.mp3", f"Mine {i}", 200.0, album=f"Album {i % 3}")
        store.ratings.set(played[0] + 3, 5)
    store.close()

    def picks() -> str:
        assert main.main(["--db", str(db_path), "next", "-n", "8", "--json", "--seed",
                          "4"]) == 0
        return capsys.readouterr().out

    before = picks()
    assert main.main(["--db", str(db_path), "play", "album:party", "--no-learn",
                      "--aout", "dummy"]) == 0
    capsys.readouterr()
    assert picks() == before
    store = Store.open(db_path)
    try:
        plays = store.plays.all()
        assert [(p.track_id, p.outcome, p.learn) for p in plays] == [
            (played[0], PlayOutcome.COMPLETED, False), (played[1], PlayOutcome.COMPLETED, False)]
    finally:
        store.close()
    assert main.main(["--db", str(db_path), "history", "export"]) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["learn"] for e in exported] == [False, False]


def test_play_a_file_whose_name_is_not_utf8(tmp_path: Path, db_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "music"
    made = write_audio(folder / "plain.mp3", sine(440, 1.5))
    os.rename(made, os.fsencode(folder) + b"/Caf\xe9 del Mar.mp3")  # Latin-1, not UTF-8
    assert main.main(["--db", str(db_path), "scan", str(folder)]) == 0
    capsys.readouterr()
    status = main.main(["--db", str(db_path), "play", "--aout", "dummy", "caf"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.startswith("▶ ") and "Caf" in out
    store = Store.open(db_path)
    try:
        assert [p.outcome for p in store.plays.all()] == [PlayOutcome.COMPLETED]
    finally:
        store.close()


@pytest.mark.slow
def test_a_second_player_on_the_same_library_is_refused_and_touches_nothing(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.open(db_path)
    with store.db.transaction():
        _add(store, write_audio(tmp_path / "long.mp3", sine(440, 20.0)), "Long", 20.0)
    store.close()
    first = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "play", "long",
         "--aout", "dummy"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            check = Store.open(db_path)
            try:
                if check.plays.unfinished():
                    break
            finally:
                check.close()
            time.sleep(0.1)
        assert main.main(["--db", str(db_path), "play", "long", "--aout", "dummy"]) == 1
        err = capsys.readouterr().err
        assert "already playing from the library" in err and "Traceback" not in err
        check = Store.open(db_path)
        try:
            assert len(check.plays.unfinished()) == 1  # the first one's play is left open
        finally:
            check.close()
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    check = Store.open(db_path)
    try:
        assert [p.outcome for p in check.plays.all()] == [PlayOutcome.STOPPED]
    finally:
        check.close()
