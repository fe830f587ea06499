"""How well Riffle's notion of "sounds alike" finds tracks of the same soundtrack, on real
recordings.

    .venv/bin/python benchmarks/similarity.py [CORPUS] [--out DIR] [--jobs 1] [--fresh]
                                              [--methods NAME ...]

CORPUS is a corpus built by benchmarks/corpus.sh (default: $RIFFLE_CORPUS, else
benchmarks/out/corpus). It is scanned and analysed by Riffle's own code into a database
kept under OUT/corpus-analysis/ (see corpus_library.py), so a re-run skips both.

For each distance method (DISTANCES), leave-one-out over every analysed track:

- P@5 and P@10: the share of a track's 5 (10) nearest other tracks that come from its own
  soundtrack, averaged over tracks, with the standard error of that mean; chance is what
  random neighbours would score (per track: same-soundtrack tracks / other tracks);
- hubness: in how many top-10 lists the most frequent neighbour appears, the share of
  tracks that are in no one's top 10, and the skewness of those counts (0 for none);
- P@10 per soundtrack.

And the analysis speed: tracks/s per core, from the run that analysed the corpus (wall
clock per worker process, and from the CPU time the workers used). With --formats, every
file is also analysed once more in this process (one BLAS thread, after a first untimed
read that fills the page cache), and the CPU milliseconds per track are printed per format.

Soundtrack labels are used to score, never to compute a distance.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from corpus import corpus_dir  # noqa: E402
from corpus_library import DEFAULT_OUT, analysed_corpus  # noqa: E402

from player.store import Store  # noqa: E402
from recommender.index import SoundIndex  # noqa: E402
from recommender.layout import FEATURE_VERSION, GAUSSIAN, MUSICNN  # noqa: E402
from recommender.timbre_model import TimbreModels  # noqa: E402

#: A distance method: (store, track ids) → the (n, n) matrix of distances between those
#: tracks, in the order given; smaller is nearer. It must not read labels or album tags.
DistanceProvider = Callable[[Store, np.ndarray], np.ndarray]

DISTANCES: dict[str, DistanceProvider] = {}


def distance(name: str) -> Callable[[DistanceProvider], DistanceProvider]:
    """Register a distance method under *name* (the order of registration is the order of
    the report)."""
    def register(provider: DistanceProvider) -> DistanceProvider:
        DISTANCES[name] = provider
        return provider
    return register


def _index_distances(store: Store, ids: np.ndarray, parts: frozenset[str] | None,
                     hub_free: bool) -> np.ndarray:
    index = SoundIndex.from_store(store, parts=parts, hub_free=hub_free)
    rows = np.array([index.row_of(int(t)) for t in ids])
    return index.distance_matrix(rows, rows)


@distance("descriptors")
def descriptors(store: Store, ids: np.ndarray) -> np.ndarray:
    """The fast pass's 81 descriptors alone, Euclidean between standardised, group-weighted
    values: Riffle's distance before the Gaussian and musicnn parts."""
    return _index_distances(store, ids, frozenset({"descriptors"}), hub_free=False)


@distance("descriptors+mp")
def descriptors_mp(store: Store, ids: np.ndarray) -> np.ndarray:
    """The descriptors with mutual proximity."""
    return _index_distances(store, ids, frozenset({"descriptors"}), hub_free=True)


@distance("gaussian-js")
def gaussian_js(store: Store, ids: np.ndarray) -> np.ndarray:
    """The Gaussian timbre model compared exactly (Jensen–Shannon, timbre_model.py)."""
    served = store.features.load_matrix(FEATURE_VERSION)
    row = {int(t): i for i, t in enumerate(served.ids.tolist())}
    models = served.matrix[[row[int(t)] for t in ids]][:, GAUSSIAN.slice]
    return TimbreModels(models).pairwise()


@distance("gaussian")
def gaussian(store: Store, ids: np.ndarray) -> np.ndarray:
    """The Gaussian timbre model as the sound space embeds it (sound_space.py)."""
    return _index_distances(store, ids, frozenset({GAUSSIAN.name}), hub_free=False)


@distance("musicnn")
def musicnn(store: Store, ids: np.ndarray) -> np.ndarray:
    """musicnn's embedding alone, as the sound space reduces it."""
    return _index_distances(store, ids, frozenset({MUSICNN}), hub_free=False)


@distance("combined")
def combined(store: Store, ids: np.ndarray) -> np.ndarray:
    """All three parts, without mutual proximity."""
    return _index_distances(store, ids, None, hub_free=False)


@distance("riffle")
def riffle(store: Store, ids: np.ndarray) -> np.ndarray:
    """What `riffle similar`, the flow and the taste model use: all parts, mutual
    proximity."""
    return _index_distances(store, ids, None, hub_free=True)


# -- scoring ---------------------------------------------------------------------------------


@dataclass
class Scores:
    precision: dict[int, tuple[float, float]]  # k → (mean, standard error)
    chance: float
    top_hub: int  # index of the track in the most top-10 lists
    top_hub_count: int
    orphans: float  # share of tracks in no top-10 list
    skewness: float
    per_label: dict[str, float]  # soundtrack → P@10


def score(distances: np.ndarray, labels: np.ndarray, ks: tuple[int, ...] = (5, 10)) -> Scores:
    """Leave-one-out retrieval scores of a distance matrix against *labels*."""
    n = len(labels)
    d = np.array(distances, dtype=np.float64, copy=True)
    np.fill_diagonal(d, np.inf)
    depth = max(max(ks), 10)
    nearest = np.argsort(d, axis=1, kind="stable")[:, :depth]
    same = labels[nearest] == labels[:, None]
    precision = {}
    for k in ks:
        per_track = same[:, :k].mean(axis=1)
        precision[k] = (float(per_track.mean()), float(per_track.std(ddof=1) / np.sqrt(n)))
    names, counts = np.unique(labels, return_counts=True)
    size = dict(zip(names.tolist(), counts.tolist(), strict=True))
    chance = float(np.mean([(size[label] - 1) / (n - 1) for label in labels.tolist()]))
    occurrences = np.bincount(nearest[:, :10].ravel(), minlength=n)
    centred = occurrences - occurrences.mean()
    skewness = float((centred ** 3).mean() / max(centred.std() ** 3, 1e-12))
    p10 = same[:, :10].mean(axis=1)
    per_label = {name: float(p10[labels == name].mean()) for name in names.tolist()}
    return Scores(precision, chance, int(occurrences.argmax()), int(occurrences.max()),
                  float(np.mean(occurrences == 0)), skewness, per_label)


def time_formats(paths: list[str]) -> dict[str, list[float]]:
    """CPU seconds to analyse each file in this process, by file extension."""
    import threadpoolctl

    from recommender.analysis import analyse_path

    for path in paths:
        Path(path).read_bytes()
    seconds: dict[str, list[float]] = {}
    with threadpoolctl.threadpool_limits(1):
        analyse_path(paths[0])  # first-call costs (imports, filter banks) out of the way
        for path in paths:
            started = time.process_time()  # CPU time: fair on a machine others share
            analyse_path(path)
            seconds.setdefault(Path(path).suffix.lstrip("."), []).append(
                time.process_time() - started)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="corpus folder (default $RIFFLE_CORPUS or "
                        "benchmarks/out/corpus)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where the analysed database is kept (default benchmarks/out)")
    parser.add_argument("--jobs", type=int, default=1, help="analysis processes (default 1)")
    parser.add_argument("--fresh", action="store_true",
                        help="scan and analyse again from nothing (to measure the speed)")
    parser.add_argument("--methods", nargs="+", choices=list(DISTANCES),
                        default=list(DISTANCES), help="distance methods to score")
    parser.add_argument("--formats", action="store_true",
                        help="also time the analysis of every file by format, in this process")
    args = parser.parse_args(argv)
    corpus = corpus_dir(args.corpus).resolve()
    library = analysed_corpus(corpus, args.out, workers=args.jobs, fresh=args.fresh)
    ids = np.array(sorted(library.labels), dtype=np.int64)
    labels = np.array([library.labels[int(t)] for t in ids])
    store = Store.open(library.db_path)
    try:
        tracks = store.tracks.get_many(ids.tolist())
        titles = {tid: f"{t.display_artist} – {t.display_title}" for tid, t in tracks.items()}
        results = {name: score(DISTANCES[name](store, ids), labels) for name in args.methods}
    finally:
        store.close()

    names, counts = np.unique(labels, return_counts=True)
    print(f"corpus {corpus}: {len(ids)} analysed tracks in {len(names)} soundtracks "
          f"({', '.join(f'{n} {c}' for n, c in zip(names, counts, strict=True))})")
    for path, reason in library.failed:
        print(f"  not analysed: {path}: {reason}")
    for name, a in library.analysis.items():
        wall = a["tracks"] / a["seconds"] / a["workers"]
        cpu = a["tracks"] / a["cpu_seconds"] if a.get("cpu_seconds") else float("nan")
        print(f"{name} pass ({a['workers']} worker(s), load average "
              f"{a.get('load_average', float('nan')):.1f}): {a['tracks']} tracks in "
              f"{a['seconds']:.0f} s = {wall:.1f} tracks/s per worker; by CPU time "
              f"{cpu:.1f} tracks/s per core ({1000 / cpu:.0f} ms per track)")
    if args.formats:
        print("analysis in this process, by format (CPU ms per track: mean, median):")
        for ext, times in sorted(time_formats([t.path for t in tracks.values()]).items()):
            print(f"  {ext:5} {len(times):>4} files  {1000 * np.mean(times):6.0f} "
                  f"{1000 * np.median(times):6.0f}")
    print(f"\n{'method':14} {'P@5':>13} {'P@10':>13} {'chance':>7} {'top hub':>8} "
          f"{'in no top-10':>13} {'skew':>5}")
    for name, s in results.items():
        (p5, se5), (p10, se10) = s.precision[5], s.precision[10]
        print(f"{name:14} {p5:6.3f} ± {se5:.3f} {p10:6.3f} ± {se10:.3f} {s.chance:7.3f} "
              f"{s.top_hub_count:>8} {100 * s.orphans:12.1f}% {s.skewness:5.2f}")
    for name, s in results.items():
        print(f"\n{name}: the top hub is {titles[int(ids[s.top_hub])]} "
              f"({labels[s.top_hub]}), in {s.top_hub_count} of {len(ids)} top-10 lists")
        print("P@10 per soundtrack:")
        for label, p in sorted(s.per_label.items(), key=lambda item: -item[1]):
            print(f"  {p:5.2f}  {label} ({int(np.sum(labels == label))})")
    print(json.dumps({"tracks": len(ids), "soundtracks": len(names), **{
        name: {"p5": round(s.precision[5][0], 4), "p5_se": round(s.precision[5][1], 4),
               "p10": round(s.precision[10][0], 4), "p10_se": round(s.precision[10][1], 4),
               "chance": round(s.chance, 4), "top_hub": s.top_hub_count,
               "orphans": round(s.orphans, 4)} for name, s in results.items()},
        "analysis": library.analysis}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
