"""Take the README's screenshots of the real window on a generated demo library.

    Xvfb :99 -screen 0 1280x800x24 &
    DISPLAY=:99 .venv/bin/python scripts/screenshots.py docs/screenshots

(QT_QPA_PLATFORM=offscreen works too: the same pictures, without a display.)

Builds a small library of invented artists (real FLAC files with tags and cover images,
one compilation whose files name only each performer, a download that never finished and
a file cut short) in a temporary folder, then shows the window: the first start and
playing with the queue open (1280×800, light); then, in the light and the
dark palette at 1280×800 and 1024×600 each, the library, the album view, the problems
list and a track's properties (library-1280-light.png, albums-1024-dark.png, ...). One
file is marked as having failed to play, as the player marks it, so the problems list
shows each kind of problem. A dialog is drawn over its window where it opens.
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

from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPixmap  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

import main  # noqa: E402
from player.models import PlayOutcome, PlaySource  # noqa: E402
from player.store import Store  # noqa: E402
from ui.app_setup import build_player, close_player, make_application, window_parts  # noqa: E402
from ui.errors_dialog import ErrorsDialog  # noqa: E402
from ui.library_jobs import (  # noqa: E402
    LibraryJobs,
    LibraryLoader,
    analysis_function,
    scanner_function,
    similar_function,
)
from ui.library_view import ALBUMS  # noqa: E402
from ui.looks import Scheme, apply_scheme  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.properties_dialog import PropertiesDialog  # noqa: E402
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
#: A compilation: one album in one folder, each file naming only its performer.
COMPILATION = ("Late Night Radio", 2020, "Various", ("#101820", "#f2aa4c"),
               [("Neon Harbour", "Cassia Moon"), ("After Hours", "The Velvet Static"),
                ("Slow Motion City", "Juno Park"), ("Blue Frequency", "Otis Vale"),
                ("Last Train Home", "Mira & The Lamps")])
#: Sizes and palettes of the window shots.
SIZES = ((1280, 800), (1024, 600))
SCHEMES = (Scheme.LIGHT, Scheme.DARK)


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
    album, year, genre, colours, tracks = COMPILATION
    album_dir = folder / "Compilations" / album
    for n, (title, artist) in enumerate(tracks, start=1):
        make_track(album_dir / f"{n:02d} {artist} - {title}.flac",
                   TagSet(title=title, artists=[artist], album=album, genres=[genre],
                          date=str(year), track=str(n)),
                   seconds=rng.uniform(150, 300), freq=130.0 + 20 * n)
    _cover(album_dir / "cover.jpg", colours, 99)
    downloads = folder / "Downloads"
    downloads.mkdir()
    (downloads / "live at the harbour (incomplete).mp3").write_bytes(
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(4000))  # a header, then nothing
    cut = make_track(downloads / "Harbour Wall (live).flac",
                     TagSet(title="Harbour Wall (live)", artists=["The Glass Orchard"],
                            album="Live at the Harbour", genres=["Indie Rock"], date="2023"),
                     seconds=240.0, freq=180.0)
    with open(cut, "r+b") as handle:  # a copy that stopped a third of the way
        handle.truncate(cut.stat().st_size // 3)
    return folder


TRACK_COUNT = sum(len(d[5]) for d in DEMO) + len(COMPILATION[4]) + 1  # the cut one lists


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
                 player: bool = True, size: tuple[int, int] = (1280, 800)) -> None:
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
        parts.cache_dir = db.parent / "cache"
        self.window = MainWindow(parts)
        self.window.setGeometry(0, 0, *size)
        self.window.show()
        until(app, lambda: self.window.loader.loads >= 1)
        wait(app, 0.5)

    def save(self, path: Path, dialog: QWidget | None = None) -> None:
        """The window (with *dialog* drawn over it where it opened) as a PNG."""
        wait(self.app, 0.8)
        picture = self.window.grab()
        if dialog is not None:
            picture = over(picture, dialog, self.window)
        picture.save(str(path))
        logger.info("saved %s", path)

    def close(self) -> None:
        self.window.close()
        close_player(self.player)
        self.work.shutdown()
        self.window.deleteLater()
        wait(self.app, 0.2)
        self.store.close()


def over(picture: QPixmap, dialog: QWidget, window: QWidget) -> QPixmap:
    """*picture* of *window* with *dialog* drawn where it stands, and a soft shadow."""
    result = QPixmap(picture)
    painter = QPainter(result)
    at = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter.setPen(Qt.PenStyle.NoPen)
    for spread, alpha in ((10, 18), (6, 28), (3, 40)):
        painter.setBrush(QColor(0, 0, 0, alpha))
        painter.drawRoundedRect(at.x() - spread + 3, at.y() - spread + 5,
                                dialog.width() + 2 * spread, dialog.height() + 2 * spread,
                                spread, spread)
    painter.drawPixmap(at, dialog.grab())
    painter.setPen(QColor(0, 0, 0, 90))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(at.x() - 1, at.y() - 1, dialog.width() + 1, dialog.height() + 1)
    painter.end()
    return result


def open_dialog(app: QApplication, kind: type[QDialog]) -> QDialog:
    until(app, lambda: any(isinstance(d, kind) and d.isVisible()
                           for d in QApplication.topLevelWidgets()), timeout=20)
    return next(d for d in QApplication.topLevelWidgets()
                if isinstance(d, kind) and d.isVisible())


def window_shots(app: QApplication, db: Path, base: Path, out: Path, scheme: Scheme,
                 size: tuple[int, int]) -> None:
    """The library, the album view, the problems list and a track's properties."""
    apply_scheme(app, scheme)
    tag = f"{size[0]}-{scheme.value}"
    shot = Shot(app, db, base / f"window-{tag}.ini", suggested=None, size=size)
    w = shot.window
    until(app, lambda: w.control is not None and w.control.filler_ready)
    assert w.control is not None
    titles = [w.model.index(r, 0).data() for r in range(w.model.rowCount())]
    ids = w.model.track_ids()
    w.control.play_now([ids[titles.index("Lantern Parade")]])
    w.library.select_track(ids[titles.index("Lantern Parade")])
    wait(app, 3.0)
    shot.save(out / f"library-{tag}.png")

    w.browser.set_current_tab(1)
    w.library.set_view(ALBUMS)
    view = w.library.albums
    assert view is not None
    row = next(r for r in range(view.albums.rowCount())
               if view.albums.index(r).data() == COMPILATION[0])
    index = view.albums.index(row)
    view.scrollTo(index)
    wait(app, 0.3)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())
    until(app, lambda: w.thumbnails.waiting == 0, timeout=30)
    wait(app, 1.0)
    shot.save(out / f"albums-{tag}.png")
    w.library.set_view("tracks")
    w.show_all()

    w.actions_.show_errors()
    dialog = open_dialog(app, ErrorsDialog)
    dialog.resize(min(860, size[0] - 80), min(440, size[1] - 120))
    dialog.move(w.mapToGlobal(QPoint((size[0] - dialog.width()) // 2,
                                     (size[1] - dialog.height()) // 2)))
    shot.save(out / f"problems-{tag}.png", dialog)
    dialog.close()

    w.actions_.show_properties(ids[titles.index("Noche Clara")])
    props = open_dialog(app, PropertiesDialog)
    props.resize(620, min(560, size[1] - 60))
    props.move(w.mapToGlobal(QPoint((size[0] - props.width()) // 2,
                                    (size[1] - props.height()) // 2)))
    shot.save(out / f"properties-{tag}.png", props)
    props.close()
    shot.close()


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
        until(app, lambda: len(first.window.model.library) == TRACK_COUNT
              and not first.jobs.running, timeout=300)
        first.close()

        store = Store.open(db)  # a little history so the columns have something
        try:
            seed_history(store)
        finally:
            store.close()
        full = Shot(app, db, state, suggested=None)
        until(app, lambda: full.window.control is not None and full.window.control.filler_ready)
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

        for scheme in SCHEMES:
            for size in SIZES:
                window_shots(app, db, base, out, scheme, size)


def seed_history(store: Store) -> None:
    """Ratings and plays of a few weeks, as a listener would leave them; and one file that
    failed to play, marked as the player marks it."""
    rng = random.Random(3)
    now = time.time()
    tracks = store.tracks.all()
    with store.db.transaction():
        for track in tracks:
            if track.id is None:
                continue
            if track.title == "Noche Clara":  # the properties dialog shows its history
                for days, stars in ((30, 3), (12, 4), (2, 5)):
                    store.ratings.set(track.id, stars, now=now - days * 86400)
            elif rng.random() < 0.45:
                store.ratings.set(track.id, rng.choice([3, 4, 4, 5, 5, 2]))
            for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
                started = now - rng.uniform(0, 40 * 86400)
                skipped = rng.random() < 0.15
                play = store.plays.start(track.id, duration=track.duration,
                                         source=rng.choice([PlaySource.USER, PlaySource.AUTO]),
                                         started_at=started)
                heard = rng.uniform(4, 20) if skipped else track.duration or 0.0
                store.plays.finish(play, listened=heard, ended_at=started + heard,
                                   outcome=PlayOutcome.SKIPPED if skipped
                                   else PlayOutcome.COMPLETED)
            if track.title == "Brisa":
                store.tracks.set_play_error(
                    track.id, "VLC could not decode the format \"undf\" (Undefined audio)")


if __name__ == "__main__":
    main_(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
    QTimer.singleShot(0, QApplication.quit)
