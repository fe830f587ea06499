"""How fast the auto-shuffle picks at library sizes far beyond most collections.

Builds a synthetic library (random feature vectors in 64 clusters: descriptors, a valid
Gaussian timbre model and a musicnn embedding per track; 5,000 judgements: ratings,
completed and skipped plays) of 100,000 and 1,000,000 tracks in a real SQLite file, then
prints:
the time to load everything the auto-shuffle needs at the first start (building its cache)
and at a later start (from the cache), one pick, a redraw of ten picks right after a
rating, and the process's peak memory.

    .venv/bin/python benchmarks/pick.py [--sizes 100000 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from player import edits
from player.changes import Changes
from player.queue import FillContext
from player.store import Store
from recommender.layout import (
    DESCRIPTORS,
    FEATURE_VERSION,
    GAUSSIAN,
    GAUSSIAN_COEFFS,
    MUSICNN,
    MUSICNN_SIZE,
    MUSICNN_VERSION,
)
from recommender.shuffle import AutoShuffle

JUDGEMENTS = 5_000


def gaussian_centres(rng: np.random.Generator, count: int) -> np.ndarray:
    """(count, 230) valid Gaussian timbre models (positive definite covariances)."""
    out = np.empty((count, GAUSSIAN.size), dtype=np.float32)
    upper = np.triu_indices(GAUSSIAN_COEFFS)
    for i in range(count):
        factor = rng.normal(size=(GAUSSIAN_COEFFS, GAUSSIAN_COEFFS)) * 2.0
        cov = factor @ factor.T + np.eye(GAUSSIAN_COEFFS)
        out[i] = np.concatenate([rng.normal(size=GAUSSIAN_COEFFS) * 10.0, cov[upper]])
    return out


def jittered(rng: np.random.Generator, models: np.ndarray) -> np.ndarray:
    """Each model moved a little: means shifted, covariances scaled (still valid)."""
    out = models.copy()
    out[:, :GAUSSIAN_COEFFS] += rng.normal(size=(len(out), GAUSSIAN_COEFFS)) * 2.0
    out[:, GAUSSIAN_COEFFS:] *= np.exp(rng.normal(size=(len(out), 1)) * 0.2)
    return out


def build(path: Path, size: int, seed: int = 0) -> None:
    """Write *size* tracks with vectors and JUDGEMENTS judgements into a new store."""
    rng = np.random.default_rng(seed)
    store = Store.open(path)
    now = time.time()
    artists = max(50, size // 40)
    with store.db.transaction():
        store.db.executemany(
            "INSERT INTO tracks (id, path, title, artist, artists, album, genre, year, duration,"
            " added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 240.0, ?, ?)",
            ((i, f"/music/{i % artists}/{i}.flac", f"Song {i}", f"Artist {i % artists}",
              json.dumps([f"Artist {i % artists}"]), f"Album {i // 12}", f"Genre{i % 40}",
              1960 + i % 60, now - 400 * 86400, now)
             for i in range(1, size + 1)))
        centres = rng.normal(size=(64, DESCRIPTORS)).astype(np.float32) * 2
        models = gaussian_centres(rng, 64)
        deep_centres = rng.normal(size=(64, MUSICNN_SIZE)).astype(np.float32)
        for start in range(1, size + 1, 50_000):
            stop = min(size + 1, start + 50_000)
            cluster = rng.integers(0, 64, stop - start)
            descriptors = centres[cluster] + rng.normal(size=(stop - start, DESCRIPTORS))
            vectors = np.hstack([descriptors, jittered(rng, models[cluster])]).astype(np.float32)
            deep = (deep_centres[cluster] + 0.7 * rng.normal(size=(stop - start, MUSICNN_SIZE))
                    ).astype(np.float32)
            for kind, version, matrix in (("sound", FEATURE_VERSION, vectors),
                                          (MUSICNN, MUSICNN_VERSION, deep)):
                store.db.executemany(
                    "INSERT INTO features (track_id, kind, version, vector, analysed_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    ((i, kind, version, matrix[i - start].tobytes(), now)
                     for i in range(start, stop)))
        judged = rng.choice(np.arange(1, size + 1), size=JUDGEMENTS, replace=False)
        for n, tid in enumerate(judged.tolist()):
            if n % 5 < 2:
                store.ratings.set(tid, int(rng.integers(1, 6)), now=now - n * 600)
            else:
                outcome = "completed" if n % 5 < 4 else "skipped"
                store.db.execute(
                    "INSERT INTO plays (track_id, started_at, ended_at, listened, duration, "
                    "outcome, source) VALUES (?, ?, ?, ?, 240.0, ?, 'auto')",
                    (tid, now - 86400 - n * 600, now - 86400 - n * 600 + 200,
                     200.0 if outcome == "completed" else 5.0, outcome))
    store.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(path: Path, size: int) -> dict[str, float]:
    store = Store.open(path)
    cache = path.with_suffix(".shuffle-cache.npz")
    cache.unlink(missing_ok=True)
    started = time.perf_counter()
    AutoShuffle.over(store, seed=1, cache_path=cache)  # first start: builds, saves the cache
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    shuffle = AutoShuffle.over(store, seed=1, cache_path=cache)
    load_s = time.perf_counter() - started
    context = FillContext(None, (), ())
    shuffle.fill(1, context)  # warm the prediction cache a little, as a running player has
    picks = []
    for _ in range(20):
        t = time.perf_counter()
        shuffle.fill(1, context)
        picks.append(time.perf_counter() - t)
    rebuilds, redraws = [], []
    rng = np.random.default_rng(5)
    for tid in rng.choice(size, 5, replace=False) + 1:
        edits.rate(store, [int(tid)], 5)
        t = time.perf_counter()
        shuffle.follow(Changes(ratings=frozenset({int(tid)})))  # on a worker in the window
        rebuilds.append(time.perf_counter() - t)
        t = time.perf_counter()
        shuffle.fill(10, context)  # on the window's thread
        redraws.append(time.perf_counter() - t)
    store.close()
    return {"size": size, "cold_ms": cold_s * 1e3, "load_ms": load_s * 1e3,
            "pick_ms": float(np.median(picks)) * 1e3,
            "rebuild_ms": float(np.median(rebuilds)) * 1e3,
            "redraw_ms": float(np.median(redraws)) * 1e3, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--keep", type=Path, help="keep the generated databases here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="riffle-pick-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'tracks':>10} {'first load ms':>14} {'load ms':>9} {'pick ms':>9} "
          f"{'taste ms':>9} {'redraw ms':>10} {'peak MB':>9}")
    for size in args.sizes:
        path = folder / f"pick-{size}.sqlite3"
        if not path.exists():
            t = time.perf_counter()
            build(path, size)
            print(f"(built {size:,} tracks in {time.perf_counter() - t:.0f} s)", flush=True)
        r = measure(path, size)
        print(f"{size:>10,} {r['cold_ms']:>14.0f} {r['load_ms']:>9.0f} {r['pick_ms']:>9.1f} "
              f"{r['rebuild_ms']:>9.1f} {r['redraw_ms']:>10.1f} {r['peak_mb']:>9.0f}",
              flush=True)


if __name__ == "__main__":
    main()
