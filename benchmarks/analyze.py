"""Analysis speed: tracks/s per core, worker memory, and analysis against decoding alone.

    .venv/bin/python benchmarks/analyze.py [--tracks 200] [--jobs N] [--make-jobs N]

Generates (once; kept in benchmarks/out/analysis-tracks/) --tracks tracks of 3 to 5
minutes of synthetic music in six styles, 44.1 kHz stereo, two in five as MP3 (192 kbit/s)
and the rest as FLAC. Then, in one run:

1. one process, every track: decode the excerpt only (recommender.audio), then the whole
   analysis of the same track (decode + describe); their ratio is the figure to drive
   down (aim: under 2);
2. the library analysis as Riffle runs it (LibraryAnalyser, --jobs worker processes, a
   fresh database): tracks/s, tracks/s per worker, and each worker's peak memory
   (VmHWM, read from /proc while the run goes).

Every file is read once before timing, so both timings find it in the page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import threadpoolctl  # noqa: E402
from audio_factory import AudioFormat, write_audio  # noqa: E402
from music_factory import STYLES, render  # noqa: E402

from player.models import Track  # noqa: E402
from player.store import Store  # noqa: E402
from recommender.analysis import LibraryAnalyser, Progress, analyse_path  # noqa: E402
from recommender.audio import decode_excerpt  # noqa: E402

CACHE = ROOT / "benchmarks" / "out" / "analysis-tracks"
RATE = 44100
MP3 = AudioFormat("mp3", "libmp3lame", "s16p", bitrate=192_000, layout="stereo")
FLAC = AudioFormat("flac", "flac", "s16", layout="stereo")


def _spec(n: int) -> tuple[Path, float, str, AudioFormat]:
    """Track *n* of the benchmark library: its style, length and format follow from n."""
    style = list(STYLES)[n % len(STYLES)]
    seconds = 180.0 + (n * 37) % 121  # 3 to 5 minutes
    ext, fmt = (".mp3", MP3) if n % 5 in (1, 3) else (".flac", FLAC)
    return CACHE / f"{n:04d}-{style}{ext}", seconds, style, fmt


def _make(n: int) -> None:
    path, seconds, style, fmt = _spec(n)
    partial = path.with_name(path.stem + ".part" + path.suffix)
    write_audio(partial, render(STYLES[style], seconds, seed=n, rate=RATE), RATE, fmt)
    partial.rename(path)


def library(count: int, jobs: int) -> list[dict[str, object]]:
    """The benchmark tracks, generating the ones not in the cache yet."""
    CACHE.mkdir(parents=True, exist_ok=True)
    missing = [n for n in range(count) if not _spec(n)[0].exists()]
    if missing:
        print(f"generating {len(missing)} tracks into {CACHE} (once) …", flush=True)
        started = time.perf_counter()
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_make, missing))
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return [{"path": str(path), "seconds": seconds, "style": style}
            for path, seconds, style, _fmt in map(_spec, range(count))]


def _warm(paths: list[str]) -> int:
    size = 0
    for path in paths:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                size += len(chunk)
    return size


def single_process(paths: list[str]) -> tuple[list[float], list[float]]:
    """Seconds per track to decode the excerpt, and to analyse the track (one BLAS thread,
    as in a worker)."""
    decode, analyse = [], []
    with threadpoolctl.threadpool_limits(1):
        analyse_path(paths[0])  # first-call costs (filter banks, imports) out of the way
        for path in paths:
            started = time.perf_counter()
            decode_excerpt(path)
            decode.append(time.perf_counter() - started)
        for path in paths:
            started = time.perf_counter()
            error = analyse_path(path).error
            analyse.append(time.perf_counter() - started)
            if error:
                raise SystemExit(f"{path}: {error}")
    return decode, analyse


class WorkerMemory:
    """Peak resident memory (VmHWM) of this process's pool workers, sampled from /proc."""

    def __init__(self) -> None:
        self.peak_kb: dict[int, int] = {}

    def sample(self, _progress: Progress | None = None) -> None:
        me = os.getpid()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) != me:
                    continue
                if b"spawn_main" not in (entry / "cmdline").read_bytes():
                    continue
                status = (entry / "status").read_text()
            except (OSError, ValueError, IndexError):
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kb[int(entry.name)] = max(self.peak_kb.get(int(entry.name), 0),
                                                        int(line.split()[1]))


def pool_run(tracks: list[dict[str, object]], jobs: int) -> tuple[float, int, WorkerMemory]:
    memory = WorkerMemory()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.sqlite3")
        try:
            with store.db.transaction():
                for t in tracks:
                    store.tracks.upsert(Track(path=str(t["path"]), duration=float(t["seconds"])))
            started = time.perf_counter()
            summary = LibraryAnalyser(store, workers=jobs).run(progress=memory.sample)
            seconds = time.perf_counter() - started
        finally:
            store.close()
    if summary.failed:
        raise SystemExit(f"{summary.failed} tracks failed: {summary.errors[:3]}")
    return seconds, summary.analysed, memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="analysis worker processes (default: one per core)")
    parser.add_argument("--make-jobs", type=int, default=os.cpu_count() or 1,
                        help="processes that generate missing tracks")
    args = parser.parse_args(argv)

    tracks = library(args.tracks, args.make_jobs)
    paths = [str(t["path"]) for t in tracks]
    mp3 = sum(p.endswith(".mp3") for p in paths)
    minutes = [float(t["seconds"]) / 60 for t in tracks]  # type: ignore[arg-type]
    size = _warm(paths)
    print(f"{len(paths)} tracks, {min(minutes):.1f}–{max(minutes):.1f} min "
          f"({sum(minutes) / 60:.1f} h), {mp3} MP3 + {len(paths) - mp3} FLAC, 44.1 kHz "
          f"stereo, {size / 1e9:.2f} GB; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}")

    decode, analyse = single_process(paths)
    d_ms, a_ms = 1000 * statistics.mean(decode), 1000 * statistics.mean(analyse)
    print("one process, excerpt = 3 × 10 s at 25/50/75 %:")
    print(f"  decode only        {d_ms:6.1f} ms/track (median "
          f"{1000 * statistics.median(decode):.1f})")
    print(f"  decode + describe  {a_ms:6.1f} ms/track (median "
          f"{1000 * statistics.median(analyse):.1f}); describing ≈ {a_ms - d_ms:.1f} ms")
    print(f"  analysis / decode  {a_ms / d_ms:6.2f}   (aim: under 2)")
    print(f"  one core           {1000 / a_ms:6.1f} tracks/s")

    seconds, done, memory = pool_run(tracks, args.jobs)
    rate = done / seconds
    peaks = [kb / 1024 for kb in memory.peak_kb.values()]
    print(f"LibraryAnalyser, {args.jobs} workers, fresh database (including process "
          f"start-up and writes):")
    print(f"  {done} tracks in {seconds:.1f} s: {rate:.1f} tracks/s, "
          f"{rate / args.jobs:.1f} tracks/s per worker")
    if peaks:
        print(f"  peak memory per worker: {max(peaks):.0f} MB at most, "
              f"{statistics.mean(peaks):.0f} MB on average ({len(peaks)} processes)")
    else:
        print("  peak memory per worker: not measurable here (no /proc)")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    print(json.dumps({"tracks": len(paths), "decode_ms": round(d_ms, 1),
                      "analysis_ms": round(a_ms, 1), "ratio": round(a_ms / d_ms, 2),
                      "pool_tracks_per_s": round(rate, 1), "workers": args.jobs,
                      "worker_peak_mb": round(max(peaks), 0) if peaks else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
