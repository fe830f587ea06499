"""How long the window's event loop stalls while a big library is rescanned and analysed.

    .venv/bin/python benchmarks/responsiveness.py [--tracks 100000] [--new 5000]
        [--reread 5000] [--keep DIR]

Builds a library of --tracks tracks on disk (hard links of one short audio file, so building
is quick; their rows carry varied tags, ratings, plays, and both analysis passes' vectors
as a long-used library has), plus --reread real files whose rows are out of date and --new files the
library has never seen. Then, in a fresh process, opens the window as main.py does, plays
(the 5-second tracks end often, so the auto part keeps refilling), and runs a rescan (it
stats every file, reads the new and changed ones) followed by the analysis of what it
found. A 10 ms timer measures how late the event loop answers throughout:

- worst and 99th-percentile lag (aim: worst under 50 ms on an idle machine);
- how long the scan and the analysis took, how many tracks played meanwhile, and the
  window process's peak memory.

Runs offscreen unless a display is set.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

#: The lag timer asks for a tick this often, in milliseconds.
TICK_MS = 10
#: Hard links made to one copy of the short audio file before the next copy.
LINKS_PER_FILE = 50_000


def build(folder: Path, tracks: int, new: int, reread: int) -> Path:
    """The music under folder/music and its database folder/library.sqlite3."""
    import numpy as np
    from library_factory import TagSet, make_track, write_tags
    from vector_factory import sound_vectors

    from player.models import PlayOutcome, PlaySource, Track
    from player.store import Store
    from player.store.features import FeatureResult
    from recommender.layout import (
        DESCRIPTORS,
        FEATURE_VERSION,
        MUSICNN,
        MUSICNN_SIZE,
        MUSICNN_VERSION,
    )

    music = folder / "music"
    seed = make_track(folder / "seed.mp3", TagSet(title="Seed", artists=["Seed"]), seconds=5.0)
    rng = random.Random(3)
    vectors = np.random.default_rng(3)
    centres = vectors.normal(size=(12, DESCRIPTORS)) * 2.0
    deep_centres = vectors.normal(size=(12, MUSICNN_SIZE))
    db = folder / "library.sqlite3"
    store = Store.open(db)
    now = time.time()
    try:
        with store.db.transaction():
            store.roots.add(str(music))
        ids, descriptors = [], []
        with store.db.transaction():
            for n in range(tracks + reread):
                artist, album = n // 96, n // 12
                path = music / f"Artist {artist:05d}" / f"Album {album:06d}" / f"{n % 12:02d}.mp3"
                path.parent.mkdir(parents=True, exist_ok=True)
                stale = n >= tracks  # the last --reread files changed since the last scan
                if stale:
                    shutil.copyfile(seed, path)
                    write_tags(path, TagSet(title=f"Changed {n}", artists=[f"Artist {artist}"]))
                else:
                    if n % LINKS_PER_FILE == 0:  # ext4 allows 65,000 links to one file
                        source = folder / f"seed-{n // LINKS_PER_FILE}.mp3"
                        shutil.copyfile(seed, source)
                    os.link(source, path)
                info = path.stat()
                track_id = store.tracks.upsert(Track(
                    path=str(path), title=f"Song {n}", artists=(f"Artist {artist:05d}",),
                    album=f"Album {album:06d}", genres=(f"Genre {artist % 12}",),
                    year=1960 + artist % 60, duration=5.0,
                    mtime_ns=info.st_mtime_ns - (1 if stale else 0), size=info.st_size),
                    now=now - 86_400)
                ids.append(track_id)
                descriptors.append(centres[artist % 12] + vectors.normal(size=DESCRIPTORS))
                if rng.random() < 0.1:
                    store.ratings.set(track_id, rng.randint(1, 5), now=now - 86_400)
                if rng.random() < 0.2:
                    started = now - rng.uniform(2, 200) * 86_400
                    play = store.plays.start(track_id, duration=5.0, source=PlaySource.AUTO,
                                             started_at=started)
                    store.plays.finish(play, listened=5.0, outcome=PlayOutcome.COMPLETED,
                                       ended_at=started + 5)
            # the fast pass's vectors: descriptors and a valid Gaussian timbre model
            results = [FeatureResult(track_id, vector) for track_id, vector
                       in zip(ids, sound_vectors(np.array(descriptors)), strict=True)]
            store.features.save(FEATURE_VERSION, results, now=now - 86_400)
            # and both passes done: the deep pass's embeddings too
            deep = [FeatureResult(track_id, (deep_centres[(n // 96) % 12]
                                             + 0.7 * vectors.normal(size=MUSICNN_SIZE))
                                  .astype(np.float32))
                    for n, track_id in enumerate(ids)]
            store.features.save(MUSICNN_VERSION, deep, now=now - 86_400, kind=MUSICNN)
        for n in range(new):
            path = music / "New arrivals" / f"Album {n // 12:04d}" / f"{n % 12:02d}.mp3"
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(seed, path)
            write_tags(path, TagSet(title=f"New {n}", artists=[f"Newcomer {n // 12}"],
                                    album=f"New {n // 12}"))
    finally:
        store.close()
    return db


class StallWatch:
    """Notes where the GUI thread is whenever the event loop has not ticked for a while:
    the places that stall it, for --why."""

    def __init__(self, last: list[float], after_ms: float = 30.0) -> None:
        self.last = last
        self.after = after_ms / 1000
        self.seen: collections.Counter[str] = collections.Counter()
        self.main = threading.get_ident()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.005):
            if time.perf_counter() - self.last[0] < self.after:
                continue
            frame = sys._current_frames().get(self.main)
            if frame is None:
                continue
            stack = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                     for f in traceback.extract_stack(frame)
                     if str(ROOT) in f.filename or "site-packages" not in f.filename]
            # let go of the frame at once: holding it keeps its locals (a QPainter) alive
            del frame
            self.seen[" < ".join(reversed(stack[-6:]))] += 1

    def report(self) -> str:
        return "\n".join(f"{n * 5:>6} ms  {where}" for where, n in self.seen.most_common(12))


def measure(db: Path, why: bool = False) -> dict[str, float]:
    """Open the window on *db*, play, rescan and analyse, and time the event loop's lag."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY")
                          else "xcb")
    os.environ["XDG_CONFIG_HOME"] = str(db.parent / "config")
    from PySide6.QtCore import QCoreApplication, QEvent, QTimer

    import main
    from player.store import Store
    from ui.app_setup import build_player, close_player, make_application, window_parts
    from ui.library_jobs import LibraryJobs, LibraryLoader, analysis_function, scanner_function
    from ui.main_window import MainWindow
    from ui.tasks import BackgroundWork
    from ui.window_state import WindowState

    app = make_application(["riffle"])
    store = Store.open(db)
    work = BackgroundWork(db)
    player = build_player(
        store, work, lambda cb, volume: main.make_backend(cb, audio_output="dummy",
                                                          volume=volume),
        main.make_filler)
    jobs = LibraryJobs(work, scan=scanner_function(), analyse=analysis_function(),
                       roots=store.roots.list)
    window = MainWindow(window_parts(store=store, work=work, jobs=jobs,
                                     loader=LibraryLoader(work),
                                     state=WindowState(db.parent / "window.ini"),
                                     suggested_folder=None, player=player))
    window.resize(1280, 800)
    window.show()
    queue = player.player.queue

    def settle(condition: object, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.002)

    settle(lambda: window.model.rowCount() > 0 and len(queue.auto_part) > 0)
    lags: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lags.append(max(0.0, (now - last[0]) * 1000 - TICK_MS))
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    watch = StallWatch(last)
    if why:
        watch.thread.start()
    finished: dict[str, float] = {}
    jobs.scan_finished.connect(lambda _r: finished.setdefault("scan", time.perf_counter()))
    jobs.analysis_finished.connect(
        lambda _r: finished.setdefault("analysis", time.perf_counter()))
    played_before = len(store.plays.all())
    player.player.session.play()
    last[0] = time.perf_counter()
    timer.start()
    started = time.perf_counter()
    jobs.scan()
    settle(lambda: "analysis" in finished and not jobs.running, timeout=3600.0)
    timer.stop()
    watch.stop.set()
    if why:
        print(watch.report(), file=sys.stderr)
    lags.sort()
    figures = {
        "worst_ms": lags[-1] if lags else 0.0,
        "p99_ms": lags[int(len(lags) * 0.99)] if lags else 0.0,
        "ticks": float(len(lags)),
        "scan_s": finished.get("scan", started) - started,
        "analysis_s": finished.get("analysis", started) - finished.get("scan", started),
        "played": float(len(store.plays.all()) - played_before),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }
    window.close()
    close_player(player)
    work.shutdown()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    store.close()
    return figures


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=5_000)
    parser.add_argument("--reread", type=int, default=5_000)
    parser.add_argument("--keep", type=Path, help="build the library here (kept afterwards)")
    parser.add_argument("--why", action="store_true",
                        help="also print where the window's thread was when it stalled")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        figures = measure(args.measure, why=args.why)
        print(" ".join(f"{k}={v:.4f}" for k, v in figures.items()))
        return 0
    folder = args.keep or Path(tempfile.mkdtemp(prefix="riffle-responsiveness-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        db = build(folder, args.tracks, args.new, args.reread)
        print(f"(built {args.tracks:,} + {args.reread:,} changed + {args.new:,} new tracks "
              f"in {time.perf_counter() - started:.0f} s)", flush=True)
        command = [sys.executable, __file__, "--measure", str(db), *(["--why"] * args.why)]
        run = subprocess.run(command, check=True, capture_output=True, text=True)
        out = run.stdout.strip().splitlines()[-1]
        if args.why:
            print(run.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    f = {k: float(v) for k, v in (pair.split("=") for pair in out.split())}
    print(f"event-loop lag        worst {f['worst_ms']:.0f} ms, 99th percentile "
          f"{f['p99_ms']:.1f} ms over {f['ticks']:,.0f} ticks   (aim: worst < 50 ms)")
    print(f"rescan                {f['scan_s']:.1f} s")
    print(f"analysis              {f['analysis_s']:.1f} s")
    print(f"tracks played         {f['played']:.0f} (the auto part refilled each time)")
    print(f"peak memory           {f['peak_mb']:.0f} MB (the window's process)")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
