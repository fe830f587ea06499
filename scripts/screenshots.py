"""Take the README's screenshots of the real window on a generated demo library.

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python scripts/screenshots.py docs/screenshots

Builds a small library of invented artists (real FLAC files with tags and cover images) in
a temporary folder, then shows the window three ways: the first start, the full library,
and playing with the queue open. The window is 1280×800 and fills the screen.
"""

from __future__ import annotations

import logging
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from library_factory import TagSet, make_track  # noqa: E402

from PySide6.QtCore import QEventLoop, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import main  # noqa: E402
from player.models import PlayOutcome, PlaySource  # noqa: E402
from player.store import Store  # noqa: E402
from ui.app_setup import build_player, close_player, make_application, window_parts  # noqa: E402
from ui.library_jobs import (  # noqa: E402
    LibraryJobs,
    LibraryLoader,
    analysis_function,
    scanner_function,
    similar_function,
)
from ui.main_window import MainWindow  # noqa: E402
from ui.tasks import BackgroundWork  # noqa: E402
from ui.window_state import WindowState  # noqa: E402

logger = logging.getLogger("screenshots")

#: (artist, album, year, genre, two cover colours, titles)
DEMO = [
    ("The Glass Orchard", "Lanterns", 2019, "Indie Rock", ("#2d3a8c", "#f0a04b"),
     ["Paper Kites", "Lantern Parade", "Salt on the Window", "Northbound", "Orchard Lights",
      "Weather Vane", "Slow Return"]),
    ("The Glass Orchard", "Low Tide Radio", 2021, "Indie Rock", ("#14505c", "#9ad1c9"),
     ["Low Tide Radio", "Static Hymn", "Harbour Wall", "Blue Hour Drive", "Seafoam"]),
    ("Marlowe Reed", "Paper Boats", 2016, "Folk", ("#6b3e26", "#e8c39e"),
     ["Paper Boats", "The River Knows", "Kitchen Light", "Hollow Oak", "Songbird, Stay",
      "Willow Road"]),
    ("Inés Alvarado", "Noche Clara", 2012, "Latin Jazz", ("#4a1942", "#f2b5d4"),
     ["Noche Clara", "Café de las Once", "Bolero para Ana", "Luz de Malecón", "Brisa"]),
    ("Nova Sundial", "Afterglow Systems", 2022, "Electronic", ("#0b0c2a", "#c64cff"),
     ["Afterglow", "Carrier Wave", "Sodium Lights", "Parallax", "Night Bus Protocol",
      "Ghost Frequencies"]),
    ("Okonkwo Brass Collective", "Lagos Sunday", 2018, "Afrobeat", ("#7a2e00", "#ffcf40"),
     ["Lagos Sunday", "Danfo Groove", "Market Horns", "Eko Sunset", "Highlife Letter"]),
    ("Sigrid Vale", "Northern Quiet", 2015, "Ambient", ("#1f3b4d", "#dfe9f0"),
     ["First Snow", "Aurora Field", "Fjord at Rest", "Stillwater", "Long Night"]),
    ("Kettle & Pine", "Woodsmoke", 2009, "Acoustic", ("#2f4f2f", "#d9c08c"),
     ["Woodsmoke", "Porch Lantern", "Morning Kettle", "Pine Needle Waltz"]),
]


def _cover(path: Path, colours: tuple[str, str], seed: int) -> None:
    rng = random.Random(seed)
    image = QImage(500, 500, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(500, 500))
    gradient.setColorAt(0, QColor(colours[0]))
    gradient.setColorAt(1, QColor(colours[1]))
    painter.fillRect(image.rect(), gradient)
    painter.setPen(Qt.PenStyle.NoPen)
    for _ in range(7):
        colour = QColor(colours[rng.randrange(2)])
        colour.setAlpha(rng.randrange(60, 150))
        painter.setBrush(colour)
        r = rng.randrange(40, 190)
        painter.drawEllipse(QPointF(rng.randrange(500), rng.randrange(500)), r, r)
    painter.end()
    image.save(str(path), "JPG", 90)


def build_library(folder: Path) -> Path:
    rng = random.Random(7)
    for a, (artist, album, year, genre, colours, titles) in enumerate(DEMO):
        album_dir = folder / artist / album
        for n, title in enumerate(titles, start=1):
            make_track(album_dir / f"{n:02d} {title}.flac",
                       TagSet(title=title, artists=[artist], album=album, genres=[genre],
                              date=str(year), track=str(n)),
                       seconds=rng.uniform(150, 330), freq=110.0 * (1 + a + n / 7))
        _cover(album_dir / "cover.jpg", colours, a)
    return folder


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def until(app: QApplication, condition: object, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        wait(app, 0.05)


class Shot:
    """One window on one database, built like main.py builds it."""

    def __init__(self, app: QApplication, db: Path, state: Path, suggested: Path | None,
                 player: bool = True) -> None:
        self.app = app
        self.store = Store.open(db)
        self.work = BackgroundWork(db)
        self.jobs = LibraryJobs(self.work, scan=scanner_function(), analyse=analysis_function(),
                                roots=self.store.roots.list)
        self.player = build_player(
            self.store, self.work,
            lambda cb, volume: main.make_backend(cb, audio_output="dummy", volume=volume),
            main.make_filler) if player else None
        parts = window_parts(store=self.store, work=self.work, jobs=self.jobs,
                             loader=LibraryLoader(self.work), state=WindowState(state),
                             suggested_folder=suggested, player=self.player,
                             similar=similar_function())
        self.window = MainWindow(parts)
        self.window.setGeometry(0, 0, 1280, 800)
        self.window.show()
        until(app, lambda: self.window.loader.loads >= 1)
        wait(app, 0.5)

    def save(self, path: Path) -> None:
        wait(self.app, 0.8)
        self.window.grab().save(str(path))
        logger.info("saved %s", path)

    def close(self) -> None:
        self.window.close()
        close_player(self.player)
        self.work.shutdown()
        self.window.deleteLater()
        wait(self.app, 0.2)
        self.store.close()


def main_(out: Path) -> None:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["riffle"])
    with tempfile.TemporaryDirectory(prefix="riffle-demo-") as tmp:
        base = Path(tmp)
        music = build_library(base / "Music")
        db, state = base / "riffle.sqlite3", base / "window.ini"

        first = Shot(app, db, state, suggested=music)
        first.save(out / "first-start.png")
        first.window.welcome.start.click()  # the real first start: add the folder, scan
        until(app, lambda: len(first.window.model.library) == sum(len(d[5]) for d in DEMO)
              and not first.jobs.running, timeout=300)
        first.close()

        store = Store.open(db)  # a little history so the columns have something
        try:
            seed_history(store)
        finally:
            store.close()
        full = Shot(app, db, state, suggested=None)
        until(app, lambda: full.window.control is not None and full.window.control.filler_ready)
        full.window.queue_action.setChecked(False)
        full.save(out / "library.png")
        full.window.queue_action.setChecked(True)

        w = full.window
        titles = [w.model.index(r, 0).data() for r in range(w.model.rowCount())]
        ids = w.model.track_ids()
        w.control.play_now([ids[titles.index("Noche Clara")]])  # type: ignore[union-attr]
        w.control.enqueue([ids[titles.index("Danfo Groove")],  # type: ignore[union-attr]
                           ids[titles.index("Paper Boats")]], next_up=False)
        w.library.select_track(ids[titles.index("Noche Clara")])
        wait(app, 4.0)
        full.save(out / "playing.png")
        full.close()


def seed_history(store: Store) -> None:
    """Ratings and plays of a few weeks, as a listener would leave them."""
    rng = random.Random(3)
    now = time.time()
    tracks = store.tracks.all()
    with store.db.transaction():
        for track in tracks:
            if track.id is None:
                continue
            if rng.random() < 0.45:
                store.ratings.set(track.id, rng.choice([3, 4, 4, 5, 5, 2]))
            for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
                started = now - rng.uniform(0, 40 * 86400)
                play = store.plays.start(track.id, duration=track.duration,
                                         source=PlaySource.USER, started_at=started)
                store.plays.finish(play, listened=track.duration or 0.0,
                                   outcome=PlayOutcome.COMPLETED, ended_at=started + 200)


if __name__ == "__main__":
    main_(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    QTimer.singleShot(0, QApplication.quit)
