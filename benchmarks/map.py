"""The taste map, the profile and sonic paths: quality on real recordings, speed at 100,000.

    .venv/bin/python benchmarks/map.py [CORPUS] [--out DIR] [--size 100000] [--keep DIR]
                                       [--skip-large]

On the real corpus (benchmarks/corpus.sh; analysed by Riffle's own code, see
corpus_library.py):

- neighbour preservation of the map: of each track's 10 nearest tracks in the similarity
  space, the share that are among its 10 nearest on the map (aim ≥ 0.5), for the layout
  Riffle uses and for plain principal components;
- regions: how well they follow the soundtracks (normalised mutual information, chance 0),
  for Ward's clustering (what Riffle uses) and k-means;
- sonic paths between 200 random pairs: the share of steps on which the distance to B
  falls (aim ≥ 0.9), the mean length of a 12-track path, and the time per path;
- order for flow on 40 random tracks: the summed distance between neighbours, before/after.

On a synthetic library of --size tracks (64 styles of random vectors, 5,000 judgements;
benchmarks/pick.py builds it): the full layout's time on one core (aim < 2 minutes) and its
neighbour preservation (1,000 tracks sampled; random vectors have little structure to
keep, so this figure is far below a real library's), following the layout after 1 % more
tracks, the profile's time, a sonic path's time (aim < 200 ms), and the map's drawing
time per frame while panning, over the whole map and closer in (aim < 16 ms), offscreen.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from threadpoolctl import ThreadpoolController  # noqa: E402

from player.store import Store  # noqa: E402
from recommender import map_layout  # noqa: E402
from recommender.flow_order import order_for_flow, tour_length  # noqa: E402
from recommender.profile import build_profile  # noqa: E402
from recommender.regions import find_regions, region_count  # noqa: E402
from recommender.shuffle import AutoShuffle  # noqa: E402
from recommender.snapshot import Snapshot  # noqa: E402
from recommender.sonic_path import sonic_path  # noqa: E402
from recommender.sound_words import SoundWords  # noqa: E402


def _snapshot(store: Store) -> Snapshot:
    snapshot = AutoShuffle.over(store).snapshot
    assert snapshot is not None
    return snapshot


def _points(snapshot: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    rows = map_layout.analysed_rows(snapshot.library)
    return snapshot.catalog.ids[rows], snapshot.library.space.points(rows)


def _aligned(layout: map_layout.MapLayout, ids: np.ndarray) -> np.ndarray:
    at = {int(t): i for i, t in enumerate(layout.ids)}
    return layout.xy[[at[int(t)] for t in ids]]


def _paths(snapshot: Snapshot, pairs: int, seed: int = 0) -> dict[str, float]:
    ids = snapshot.catalog.ids[map_layout.analysed_rows(snapshot.library)]
    rng = np.random.default_rng(seed)
    sonic_path(snapshot, int(ids[0]), int(ids[-1]), 12)  # first use: the model's set-up
    falls, lengths, times = [], [], []
    for _ in range(pairs):
        a, b = (int(t) for t in rng.choice(ids, 2, replace=False))
        started = time.perf_counter()
        steps = sonic_path(snapshot, a, b, 12)
        times.append(time.perf_counter() - started)
        lengths.append(len(steps))
        falls += [y.to_end < x.to_end for x, y in itertools.pairwise(steps)]
    return {"falls": float(np.mean(falls)), "length": float(np.mean(lengths)),
            "ms": statistics.median(times) * 1e3, "worst_ms": max(times) * 1e3}


def corpus(corpus_path: Path, out: Path) -> None:
    from corpus_library import analysed_corpus
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    library = analysed_corpus(corpus_path, out)
    store = Store.open(library.db_path)
    try:
        snapshot = _snapshot(store)
        ids, points = _points(snapshot)
        labels = [library.labels.get(int(t), "?") for t in ids]
        print(f"corpus: {len(ids)} tracks, {len(set(labels))} soundtracks, "
              f"{points.shape[1]} values a point")
        with ThreadpoolController().limit(limits=1):
            started = time.perf_counter()
            layout = map_layout.compute_layout(snapshot.library)
            seconds = time.perf_counter() - started
        xy = _aligned(layout, ids)
        kept = map_layout.neighbour_preservation(points, xy, sample=None)
        pca = map_layout.neighbour_preservation(points, map_layout._principal(
            points.astype(np.float64)), sample=None)
        print(f"  map: neighbour preservation {kept:.3f} (principal components {pca:.3f}), "
              f"laid out in {seconds:.1f} s")
        k = region_count(len(ids))
        ward = normalized_mutual_info_score(labels, find_regions(points, k))
        kmeans = normalized_mutual_info_score(
            labels, KMeans(k, n_init=4, random_state=0).fit_predict(points))
        print(f"  regions: {k}, NMI with the soundtracks: Ward {ward:.3f}, k-means {kmeans:.3f}")
        profile = build_profile(snapshot, store.tracks.names(), SoundWords.from_store(store))
        for region in profile.regions:
            print(f"    {region.number:>2}. {region.name} ({len(region.track_ids)})")
        paths = _paths(snapshot, 200)
        print(f"  paths: distance to B falls on {paths['falls']:.1%} of steps, "
              f"{paths['length']:.1f} tracks a path (of 12), {paths['ms']:.1f} ms each "
              f"(worst {paths['worst_ms']:.1f} ms)")
        rng = np.random.default_rng(1)
        chosen = [int(t) for t in rng.choice(ids, 40, replace=False)]
        before = tour_length(snapshot, chosen)
        after = tour_length(snapshot, order_for_flow(snapshot, chosen))
        print(f"  order for flow: neighbours {before / 39:.3f} apart on average, "
              f"{after / 39:.3f} in flow order")
    finally:
        store.close()


def large(size: int, keep: Path | None) -> None:
    from pick import build

    folder = keep or Path(tempfile.mkdtemp(prefix="riffle-map-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pick-{size}.sqlite3"
    if not path.exists():
        build(path, size)
    store = Store.open(path)
    try:
        snapshot = _snapshot(store)
        ids, points = _points(snapshot)
        with ThreadpoolController().limit(limits=1):
            started = time.perf_counter()
            layout = map_layout.compute_layout(snapshot.library)
            seconds = time.perf_counter() - started
            kept = map_layout.neighbour_preservation(points, _aligned(layout, ids),
                                                     sample=1_000)
            print(f"{size:,} tracks: layout {seconds:.0f} s on one core, neighbour "
                  f"preservation {kept:.3f} (1,000 sampled)", flush=True)
            grown = map_layout.MapLayout(layout.ids[size // 100:], layout.xy[size // 100:],
                                         layout.fitted - size // 100, layout.signature_ids,
                                         layout.signature_points)
            started = time.perf_counter()
            followed = map_layout.follow_layout(grown, snapshot.library)
            assert followed is not None
            print(f"  {size // 100:,} new tracks placed beside their neighbours in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            started = time.perf_counter()
            profile = build_profile(snapshot, store.tracks.names(), SoundWords.from_store(store))
            print(f"  profile: {len(profile.regions)} regions in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            paths = _paths(snapshot, 20)
            print(f"  paths: {paths['ms']:.0f} ms each (worst {paths['worst_ms']:.0f} ms), "
                  f"distance to B falls on {paths['falls']:.1%} of steps", flush=True)
        frames(layout.xy, np.random.default_rng(0).uniform(-1, 1, len(layout.ids)))
    finally:
        store.close()


def frames(xy: np.ndarray, preference: np.ndarray) -> None:
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from ui.map_view import MapView

    app = QApplication.instance() or QApplication([])
    view = MapView()
    view.resize(900, 650)
    view.show()
    n = len(xy)
    stars = np.zeros(n, np.int8)
    stars[:: max(1, n // 2000)] = 5
    started = time.perf_counter()
    view.show_points(np.arange(n), xy, preference, stars, np.zeros(n, np.int32))
    app.processEvents()
    print(f"  drawing {n:,} points: set up in {(time.perf_counter() - started) * 1e3:.0f} ms")
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    for label, zoom in (("whole map", 1.0), ("closer in", 0.12), ("close up", 0.04)):
        view.show_all()
        view.box.scaleBy((zoom, zoom))
        app.processEvents()
        times = []
        for _ in range(40):
            rect = view.box.viewRect()
            view.box.translateBy(x=rect.width() * 0.01, y=rect.height() * 0.005)
            started = time.perf_counter()
            app.processEvents()  # what a pan event does: the dots follow the view
            painter = QPainter(image)
            view.render(painter)
            painter.end()
            times.append(time.perf_counter() - started)
        mode = "image" if view.drawing_image() else f"{view.points_in_view():,} dots in view"
        print(f"  panning, {label} ({mode}): {statistics.median(times) * 1e3:.1f} ms a frame "
              f"(95th percentile {np.percentile(times, 95) * 1e3:.1f} ms)")


def main() -> int:
    from corpus import corpus_dir
    from corpus_library import DEFAULT_OUT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="default: $RIFFLE_CORPUS or "
                        "benchmarks/out/corpus")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the generated library here")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    if not args.skip_corpus:
        path = corpus_dir(args.corpus)
        if (path / "labels.json").is_file():
            corpus(path, args.out)
        else:
            print(f"no corpus at {path} (benchmarks/corpus.sh builds it)")
    if not args.skip_large:
        large(args.size, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
