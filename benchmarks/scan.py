"""Scan speed: Riffle's first scan against a bare mutagen loop, and an unchanged re-scan.

    .venv/bin/python benchmarks/scan.py [--files 5000] [--rounds 3] [--keep DIR]

Builds a tree of tagged files (copies of a few encoded files in different formats, each
retagged with its own title, artist, album and track number), then measures, in one run:

- bare loop: `mutagen.File(path)` over every file, nothing else (files/s);
- first scan: `Scanner.scan()` into a fresh database: walk, stat, read tags, write rows;
- their ratio (aim: at least 0.75);
- unchanged re-scan: the same scan again, which must open no file (aim: under 0.5 s).

Each timing is the best of --rounds, after one untimed pass that warms the page cache, so
the figures compare work, not disk luck.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import mutagen  # noqa: E402
from library_factory import TagSet, make_track, write_tags  # noqa: E402

from player.library import Scanner, ScanReport  # noqa: E402
from player.store import Store  # noqa: E402

FORMATS = (".mp3", ".flac", ".ogg", ".m4a", ".opus")


def build_tree(root: Path, count: int) -> list[Path]:
    """*count* tagged files under root/artist/album/, the formats taking turns."""
    seeds = {ext: make_track(root / "_seeds" / f"seed{ext}", None, seconds=3.0)
             for ext in FORMATS}
    paths = []
    for n in range(count):
        ext = FORMATS[n % len(FORMATS)]
        artist, album = f"Artist {n // 200:03d}", f"Album {n // 20:04d}"
        path = root / artist / album / f"{n % 20 + 1:02d} Track {n:05d}{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seeds[ext], path)
        write_tags(path, TagSet(title=f"Track {n:05d}", artists=[artist], album=album,
                                genres=["Benchmark"], date=str(1960 + n % 60),
                                track=f"{n % 20 + 1}/20"))
        paths.append(path)
    shutil.rmtree(root / "_seeds")
    return paths


def bare_loop(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        mutagen.File(path)
    return time.perf_counter() - started


def timed_scan(root: Path, db: Path) -> tuple[float, ScanReport]:
    """Seconds one scan of *root* into the database at *db* takes, and its report."""
    store = Store.open(db)
    try:
        started = time.perf_counter()
        report = Scanner(store).scan([str(root)])
        return time.perf_counter() - started, report
    finally:
        store.close()


def first_scan(root: Path, db: Path) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    elapsed, report = timed_scan(root, db)
    assert report.errors == 0, report
    return elapsed


def rescan(root: Path, db: Path) -> float:
    elapsed, report = timed_scan(root, db)
    assert report.added == report.updated == report.errors == 0, report
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the tree here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="riffle-bench-"))
    try:
        music, db = work / "music", work / "bench.sqlite3"
        started = time.perf_counter()
        paths = build_tree(music, args.files)
        print(f"built {len(paths)} tagged files ({', '.join(FORMATS)}) "
              f"in {time.perf_counter() - started:.1f} s")
        bare_loop(paths)  # warm the page cache and mutagen's imports
        bare = min(bare_loop(paths) for _ in range(args.rounds))
        scan = min(first_scan(music, db) for _ in range(args.rounds))
        again = min(rescan(music, db) for _ in range(args.rounds))
        n = len(paths)
        print(f"bare mutagen.File loop: {n / bare:8.0f} files/s  ({bare:.2f} s)")
        print(f"first scan:             {n / scan:8.0f} files/s  ({scan:.2f} s)")
        print(f"ratio scan / bare:      {bare / scan:8.2f}       (aim >= 0.75)")
        print(f"unchanged re-scan:      {again:8.3f} s       (aim < 0.5 s, {n} files)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
