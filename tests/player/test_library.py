"""player/library.py and player/walk.py: scanning a real, awkward library into the store."""

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

import mutagen
import pytest
from library_factory import (
    BAD_FILES,
    LONG_NAME,
    NON_UTF8_NAME,
    SKIPPED_FILES,
    STANDARD_READABLE,
    TagSet,
    make_track,
    standard_library,
    write_tags,
)
from mutagen.id3 import COMM
from unprivileged import as_unprivileged, hand_over

from player import tags as tags_module
from player.library import Scanner, ScanProgress
from player.models import PlayOutcome, PlaySource, Track
from player.store import Store
from player.tags import read_track

ROOT_DIR = Path(__file__).resolve().parents[2]


class CountingReader:
    """read_track, remembering every path it was asked to open."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, path: str, *, stat: os.stat_result | None = None) -> Track:
        self.paths.append(path)
        return read_track(path, stat=stat)


@pytest.fixture
def music(tmp_path: Path) -> Path:
    return standard_library(tmp_path / "music")


@pytest.fixture
def scanned(store: Store, music: Path) -> Store:
    store.roots.add(str(music))
    Scanner(store).scan()
    return store


def _ids(store: Store) -> dict[str, int]:
    return {t.path: t.id for t in store.tracks.all()}  # type: ignore[misc]


def test_first_scan_reads_every_format_and_records_every_failure(store: Store,
                                                                  music: Path) -> None:
    store.roots.add(str(music))
    reader = CountingReader()
    report = Scanner(store, reader=reader).scan()
    assert (report.added, report.errors, report.updated, report.moved, report.missing) == (
        len(STANDARD_READABLE), len(BAD_FILES), 0, 0, 0)
    assert report.cancelled is False and report.absent_roots == [] == report.empty_roots
    # Hidden entries and non-audio files are never opened; the loop is walked once.
    assert sorted(reader.paths) == sorted(
        str(music / p) for p in [*STANDARD_READABLE, *BAD_FILES])
    assert store.tracks.errors() == sorted((str(music / p), r) for p, r in BAD_FILES.items())
    for relpath in SKIPPED_FILES:
        assert store.tracks.by_path(str(music / relpath)) is None

    flac = store.tracks.by_path(str(music / "Sigur Rós/Ágætis byrjun/01 Svefn-g-englar.flac"))
    assert flac is not None
    assert (flac.title, flac.artists, flac.album, flac.genres, flac.year) == (
        "Svefn-g-englar", ("Sigur Rós",), "Ágætis byrjun", ("Post-rock",), 1999)
    assert (flac.track_number, flac.track_total, flac.codec, flac.duration) == (
        1, 10, "flac", 0.5)
    assert flac.missing_since is None and flac.scan_error is None and flac.rating is None
    m4a = store.tracks.by_path(str(music / "Various/Hits 2004/01 - Song A.m4a"))
    assert m4a is not None
    assert (m4a.artists, m4a.albumartists, m4a.disc_number, m4a.disc_total) == (
        ("Artist A", "Artist B"), ("Various Artists",), 1, 2)
    # The POPM rating another player wrote is the track's first rating, marked as from tags.
    mp3 = store.tracks.by_path(str(music / "Sigur Rós/Ágætis byrjun/02 Starálfur.mp3"))
    assert mp3 is not None and (mp3.rating, mp3.tag_rating) == (4, 4)
    assert [c.source for c in store.ratings.history(mp3.id)] == ["tag"]  # type: ignore[arg-type]


def test_awkward_names_and_links(scanned: Store, music: Path) -> None:
    odd = scanned.tracks.by_path(str(music / "Odd Names" / NON_UTF8_NAME))
    assert odd is not None and odd.title == "Café" and odd.path.endswith(NON_UTF8_NAME)
    assert os.fsencode(odd.path).endswith(b"caf\xe9 latin-1 name.ogg")
    assert os.path.exists(odd.path)
    assert len(LONG_NAME.encode()) == 250
    long = scanned.tracks.by_path(str(music / "Odd Names" / LONG_NAME))
    assert long is not None and long.title == "Long"
    linked = scanned.tracks.by_path(str(music / "Linked/linked song.flac"))
    assert linked is not None and linked.title == "Linked Song"
    tail = scanned.tracks.by_path(str(music / "Odd Names/garbage after.mp3"))
    assert tail is not None and (tail.title, tail.scan_error) == ("Garbage After", None)


def test_missing_title_is_stored_as_the_file_name(scanned: Store, music: Path) -> None:
    track = scanned.tracks.by_path(str(music / "Untagged/just a file name.flac"))
    assert track is not None
    assert (track.title, track.display_title) == ("just a file name", "just a file name")
    assert (track.artists, track.display_artist) == ((), "Unknown Artist")


def test_unchanged_rescan_opens_no_file(scanned: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_file = tags_module.mutagen.File
    monkeypatch.setattr(tags_module.mutagen, "File",
                        lambda path, *a, **k: opened.append(path) or real_file(path, *a, **k))
    reader = CountingReader()
    before = _ids(scanned)
    report = Scanner(scanned, reader=reader).scan()
    assert reader.paths == [] and opened == []
    assert report.unchanged == len(STANDARD_READABLE) + len(BAD_FILES)
    assert (report.added, report.updated, report.errors, report.missing) == (0, 0, 0, 0)
    assert _ids(scanned) == before


def test_touching_one_file_rereads_exactly_that_one(scanned: Store, music: Path) -> None:
    path = music / "Lossless/pack song.wv"
    write_tags(path, TagSet(title="Pack Song (Remaster)", artists=["WavPack Artist"]))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    old_id = _ids(scanned)[str(path)]
    reader = CountingReader()
    report = Scanner(scanned, reader=reader).scan()
    assert reader.paths == [str(path)]
    assert (report.updated, report.added, report.moved) == (1, 0, 0)
    track = scanned.tracks.by_path(str(path))
    assert track is not None and (track.id, track.title) == (old_id, "Pack Song (Remaster)")


def _play(store: Store, track_id: int, outcome: PlayOutcome) -> None:
    with store.db.transaction():
        play = store.plays.start(track_id, duration=0.5, source=PlaySource.USER)
        store.plays.finish(play, listened=0.5, outcome=outcome)


def test_moved_and_renamed_files_keep_id_rating_and_plays(scanned: Store, music: Path) -> None:
    old = music / "New Order/Power Corruption and Lies/03 Blue Monday.ogg"
    track_id = _ids(scanned)[str(old)]
    with scanned.db.transaction():
        scanned.ratings.set(track_id, 5)
    _play(scanned, track_id, PlayOutcome.COMPLETED)
    _play(scanned, track_id, PlayOutcome.SKIPPED)
    new = music / "Reorganised/1983/Blue Monday (renamed).ogg"
    new.parent.mkdir(parents=True)
    old.rename(new)
    report = Scanner(scanned).scan()
    assert (report.moved, report.added, report.missing) == (1, 0, 0)
    assert scanned.tracks.by_path(str(old)) is None
    moved = scanned.tracks.by_path(str(new))
    assert moved is not None
    assert (moved.id, moved.rating, moved.play_count, moved.skip_count) == (track_id, 5, 1, 1)
    assert moved.missing_since is None


def test_move_recognised_by_tags_and_duration_when_the_size_changed(scanned: Store,
                                                                    music: Path) -> None:
    old = music / "Lossless/pcm song.wav"
    track_id = _ids(scanned)[str(old)]
    new = music / "Elsewhere/pcm song.wav"
    new.parent.mkdir()
    old.rename(new)
    # Another tag than the identifying ones changes the size but not the recording.
    audio = mutagen.File(new)
    audio.tags.add(COMM(encoding=3, lang="eng", desc="", text=["a long comment" * 400]))
    audio.save()
    assert new.stat().st_size != scanned.tracks.get(track_id).size
    report = Scanner(scanned).scan()
    assert (report.moved, report.added, report.missing) == (1, 0, 0)
    assert scanned.tracks.get(track_id).path == str(new)


def test_vanished_file_is_missing_with_history_then_comes_back(scanned: Store,
                                                               music: Path) -> None:
    path = music / "Windows/Media Song.wma"
    track_id = _ids(scanned)[str(path)]
    _play(scanned, track_id, PlayOutcome.COMPLETED)
    keep = path.with_name("kept aside")
    shutil.move(path, keep)  # a name with no audio extension: invisible to the walk
    report = Scanner(scanned).scan()
    assert (report.missing, report.moved) == (1, 0)
    track = scanned.tracks.get(track_id)
    assert track.missing_since is not None and track.play_count == 1
    shutil.move(keep, path)
    reader = CountingReader()
    report = Scanner(scanned, reader=reader).scan()
    assert reader.paths == [] and report.restored == 1 and report.missing == 0
    assert "back 1" in report.summary()
    track = scanned.tracks.get(track_id)
    assert track.missing_since is None and track.play_count == 1


def test_absent_or_empty_root_leaves_its_tracks_alone(scanned: Store, music: Path) -> None:
    count = scanned.tracks.count()
    shutil.rmtree(music)  # the disk is not mounted
    report = Scanner(scanned).scan()
    assert report.absent_roots == [str(music)] and report.missing == 0
    music.mkdir()  # an empty mount point
    report = Scanner(scanned).scan()
    assert report.empty_roots == [str(music)] and report.missing == 0
    assert scanned.tracks.count() == count
    assert all(t.missing_since is None for t in scanned.tracks.all())


def _scanned_in(folder: Path) -> tuple[Path, Path]:
    """The standard library and its database in *folder*, scanned once: (music, db)."""
    music = standard_library(folder / "music")
    db = folder / "library.sqlite3"
    store = Store.open(db)
    try:
        store.roots.add(str(music))
        Scanner(store).scan()
    finally:
        store.close()
    return music, db


def test_unreadable_folder_is_reported_and_its_tracks_not_missing(world_folder: Path) -> None:
    music, db = _scanned_in(world_folder)
    hand_over(world_folder)
    folder = music / "Lossless"
    folder.chmod(0)
    report = as_unprivileged("scan", str(db), cwd=world_folder)
    assert report["unreadable_dirs"] == [[str(folder), "Permission denied"]]
    assert report["missing"] == 0


def test_unreadable_file_is_recorded(world_folder: Path) -> None:
    music, db = _scanned_in(world_folder)
    locked = make_track(music / "Bad/locked.mp3", TagSet(title="locked"))
    hand_over(world_folder)
    locked.chmod(0)
    report = as_unprivileged("scan", str(db), cwd=world_folder)
    assert report["errors"] == 1
    assert [str(locked), "cannot be opened: Permission denied"] in report["recorded"]


def test_tag_rating_only_when_the_track_has_no_rating_history(scanned: Store,
                                                              music: Path) -> None:
    path = music / "Lossless/monkey song.ape"
    track_id = _ids(scanned)[str(path)]
    with scanned.db.transaction():
        scanned.ratings.set(track_id, 2)
        scanned.ratings.set(track_id, 0)  # the user cleared it: history exists
    write_tags(path, TagSet(title="Monkey Song", artists=["APE Artist"],
                            extra={"FMPS_RATING": ["1.0"]}))
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))
    report = Scanner(scanned).scan()
    assert report.updated == 1
    track = scanned.tracks.get(track_id)
    assert (track.tag_rating, track.rating) == (5, None)


def test_retry_errors_rereads_failed_files(scanned: Store, music: Path) -> None:
    reader = CountingReader()
    report = Scanner(scanned, reader=reader).scan(retry_errors=True)
    assert sorted(reader.paths) == sorted(str(music / p) for p in BAD_FILES)
    assert report.errors == len(BAD_FILES)


def test_progress_and_batches(store: Store, music: Path) -> None:
    seen: list[ScanProgress] = []
    scanner = Scanner(store, batch_files=4)
    report = scanner.scan([str(music)], progress=seen.append)
    assert store.roots.list() == []  # scanning a folder does not make it a root
    phases = [p.phase for p in seen]
    assert phases[0] in ("walking", "reading") and phases[-1] == "done"
    last = seen[-1]
    total = len(STANDARD_READABLE) + len(BAD_FILES)
    assert (last.seen, last.to_read, last.read, last.errors) == (total, total, total,
                                                                 len(BAD_FILES))
    assert report.added == len(STANDARD_READABLE)


def test_cancel_stops_early_marks_nothing_missing_and_next_scan_finishes(
        scanned: Store, music: Path) -> None:
    for n in range(6):
        make_track(music / f"New/{n:02d}.mp3", TagSet(title=f"new {n}"))
    (music / "Windows/Media Song.wma").unlink()
    stop = threading.Event()

    def reader(path: str, *, stat: os.stat_result | None = None) -> Track:
        if len(calls) == 2:
            stop.set()
        calls.append(path)
        return read_track(path, stat=stat)

    calls: list[str] = []
    report = Scanner(scanned, reader=reader, batch_files=1).scan(cancel=stop)
    assert report.cancelled and report.missing == 0 and report.added == 3
    assert all(t.missing_since is None for t in scanned.tracks.all())
    calls.clear()
    report = Scanner(scanned, reader=reader).scan(cancel=lambda: False)
    assert (report.cancelled, report.added, report.missing) == (False, 3, 1)
    assert len(calls) == 3


def test_nested_roots_list_each_file_once(store: Store, music: Path) -> None:
    store.roots.add(str(music))
    store.roots.add(str(music / "Lossless"))
    report = Scanner(store).scan()
    assert report.added == len(STANDARD_READABLE)
    assert store.tracks.count() == len(STANDARD_READABLE) + len(BAD_FILES)


_KILL_SCRIPT = """
import sys, time
from player.library import Scanner
from player.store import Store
from player.tags import read_track

def slow(path, *, stat=None):
    time.sleep(0.02)
    return read_track(path, stat=stat)

Scanner(Store.open(sys.argv[1]), reader=slow, batch_files=5).scan([sys.argv[2]])
"""


@pytest.mark.slow
def test_scan_killed_midway_leaves_a_sound_database_and_resumes(tmp_path: Path) -> None:
    root = tmp_path / "many"
    first = make_track(root / "000.mp3", TagSet(title="t000"))
    for n in range(1, 80):
        copy = root / f"{n:03d}.mp3"
        shutil.copy(first, copy)
        write_tags(copy, TagSet(title=f"t{n:03d}", artists=["Kill Test"]))
    db = tmp_path / "kill.sqlite3"
    Store.open(db).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR)}
    proc = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT, str(db), str(root)], env=env)
    try:
        deadline = time.monotonic() + 30
        done = 0
        while done < 15 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            with sqlite3.connect(db) as conn:
                done = conn.execute("SELECT count(*) FROM tracks").fetchone()[0]
        assert proc.poll() is None, "the scan ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    store = Store.open(db)
    try:
        assert store.db.integrity_check() == "ok"
        before = store.tracks.count()
        assert 15 <= before < 80 and before % 5 == 0  # whole batches only
        reader = CountingReader()
        report = Scanner(store, reader=reader).scan([str(root)])
        assert len(reader.paths) == 80 - before == report.added
        assert report.unchanged == before and store.tracks.count() == 80
    finally:
        store.close()


def test_broken_links_loops_and_pipes_named_like_music_are_listed_as_problems(
        store: Store, tmp_path: Path) -> None:
    music = tmp_path / "music"
    make_track(music / "fine.ogg", TagSet(title="Fine"))
    (music / "a.mp3").symlink_to("b.mp3")  # two links that lead to each other
    (music / "b.mp3").symlink_to("a.mp3")
    (music / "gone.flac").symlink_to(tmp_path / "elsewhere" / "gone.flac")
    os.mkfifo(music / "pipe.ogg")
    (music / "notes").symlink_to("nowhere")  # not named like music: not our business
    store.roots.add(str(music))
    report = Scanner(store).scan()
    assert (report.added, report.errors) == (1, 4)
    assert store.tracks.errors() == [
        (str(music / "a.mp3"), "a link that leads back to itself (a link loop)"),
        (str(music / "b.mp3"), "a link that leads back to itself (a link loop)"),
        (str(music / "gone.flac"), f"a broken link: {tmp_path / 'elsewhere' / 'gone.flac'} "
                                   "is not there"),
        (str(music / "pipe.ogg"), "not a regular file (a pipe, a socket or a device)"),
    ]
    again = Scanner(store).scan()  # nothing changed: nothing read or counted again
    assert (again.added, again.errors, again.unchanged, again.missing) == (0, 0, 5, 0)
    # The link is mended: the file behind it is read like any other.
    make_track(tmp_path / "elsewhere" / "gone.flac", TagSet(title="Back"))
    Scanner(store).scan()
    back = store.tracks.by_path(str(music / "gone.flac"))
    assert back is not None and (back.title, back.scan_error) == ("Back", None)
    (music / "a.mp3").unlink()  # a link removed: its problem goes with it
    (music / "b.mp3").unlink()
    Scanner(store).scan()
    assert [p for p, _ in store.tracks.errors()] == [str(music / "pipe.ogg")]
