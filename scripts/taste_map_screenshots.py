"""Take the README's screenshots of the taste map and the profile on a real library.

    Xvfb :99 -screen 0 1400x860x24 &
    DISPLAY=:99 .venv/bin/python scripts/taste_map_screenshots.py LIBRARY.sqlite3 \\
        [--out docs/screenshots] [--likes ALBUM ...] [--dislikes ALBUM ...]

LIBRARY is an analysed library (for example the soundtrack corpus's database that
benchmarks/corpus_library.py keeps). It is copied first: the copy gets a listener's few
weeks of history (tracks of the liked albums rated and played to the end, of the disliked
ones skipped and sometimes rated one or two stars), then the window opens on it with the
Taste map tab, plays a track, and is saved twice: the map with a hover card, and the
profile with a region selected.
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

import numpy as np  # noqa: E402
from screenshots import Shot, until, wait  # noqa: E402

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from player.models import PlayOutcome, PlaySource  # noqa: E402
from player.store import Store  # noqa: E402
from ui.app_setup import make_application  # noqa: E402

logger = logging.getLogger("taste-map-screenshots")


def seed_history(store: Store, likes: list[str], dislikes: list[str]) -> None:
    """A listener who likes the *likes* albums and skips the *dislikes* ones."""
    rng = random.Random(5)
    now = time.time()
    with store.db.transaction():
        for track in store.tracks.all():
            if track.id is None or not track.album:
                continue
            liked = track.album in likes
            if not liked and track.album not in dislikes:
                continue
            if rng.random() < 0.35:
                store.ratings.set(track.id, rng.choice([4, 5, 5]) if liked
                                  else rng.choice([1, 2]), now=now - rng.uniform(0, 9e5))
            for _ in range(rng.choice([0, 1, 1, 2])):
                started = now - rng.uniform(86_400, 30 * 86_400)
                play = store.plays.start(track.id, duration=track.duration,
                                         source=PlaySource.AUTO, started_at=started)
                listened = (track.duration or 200.0) if liked else 6.0
                store.plays.finish(play, listened=listened, outcome=PlayOutcome.COMPLETED
                                   if liked else PlayOutcome.SKIPPED,
                                   ended_at=started + listened)


def main_(library: Path, out: Path, likes: list[str], dislikes: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["riffle"])
    with tempfile.TemporaryDirectory(prefix="riffle-map-shots-") as tmp:
        db = Path(tmp) / "library.sqlite3"
        shutil.copy(library, db)
        store = Store.open(db)
        try:
            seed_history(store, likes, dislikes)
        finally:
            store.close()
        shot = Shot(app, db, Path(tmp) / "window.ini", suggested=None)
        w = shot.window
        shot.window.setGeometry(0, 0, 1400, 860)
        until(app, lambda: w.control is not None and w.control.filler_ready)
        panel = w.taste_map
        assert panel is not None and w.control is not None
        w.queue_action.setChecked(False)
        w.browser_action.setChecked(False)
        w.centre.setCurrentWidget(panel)
        until(app, lambda: panel.taste_map is not None, timeout=300)
        tm = panel.taste_map
        assert tm is not None
        favourite = int(tm.ids[int(tm.preference.argmax())])
        w.control.play_now([favourite])
        until(app, lambda: len(w.control.queue.auto_part) >= 5)
        wait(app, 2.0)
        # a track Riffle expects the listener to like, far from the playing one
        playing = tm.point_of(favourite)
        far = np.linalg.norm(tm.xy - tm.xy[playing], axis=1) if playing is not None \
            else np.ones(len(tm))
        hopeful = np.flatnonzero(~tm.judged & (tm.preference > 0.2))
        point = int(hopeful[far[hopeful].argmax()]) if len(hopeful) else int(far.argmax())
        hovered = int(tm.ids[point])
        panel._hovered(hovered)
        panel.view.mark_hovered(point)
        if point is not None:
            x, y = (float(v) for v in tm.xy[point])
            from PySide6.QtCore import QPointF

            pos = panel.view.mapFromScene(panel.view.box.mapViewToScene(QPointF(x, y)))
            panel.view.show_card(panel.view.card.text())
            panel.view.card.move(min(pos.x() + 16, panel.view.width() - panel.view.card.width()
                                     - 4), min(pos.y() + 16, panel.view.height()
                                               - panel.view.card.height() - 4))
        shot.save(out / "taste-map.png")
        panel.view.show_card("")
        panel.view.mark_hovered(-1)
        liked = max(tm.profile.regions, key=lambda r: r.preference)
        panel.profile.select_region(liked.number)
        item = panel.profile.tree.currentItem()
        if item is not None:
            item.setExpanded(True)
        wait(app, 1.0)
        shot.save(out / "taste-profile.png")
        shot.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--likes", nargs="*", default=["Widelands", "The Battle for Wesnoth"])
    parser.add_argument("--dislikes", nargs="*", default=["Nexuiz"])
    args = parser.parse_args()
    main_(args.library, args.out, args.likes, args.dislikes)
    QTimer.singleShot(0, QApplication.quit)


if __name__ == "__main__":
    main()
