"""Does the auto-shuffle learn a listener's taste on real recordings? Simulated listeners
answer, through Riffle's real analysis, store and auto-shuffle.

    .venv/bin/python benchmarks/listeners.py [CORPUS] [--out DIR] [--seeds 5]
                                             [--fills 1000] [--only NAME ...]

The corpus (benchmarks/corpus.sh) is scanned and analysed once by Riffle's own code
(corpus_library.py); every run starts from a copy of that database. Each listener likes one
or two soundtracks and dislikes one or two. Their history arrives as a user's would: plays
through `import_history` (what `riffle history import` runs: one JSON line a play) and
ratings through `RatingStore.set` (what `riffle rate` runs). A judgement is one play of a
track drawn at random from the liked or the disliked soundtracks, in random order:

- liked: played to the end, and rated ★★★★★ three times in ten;
- disliked: skipped after 8 s, and rated ★ three times in ten.

After 10, 20 and 40 judgements the auto-shuffle is asked for its next 20 picks, as
`riffle next -n 20 --seed N` does (fresh auto-shuffle, the last play as what plays now).
Printed per listener (mean over seeds) and over all listeners:

- liked and disliked shares of the 20 picks, each against a plain shuffle's: the share a
  uniform random pick among the eligible tracks (not played lately, not rated ★) would
  have; and the fewest distinct artists in any 20 picks;
- after 40 judgements, skip generalisation: a track nobody judged, from a soundtrack the
  listener neither likes nor dislikes, is skipped twice (8 s each). The probability that
  the next pick is one of its 10 nearest eligible tracks by sound (Riffle's SoundIndex),
  and that it is in the farthest half of the eligible library, are estimated from --fills
  successive one-track fills before and after the skips (same seed, same playing track),
  and their relative changes printed.

Soundtrack labels decide the simulated reactions and the scores, never a pick.
The auto-shuffle is reached through one adapter, `auto_shuffle()`.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from corpus import corpus_dir  # noqa: E402
from corpus_library import DEFAULT_OUT, AnalysedCorpus, analysed_corpus  # noqa: E402

from player.history_io import import_history  # noqa: E402
from player.queue import FillContext  # noqa: E402
from player.store import Store  # noqa: E402
from recommender.index import SoundIndex  # noqa: E402
from recommender.shuffle import AutoShuffle  # noqa: E402


@dataclass(frozen=True)
class Listener:
    name: str
    liked: tuple[str, ...]
    disliked: tuple[str, ...]


#: Each side holds at least 20 tracks, as the history draws 20 judgements from each.
LISTENERS = (
    Listener("orchestral", ("The Battle for Wesnoth", "Widelands"),
             ("Nexuiz", "Endgame: Singularity")),
    Listener("electronic", ("Nexuiz", "Endgame: Singularity"),
             ("The Battle for Wesnoth",)),
    Listener("adventure", ("Drascula: The Vampire Strikes Back", "OpenClonk"),
             ("Warzone 2100", "UFO: Alien Invasion")),
    Listener("sci-fi strategy", ("UFO: Alien Invasion", "Warzone 2100"),
             ("Hedgewars", "OpenClonk")),
    Listener("playful", ("Hedgewars", "HyperRogue"), ("Endgame: Singularity", "FreedroidRPG")),
    Listener("roguelike", ("HyperRogue", "FreedroidRPG"),
             ("Drascula: The Vampire Strikes Back",)),
)

CHECKPOINTS = (10, 20, 40)
WINDOW = 20
RATED_SHARE = 0.3
SKIP_SECONDS = 8.0
#: Seconds between two judgements of the simulated history.
SPACING = 240.0
NEIGHBOURS = 10

AIMS = {"liked": 4.0, "disliked": 0.2, "disliked_each": 0.3, "neighbours_drop": 0.5,
        "far_change": 0.1, "artists": 9}


# -- the one place that knows the auto-shuffle's API ------------------------------------------


Picker = Callable[[int, int | None], list[int]]


def auto_shuffle(store: Store, seed: int) -> Picker:
    """(count, track playing now) → the auto-shuffle's next picks, as `riffle next --seed`
    computes them: a fresh AutoShuffle with the library's default settings, nothing queued.
    Successive calls draw anew (the seed starts one random stream)."""
    shuffle = AutoShuffle.over(store, seed=seed)

    def picks(count: int, current: int | None) -> list[int]:
        return [p.track_id for p in shuffle.fill(count, FillContext(current, (), ()))]

    return picks


# -- one simulated listener --------------------------------------------------------------------


@dataclass
class Window:
    liked: float
    disliked: float
    plain_liked: float
    plain_disliked: float
    artists: int


@dataclass
class Run:
    windows: dict[int, Window] = field(default_factory=dict)
    neighbours_change: float = float("nan")
    far_change: float = float("nan")


class Simulation:
    """One listener with one seed on a private copy of the analysed corpus."""

    def __init__(self, library: AnalysedCorpus, listener: Listener, seed: int,
                 folder: Path) -> None:
        self.listener = listener
        self.seed = seed
        self.rng = random.Random(f"{listener.name}/{seed}")
        self.path = folder / f"{listener.name.replace(' ', '-')}-{seed}.sqlite3"
        with sqlite3.connect(library.db_path) as source, sqlite3.connect(self.path) as copy:
            source.backup(copy)
        self.store = Store.open(self.path)
        self.label = library.labels
        tracks = self.store.tracks.get_many(sorted(self.label))
        self.path_of = {tid: t.path for tid, t in tracks.items()}
        self.duration = {tid: t.duration or 180.0 for tid, t in tracks.items()}
        self.artist = {tid: t.display_artist for tid, t in tracks.items()}
        self.played: list[int] = []
        self.one_star: set[int] = set()
        self.start = time.time() - (CHECKPOINTS[-1] + 2) * SPACING

    def close(self) -> None:
        self.store.close()

    # what the listener does

    def kind(self, track_id: int) -> str:
        label = self.label[track_id]
        return ("liked" if label in self.listener.liked
                else "disliked" if label in self.listener.disliked else "neutral")

    def judge(self, track_id: int, at: float, *, force_skip: bool = False) -> None:
        """One play (and maybe a rating), entered the way `riffle history import` and
        `riffle rate` enter them."""
        liked = self.kind(track_id) == "liked" and not force_skip
        listened = self.duration[track_id] if liked else SKIP_SECONDS
        line = json.dumps({"track": self.path_of[track_id], "started_at": at,
                           "listened": listened,
                           "outcome": "completed" if liked else "skipped"})
        report = import_history(self.store, [line])
        if report.imported != 1:
            raise SystemExit(f"history import refused a play: {report.problems}")
        self.played.append(track_id)
        if not force_skip and self.rng.random() < RATED_SHARE:
            stars = 5 if liked else 1
            with self.store.db.transaction():
                self.store.ratings.set(track_id, stars, now=at + listened)
            if stars == 1:
                self.one_star.add(track_id)

    def history(self) -> list[int]:
        """The tracks the listener judges, in order: half liked, half disliked, shuffled."""
        pools = {kind: [t for t in sorted(self.label) if self.kind(t) == kind]
                 for kind in ("liked", "disliked")}
        for pool in pools.values():
            self.rng.shuffle(pool)
        kinds = ["liked", "disliked"] * (CHECKPOINTS[-1] // 2)
        self.rng.shuffle(kinds)
        return [pools[kind].pop() for kind in kinds]

    # what is measured

    def eligible(self) -> list[int]:
        """Tracks any pick may come from now: not played lately, not rated one star."""
        blocked = set(self.played) | self.one_star
        return [t for t in sorted(self.label) if t not in blocked]

    def window(self, checkpoint: int) -> Window:
        picks = auto_shuffle(self.store, self.seed * 1000 + checkpoint)(WINDOW, self.played[-1])
        kinds = [self.kind(t) for t in picks]
        pool = [self.kind(t) for t in self.eligible()]
        n = max(1, len(picks))
        return Window(kinds.count("liked") / n, kinds.count("disliked") / n,
                      pool.count("liked") / len(pool), pool.count("disliked") / len(pool),
                      len({self.artist[t] for t in picks}))

    def first_picks(self, current: int, fills: int) -> dict[int, int]:
        """How often each track is the next pick, over *fills* one-track fills."""
        picker = auto_shuffle(self.store, self.seed * 1000 + 999)
        counts: dict[int, int] = {}
        for _ in range(fills):
            for track_id in picker(1, current):
                counts[track_id] = counts.get(track_id, 0) + 1
        return counts

    def skip_generalisation(self, fills: int) -> tuple[float, float]:
        """(relative change of the 10 nearest tracks' pick probability, of the far half's)
        after two skips of one unjudged neutral track."""
        eligible = self.eligible()
        neutral = [t for t in eligible if self.kind(t) == "neutral"]
        if not neutral:
            return float("nan"), float("nan")
        probe = self.rng.choice(neutral)
        index = SoundIndex.from_store(self.store)
        others = [t for t in eligible if t != probe and t in index]
        gaps = index.distances_from_row(
            index.row_of(probe), np.array([index.row_of(t) for t in others]))
        order = np.argsort(gaps, kind="stable")
        near = {others[i] for i in order[:NEIGHBOURS]}
        far = {others[i] for i in order[len(order) // 2:]}
        current = self.played[-1]
        before = self.first_picks(current, fills)
        now = time.time()
        self.judge(probe, now - 120.0, force_skip=True)
        self.judge(probe, now - 60.0, force_skip=True)
        after = self.first_picks(current, fills)

        def change(group: set[int]) -> float:
            b = sum(before.get(t, 0) for t in group)
            a = sum(after.get(t, 0) for t in group)
            return (a - b) / b if b else float("nan")

        return change(near), change(far)

    def run(self, fills: int) -> Run:
        result = Run()
        for n, track_id in enumerate(self.history(), start=1):
            self.judge(track_id, self.start + n * SPACING)
            if n in CHECKPOINTS:
                result.windows[n] = self.window(n)
        if fills:
            result.neighbours_change, result.far_change = self.skip_generalisation(fills)
        return result


# -- report ----------------------------------------------------------------------------------


def ratio(share: float, plain: float) -> float:
    return share / plain if plain else float("nan")


def mean(values: Sequence[float]) -> float:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(results: dict[str, list[Run]]) -> dict[str, object]:
    print(f"\n{'listener':16} {'after':>5}  {'liked':>5} {'plain':>5} {'×':>5}  "
          f"{'disliked':>8} {'plain':>5} {'×':>5}  {'artists':>7}")
    summary: dict[str, dict[int, tuple[float, float, int]]] = {}
    for name, runs in results.items():
        summary[name] = {}
        for point in CHECKPOINTS:
            w = [r.windows[point] for r in runs]
            liked, plain_l = mean([x.liked for x in w]), mean([x.plain_liked for x in w])
            dis, plain_d = mean([x.disliked for x in w]), mean([x.plain_disliked for x in w])
            artists = min(x.artists for x in w)
            summary[name][point] = (ratio(liked, plain_l), ratio(dis, plain_d), artists)
            print(f"{name if point == CHECKPOINTS[0] else '':16} {point:>5}  {liked:5.2f} "
                  f"{plain_l:5.2f} {ratio(liked, plain_l):5.1f}  {dis:8.2f} {plain_d:5.2f} "
                  f"{ratio(dis, plain_d):5.2f}  {artists:>7}")
    print(f"\n{'listener':16} {'10 nearest, after 2 skips':>26} {'far half':>9}")
    skips = {}
    for name, runs in results.items():
        near = mean([r.neighbours_change for r in runs])
        far = mean([r.far_change for r in runs])
        skips[name] = (near, far)
        print(f"{name:16} {100 * near:+25.0f}% {100 * far:+8.0f}%")

    print("\naverage over listeners (aims after 40 judgements):")
    last = CHECKPOINTS[-1]
    for point in CHECKPOINTS:
        liked = mean([s[point][0] for s in summary.values()])
        dis = mean([s[point][1] for s in summary.values()])
        worst = max(s[point][1] for s in summary.values())
        artists = min(s[point][2] for s in summary.values())
        line = (f"  after {point:>2}: liked {liked:4.1f}× plain shuffle, disliked {dis:4.2f}× "
                f"(worst listener {worst:4.2f}×), fewest artists in 20 picks {artists}")
        if point == last:
            line += (f"\n            aims: liked ≥{AIMS['liked']:.0f}× "
                     f"{mark(liked >= AIMS['liked'])}"
                     f"; disliked ≤{AIMS['disliked']}× {mark(dis <= AIMS['disliked'])}"
                     f"; every listener ≤{AIMS['disliked_each']}× "
                     f"{mark(worst <= AIMS['disliked_each'])}; ≥{AIMS['artists']} artists "
                     f"{mark(artists >= AIMS['artists'])}")
        print(line)
    near = mean([s[0] for s in skips.values()])
    far = mean([s[1] for s in skips.values()])
    print(f"  after 2 skips: 10 nearest tracks {100 * near:+.0f}% (aim ≤ "
          f"-{100 * AIMS['neighbours_drop']:.0f}%: {mark(near <= -AIMS['neighbours_drop'])}), "
          f"far half {100 * far:+.0f}% (aim within ±{100 * AIMS['far_change']:.0f}%: "
          f"{mark(abs(far) <= AIMS['far_change'])})")
    return {"listeners": {name: {str(p): [round(v, 3) for v in s[p]] for p in CHECKPOINTS}
                          for name, s in summary.items()},
            "skips": {name: [round(v, 3) for v in s] for name, s in skips.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="corpus folder (default $RIFFLE_CORPUS or "
                        "benchmarks/out/corpus)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where the analysed database is kept (default benchmarks/out)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="analysis processes, if the corpus is not analysed yet")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--fills", type=int, default=1000,
                        help="one-track fills per estimate of pick probabilities (0: skip)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these listeners")
    args = parser.parse_args(argv)
    corpus = corpus_dir(args.corpus).resolve()
    library = analysed_corpus(corpus, args.out, workers=args.jobs)
    soundtracks = set(library.labels.values())
    listeners = [li for li in LISTENERS if not args.only or li.name in args.only]
    size = Counter(library.labels.values())
    for li in listeners:
        unknown = set(li.liked + li.disliked) - soundtracks
        if unknown:
            raise SystemExit(f"listener {li.name}: no soundtrack {sorted(unknown)} in {corpus}")
        for side in (li.liked, li.disliked):
            if sum(size[s] for s in side) < CHECKPOINTS[-1] // 2:
                raise SystemExit(f"listener {li.name}: {', '.join(side)} hold fewer than "
                                 f"the {CHECKPOINTS[-1] // 2} tracks the history judges")
    print(f"corpus {corpus}: {len(library.labels)} analysed tracks, {len(soundtracks)} "
          f"soundtracks; {len(listeners)} listeners × {args.seeds} seeds; next {WINDOW} "
          f"picks after {', '.join(map(str, CHECKPOINTS))} judgements")
    for li in listeners:
        print(f"  {li.name}: likes {', '.join(li.liked)}; dislikes {', '.join(li.disliked)}")
    results: dict[str, list[Run]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="riffle-listeners-") as folder:
        for li in listeners:
            results[li.name] = []
            for seed in range(args.seeds):
                sim = Simulation(library, li, seed, Path(folder))
                try:
                    results[li.name].append(sim.run(args.fills))
                finally:
                    sim.close()
            print(f"  {li.name} done ({time.perf_counter() - started:.0f} s)", flush=True)
    print(json.dumps(report(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
