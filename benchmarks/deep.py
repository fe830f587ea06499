"""Deep listening cost per track on one core: musicnn's network and the Gaussian timbre model.

    .venv/bin/python benchmarks/deep.py [--tracks 40] [--folder PATH]

Uses the generated tracks of benchmarks/analyze.py (made once into benchmarks/out/), or
the audio files under --folder. One process, one BLAS thread (as in an analysis worker);
every file is read once before timing. Prints, in ms per track:

1. the fast pass as Riffle runs it (decode 3 × 10 s at 22.05 kHz + describe), which now
   includes the Gaussian timbre model, and the Gaussian's own share (fitting it to the
   mel frames the fast pass has already computed);
2. the network: decode 3 × 3 s at 16 kHz, log-mel patches, forward pass, and their sum,
   against the fast pass (aim: at most 3×);
3. loading the weights (once per worker process) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import numpy as np  # noqa: E402
import threadpoolctl  # noqa: E402
from analyze import library  # noqa: E402

from recommender import timbre_model  # noqa: E402
from recommender.audio import decode_excerpt  # noqa: E402
from recommender.features import describe  # noqa: E402
from recommender.musicnn import Musicnn  # noqa: E402
from recommender.musicnn_input import PLAN, SAMPLE_RATE, patches  # noqa: E402
from recommender.musicnn_weights import load_network  # noqa: E402

AUDIO = (".mp3", ".flac", ".ogg", ".opus", ".m4a", ".wav", ".wma", ".aiff", ".wv")


def _files(folder: Path, count: int) -> list[str]:
    found = sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() in AUDIO)
    if not found:
        raise SystemExit(f"no audio files under {folder}")
    step = max(1, len(found) // count)
    return found[::step][:count]


def _ms(samples: list[float]) -> str:
    mean, median = 1000 * statistics.mean(samples), 1000 * statistics.median(samples)
    return f"{mean:6.1f} ms (median {median:.1f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=40)
    parser.add_argument("--folder", type=Path, help="audio files to use instead")
    args = parser.parse_args(argv)

    if args.folder:
        paths = _files(args.folder, args.tracks)
    else:
        paths = [str(t["path"]) for t in library(args.tracks, os.cpu_count() or 1)]
    for path in paths:
        Path(path).read_bytes()
    print(f"{len(paths)} tracks; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f}")

    started = time.perf_counter()
    network = load_network()
    load_s = time.perf_counter() - started
    if not isinstance(network, Musicnn):
        raise SystemExit(network.reason)

    fast, gaussian, decode16, mel, forward = [], [], [], [], []
    # 3 × 10 s of fast-pass frames (23 ms each) in 40 mel bands, in dB.
    frames = np.random.default_rng(0).normal(-40.0, 10.0, (1290, 40)).astype(np.float32)
    with threadpoolctl.threadpool_limits(1):
        # First-call costs (filter banks, FFT plans) out of the way.
        describe(decode_excerpt(paths[0]).segments)
        network.embed(patches(decode_excerpt(paths[0], plan=PLAN, rate=SAMPLE_RATE).segments))
        for path in paths:
            t0 = time.perf_counter()
            description = describe(decode_excerpt(path).segments)
            fast.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            timbre_model.fit_mel_db(frames)
            gaussian.append(time.perf_counter() - t0)
            assert description.timbre_model.shape == (timbre_model.VECTOR_SIZE,)

            t0 = time.perf_counter()
            excerpt = decode_excerpt(path, plan=PLAN, rate=SAMPLE_RATE)
            t1 = time.perf_counter()
            cut = patches(excerpt.segments)
            t2 = time.perf_counter()
            for patch in cut:
                network.embed(patch[None])
            t3 = time.perf_counter()
            decode16.append(t1 - t0)
            mel.append(t2 - t1)
            forward.append(t3 - t2)

    deep = [a + b + c for a, b, c in zip(decode16, mel, forward, strict=True)]
    fast_ms, deep_ms = 1000 * statistics.mean(fast), 1000 * statistics.mean(deep)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("fast pass (decode 3 × 10 s + describe, Gaussian included):")
    print(f"  {_ms(fast)}")
    print(f"  Gaussian timbre model alone, from those mel frames: {_ms(gaussian)}")
    print("musicnn, 3 patches of 3 s:")
    print(f"  decode at 16 kHz   {_ms(decode16)}")
    print(f"  log-mel patches    {_ms(mel)}")
    print(f"  forward pass       {_ms(forward)}")
    print(f"  together           {_ms(deep)}  = {deep_ms / fast_ms:.2f} × the fast pass "
          "(aim: at most 3)")
    print(f"  one core           {1000 / deep_ms:6.1f} tracks/s")
    print(f"weights loaded in {1000 * load_s:.0f} ms (checksums verified); peak memory of "
          f"this process {peak_mb:.0f} MB; load average at the end {os.getloadavg()[0]:.2f}")
    print(json.dumps({"tracks": len(paths), "fast_ms": round(fast_ms, 1),
                      "gaussian_ms": round(1000 * statistics.mean(gaussian), 2),
                      "deep_decode_ms": round(1000 * statistics.mean(decode16), 1),
                      "deep_mel_ms": round(1000 * statistics.mean(mel), 1),
                      "deep_forward_ms": round(1000 * statistics.mean(forward), 1),
                      "deep_ms": round(deep_ms, 1), "deep_over_fast": round(deep_ms / fast_ms, 2),
                      "weights_load_ms": round(1000 * load_s), "peak_mb": round(peak_mb)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
