"""Does the auto-shuffle learn a listener's taste? A simulated listener answers.

A synthetic library of STYLES styles (each a cloud of feature vectors, with its own
artists, albums, genre and era) goes into a real store. The listener secretly likes two
styles and dislikes one. They listen to what the auto-shuffle picks: a liked track is
played to the end and sometimes rated 4–5 stars; a disliked one is skipped after a few
seconds and sometimes rated 1–2; anything else is usually played through, sometimes
skipped. Every play is one judgement, logged in the store exactly as the player logs it.

After 0, 10, 20 and 40 judgements the script asks for the next 20 picks and prints the
share of liked and disliked tracks among them and how many distinct artists they hold,
averaged over 5 seeds, next to a plain random shuffle of the same library.

    .venv/bin/python benchmarks/recommender_eval.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from taste_factory import SyntheticLibrary, build_library

from player.changes import Changes
from player.models import PlayOutcome, PlaySource
from player.queue import FillContext
from player.store import Store
from recommender.shuffle import AutoShuffle

STYLES = 10
ARTISTS_PER_STYLE = 6
TRACKS_PER_ARTIST = 10
LIKED = {0, 1}
DISLIKED = {2}
CHECKPOINTS = (0, 10, 20, 40)
WINDOW = 20
#: Random windows averaged for the plain-shuffle column, so it is not noise.
RANDOM_WINDOWS = 200


class Clock:
    """Simulated time: each play moves it on by what was listened."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class Snapshot:
    liked: float
    disliked: float
    artists: int


def snapshot(lib: SyntheticLibrary, picks: list[int]) -> Snapshot:
    styles = [lib.style_of[t] for t in picks]
    n = max(1, len(picks))
    return Snapshot(sum(s in LIKED for s in styles) / n, sum(s in DISLIKED for s in styles) / n,
                    len({lib.artist_of[t] for t in picks}))


def listen(store: Store, lib: SyntheticLibrary, track_id: int, clock: Clock,
           rng: random.Random) -> None:
    """The hidden listener's reaction to one track, logged as a play (and maybe a rating)."""
    style = lib.style_of[track_id]
    duration = 200.0
    if style in LIKED:
        outcome, listened = PlayOutcome.COMPLETED, duration
        stars = rng.choice([4, 5]) if rng.random() < 0.3 else 0
    elif style in DISLIKED:
        outcome, listened = PlayOutcome.SKIPPED, rng.uniform(3.0, 8.0)
        stars = rng.choice([1, 2]) if rng.random() < 0.3 else 0
    else:
        skipped = rng.random() < 0.3
        outcome = PlayOutcome.SKIPPED if skipped else PlayOutcome.COMPLETED
        listened = rng.uniform(5.0, 20.0) if skipped else duration
        stars = 0
    with store.db.transaction():
        play = store.plays.start(track_id, duration=duration, source=PlaySource.AUTO,
                                 started_at=clock.now)
        store.plays.finish(play, listened=listened, outcome=outcome,
                           ended_at=clock.now + listened)
        if stars:
            store.ratings.set(track_id, stars, now=clock.now + listened)
    clock.now += listened + 1.0


def run_seed(seed: int, folder: Path) -> tuple[dict[int, Snapshot], dict[int, Snapshot]]:
    store = Store.open(folder / f"eval-{seed}.sqlite3")
    lib = build_library(store, styles=STYLES, artists_per_style=ARTISTS_PER_STYLE,
                        tracks_per_artist=TRACKS_PER_ARTIST, seed=seed, spread=1.2,
                        separation=1.5)
    clock = Clock(1_800_000_000.0)
    shuffle = AutoShuffle.over(store, seed=seed, clock=clock)
    rng = random.Random(seed)
    random_rng = np.random.default_rng(seed)
    ids = np.array(sorted(lib.style_of))
    learned: dict[int, Snapshot] = {}
    baseline: dict[int, Snapshot] = {}
    history: list[int] = []
    judged = 0
    while judged <= CHECKPOINTS[-1]:
        if judged in CHECKPOINTS and judged not in learned:
            shuffle.follow(Changes.everything())  # the judgements so far
            context = FillContext(history[-1] if history else None, tuple(history[-50:]), ())
            learned[judged] = snapshot(lib, [p.track_id for p in
                                             shuffle.fill(WINDOW, context)])
            windows = [snapshot(lib, random_rng.choice(ids, WINDOW, False).tolist())
                       for _ in range(RANDOM_WINDOWS)]
            baseline[judged] = Snapshot(float(np.mean([w.liked for w in windows])),
                                        float(np.mean([w.disliked for w in windows])),
                                        min(w.artists for w in windows))
        context = FillContext(history[-1] if history else None, tuple(history[-50:]), ())
        (pick,) = shuffle.fill(1, context)
        listen(store, lib, pick.track_id, clock, rng)
        history.append(pick.track_id)
        judged += 1
    store.close()
    return learned, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="riffle-eval-"))
    runs = [run_seed(seed, folder) for seed in range(args.seeds)]
    print(f"library: {STYLES} styles x {ARTISTS_PER_STYLE} artists x {TRACKS_PER_ARTIST} "
          f"tracks; liked styles {sorted(LIKED)}, disliked {sorted(DISLIKED)}; "
          f"{args.seeds} seeds; next {WINDOW} picks")
    print(f"{'judgements':>10}  {'liked':>6} {'random':>7}  {'disliked':>8} {'random':>7}  "
          f"{'artists (min)':>13}")
    for point in CHECKPOINTS:
        mine = [r[0][point] for r in runs]
        rand = [r[1][point] for r in runs]
        print(f"{point:>10}  {np.mean([m.liked for m in mine]):>6.2f} "
              f"{np.mean([r.liked for r in rand]):>7.2f}  "
              f"{np.mean([m.disliked for m in mine]):>8.2f} "
              f"{np.mean([r.disliked for r in rand]):>7.2f}  "
              f"{min(m.artists for m in mine):>13}")


if __name__ == "__main__":
    main()
