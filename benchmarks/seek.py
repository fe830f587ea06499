"""Seek accuracy per format: where a seek (and a resume) lands, as reported and as heard.

    .venv/bin/python benchmarks/seek.py [--seconds 240] [--seeks 5] [--raw]

Generates (once; kept in benchmarks/out/seek/) a marked track of --seconds (a tone burst
at each second whose pitch names the second: tests/seek_marks.py) in every format Riffle's
tests write, and as VBR Ogg Vorbis from libvorbis (oggenc, from Debian's vorbis-tools).
For each, plays it through VlcBackend into an audio tap (no sound card needed), seeks to
--seeks positions spread over the track, and opens it once at a resume position. Prints
per format the largest error of the position libvlc reports and of the position actually
decoded, in seconds ("lost": no position mark was heard after the seek). --raw seeks as
libvlc does alone (its own demuxers, set_time and :start-time), for the before/after
figures in docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from audio_factory import FORMATS  # noqa: E402
from seek_marks import OGGENC, Listener, measure_seek, write_marked  # noqa: E402

from player.playback import VlcBackend  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "seek"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=240.0)
    parser.add_argument("--seeks", type=int, default=5)
    parser.add_argument("--raw", action="store_true",
                        help="libvlc's own seek, without snapping or checking")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # libvlc's notices are not the figures
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"{'format':<11} {'seek: reported':>15} {'decoded':>8}   "
          f"{'resume: reported':>17} {'decoded':>8}   (largest error, seconds)")
    worst = 0.0
    for ext in [*FORMATS, OGGENC]:
        path = OUT / f"marked{int(args.seconds)}{ext}"
        if not path.exists():
            write_marked(path, args.seconds)
        listener = Listener()
        backend = VlcBackend(lambda _e: None, audio_tap=listener, exact_seek=not args.raw)
        try:
            span = args.seconds - 8.0
            targets = [round((3.3 + span * (i + 0.37) / args.seeks) * 1000)
                       for i in range(args.seeks)]
            seek = [measure_seek(backend, listener, path, t) for t in targets]
            resume_at = targets[len(targets) // 2] + 777
            resume = measure_seek(backend, listener, path, resume_at, start_ms=resume_at)
        finally:
            backend.close()
        row = [max(abs(r - t / 1000) for (r, _d), t in zip(seek, targets, strict=True)),
               max(abs(d - t / 1000) if d is not None else float("inf")
                   for (_r, d), t in zip(seek, targets, strict=True)),
               abs(resume[0] - resume_at / 1000),
               abs(resume[1] - resume_at / 1000) if resume[1] is not None else float("inf")]
        worst = max(worst, *row)
        shown = [f"{v:.3f}" if v != float("inf") else "lost" for v in row]
        print(f"{ext:<11} {shown[0]:>15} {shown[1]:>8}   {shown[2]:>17} {shown[3]:>8}",
              flush=True)
    print(f"largest error over all formats: {worst:.3f} s (aim: under 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
