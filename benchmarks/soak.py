"""Soak: a big, partly broken library scanned, analysed and given a long history while a
player plays, to show that nothing goes unreported, no play is lost and writes never wait.

    .venv/bin/python benchmarks/soak.py [--files 20000] [--lines 50000] [--jobs 2]

1. Builds --files files (copies of short encoded files in five formats, each retagged),
   of which 5 % are bad, spread over every kind of trouble Riffle meets: empty files, text
   named .mp3, truncated files, random bytes behind a real header, files whose content
   does not match their name, absurd tag numbers, names that are not UTF-8 or hold
   terminal escapes, broken links, link loops and pipes named like music.
2. Starts `riffle play --repeat queue --aout dummy` on a few tracks in its own process.
3. While it plays: scans the library, analyses it, and imports --lines lines of listening
   history (5 % of them bad), while a probe writes a setting every 100 ms and times how
   long each write waits for the lock.
4. Stops the player with Ctrl-C (SIGINT) and checks: every bad file that cannot be read or
   described is in a problems list (scan errors, analysis errors, damaged files), every
   bad history line is reported, every play the player announced has its row, and the
   database passes SQLite's integrity check.

Prints throughput (files/s, tracks/s, lines/s), problems reported, the worst write wait,
and peak memory (this process, and the biggest child: the player or an analysis worker).
Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from library_factory import TagSet, make_track, write_tags  # noqa: E402

from player.library import Scanner  # noqa: E402
from player.settings import ANALYSIS_WORKERS, Settings  # noqa: E402
from player.store import Store  # noqa: E402
from player.store.database import Database  # noqa: E402
from recommender.analysis import LibraryAnalyser  # noqa: E402
from recommender.layout import FEATURE_VERSION  # noqa: E402

FORMATS = (".mp3", ".flac", ".ogg", ".m4a", ".opus")
#: Kinds of bad file; those in MUST_REPORT may never pass silently.
BAD_KINDS = ("empty", "text", "truncated", "garbage", "disguised", "absurd", "non_utf8",
             "escapes", "broken_link", "link_loop", "pipe")
MUST_REPORT = {"empty", "text", "truncated", "garbage", "broken_link", "link_loop", "pipe"}


def build(root: Path, count: int, rng: random.Random) -> dict[str, str]:
    """The library: path → kind ("good" or one of BAD_KINDS)."""
    seeds = {ext: make_track(root / "_seeds" / f"seed{ext}", None, seconds=40.0,
                             freq=330.0 + 40 * i)
             for i, ext in enumerate(FORMATS)}
    kinds: dict[str, str] = {}
    bad_every = 20  # 5 %
    for n in range(count):
        ext = FORMATS[n % len(FORMATS)]
        artist, album = f"Artist {n // 200:03d}", f"Album {n // 20:04d}"
        folder = root / artist / album
        folder.mkdir(parents=True, exist_ok=True)
        kind = BAD_KINDS[(n // bad_every) % len(BAD_KINDS)] if n % bad_every == 7 else "good"
        name = f"{n % 20 + 1:02d} Track {n:05d}{ext}"
        if kind == "non_utf8":
            path = Path(os.fsdecode(os.fsencode(str(folder)) + f"/caf\xe9 {n}".encode(
                "latin-1") + ext.encode()))
        elif kind == "escapes":
            path = folder / f"\x1b]0;title\x07\x1b[2J {n}{ext}"
        else:
            path = folder / name
        tags = TagSet(title=f"Track {n:05d}", artists=[artist], album=album,
                      genres=["Soak"], date=str(1960 + n % 60), track=f"{n % 20 + 1}/20")
        if kind == "empty":
            path.write_bytes(b"")
        elif kind == "text":
            path = path.with_suffix(".mp3")
            path.write_text("not music, just words\n" * 50)
        elif kind in ("truncated", "garbage"):
            shutil.copyfile(seeds[".flac"], path.with_suffix(".flac"))
            path = path.with_suffix(".flac")
            write_tags(path, tags)
            data = path.read_bytes()
            if kind == "truncated":
                path.write_bytes(data[:len(data) // 5])
            else:
                header = data[:4096]
                path.write_bytes(header + rng.randbytes(len(data) - len(header)))
        elif kind == "disguised":  # a FLAC file named .mp3
            real = path.with_suffix(".flac")
            shutil.copyfile(seeds[".flac"], real)
            write_tags(real, tags)
            path = path.with_suffix(".mp3")
            real.rename(path)
        elif kind == "absurd":
            shutil.copyfile(seeds[".flac"], path.with_suffix(".flac"))
            path = path.with_suffix(".flac")
            write_tags(path, TagSet(title="Absurd", artists=[f"A{i}" for i in range(5000)],
                                    rg_track_gain="1e308 dB", track="1e309",
                                    extra={"RATING": ["1e400"]}))
        elif kind == "broken_link":
            path.symlink_to(root / "nowhere" / path.name)
        elif kind == "link_loop":
            path.symlink_to(path.name)
        elif kind == "pipe":
            os.mkfifo(path)
        else:
            shutil.copyfile(seeds[ext], path)
            write_tags(path, tags)
        kinds[str(path)] = kind
    shutil.rmtree(root / "_seeds")
    return kinds


class WriteProbe(threading.Thread):
    """Writes a setting every 100 ms from its own connection and keeps the longest wait,
    as the player's play log or a rating in the window would meet it."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(daemon=True)
        self.db_path = db_path
        self.worst = 0.0
        self.writes = 0
        self.failures: list[str] = []
        self._halt = threading.Event()

    def run(self) -> None:
        store = Store(Database(self.db_path))
        try:
            while not self._halt.wait(0.1):
                started = time.perf_counter()
                try:
                    with store.db.transaction():
                        store.settings.set("soak.probe", self.writes)
                except Exception as exc:  # a write that fails is what this measures
                    self.failures.append(str(exc))
                self.worst = max(self.worst, time.perf_counter() - started)
                self.writes += 1
        finally:
            store.close()

    def stop(self) -> None:
        self._halt.set()
        self.join()


def history_lines(paths: list[str], count: int, rng: random.Random) -> tuple[list[str], int]:
    lines, bad = [], 0
    for i in range(count):
        if i % 20 == 3:
            lines.append(rng.choice(["{broken", '{"track": "/nowhere.mp3", "started_at": 1}',
                                     '{"track": 1, "started_at": "yesterday"}']))
            bad += 1
            continue
        lines.append(json.dumps({"track": rng.choice(paths), "started_at": 1.5e9 + 97 * i,
                                 "listened": rng.uniform(1, 300),
                                 "outcome": rng.choice(["completed", "skipped", "stopped"])}))
    return lines, bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=2, help="analysis worker processes")
    parser.add_argument("--keep", type=Path, help="build the library here and keep it")
    args = parser.parse_args()
    rng = random.Random(20)
    work = args.keep or Path(tempfile.mkdtemp(prefix="riffle-soak-"))
    failures: list[str] = []
    try:
        music, db_path = work / "music", work / "soak.sqlite3"
        started = time.perf_counter()
        kinds = build(music, args.files, rng)
        print(f"built {len(kinds):,} files ({sum(k != 'good' for k in kinds.values()):,} bad, "
              f"{len(BAD_KINDS)} kinds) in {time.perf_counter() - started:.0f} s")

        # the player's few tracks, scanned first so it can start at once
        playlist = work / "playlist"
        for i in range(3):
            make_track(playlist / f"p{i}.ogg", TagSet(title=f"Loop {i}", album="Soak Loop",
                                                      artists=["Player"]), seconds=2.0)
        store = Store.open(db_path)
        Settings(store.settings).set(ANALYSIS_WORKERS, args.jobs)
        store.roots.add(str(playlist))
        Scanner(store).scan()
        store.close()
        player = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "play",
             "album:soak loop", "--repeat", "queue", "--aout", "dummy"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        probe = WriteProbe(db_path)
        probe.start()

        store = Store.open(db_path)
        store.roots.add(str(music))
        started = time.perf_counter()
        report = Scanner(store).scan([str(music)])
        scan_seconds = time.perf_counter() - started
        print(f"scan: {report.summary()} in {scan_seconds:.1f} s "
              f"({len(kinds) / scan_seconds:,.0f} files/s)")

        started = time.perf_counter()
        summary = LibraryAnalyser(store, workers=args.jobs).run()
        analysis_seconds = time.perf_counter() - started
        print(f"analysis: {summary.analysed:,} described, {summary.failed:,} failed, "
              f"{len(summary.damaged):,} damaged in {analysis_seconds:.0f} s "
              f"({summary.done / analysis_seconds:.1f} tracks/s, {args.jobs} workers)")

        from player.history_io import import_history

        readable = [p for p, k in kinds.items() if k == "good"]
        lines, bad_lines = history_lines(readable, args.lines, rng)
        started = time.perf_counter()
        imported = import_history(store, lines)
        import_seconds = time.perf_counter() - started
        print(f"import: {imported.imported:,} plays, {len(imported.problems):,} bad lines "
              f"reported in {import_seconds:.1f} s ({len(lines) / import_seconds:,.0f} "
              "lines/s)")

        probe.stop()
        player.send_signal(signal.SIGINT)
        out, err = player.communicate(timeout=120)
        announced = out.count("▶ ")

        # -- checks -------------------------------------------------------------------------
        problems = {p: r for p, r in store.tracks.errors()}
        problems.update({e.path: e.error for e in store.features.errors(FEATURE_VERSION)})
        problems.update(dict(store.tracks.damaged()))
        unreported = [p for p, k in kinds.items() if k in MUST_REPORT and p not in problems]
        by_kind = Counter(kinds[p] for p in problems if p in kinds)
        print("problems reported: " + ", ".join(f"{k} {by_kind[k]}" for k in BAD_KINDS
                                                if by_kind[k]))
        if unreported:
            failures.append(f"{len(unreported)} bad files unreported, e.g. {unreported[:3]}")
        if len(imported.problems) != bad_lines:
            failures.append(f"{bad_lines} bad history lines, {len(imported.problems)} reported")
        player_plays = sum(len(store.plays.for_track(t.id)) for t in
                           store.tracks.find("album:\"soak loop\"") if t.id is not None)
        print(f"player: {announced} plays announced, {player_plays} logged; "
              f"{probe.writes} probe writes, worst wait {probe.worst * 1000:.0f} ms, "
              f"{len(probe.failures)} failed")
        if player_plays < announced:
            failures.append(f"{announced - player_plays} announced plays have no row")
        if probe.failures:
            failures.append(f"writes failed: {probe.failures[:2]}")
        if player.returncode not in (0, 130):
            failures.append(f"the player ended with {player.returncode}: {err[-500:]}")
        verdict = store.db.integrity_check()
        if verdict != "ok":
            failures.append(f"integrity: {verdict}")
        store.close()
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory: {own:.0f} MB here, {children:.0f} MB in the biggest child")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
