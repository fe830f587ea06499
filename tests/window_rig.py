"""The generated library the window's tests and screenshots use."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from library_factory import TagSet, make_track

if TYPE_CHECKING:
    from player.store import Store
    from ui.main_window import MainWindow
    from ui.tasks import BackgroundWork

#: (artist, album, genre, year, [titles]) of the generated library.
ALBUMS = [
    ("Alpha Lake", "First Light", "Ambient", "1994", ["Dawn", "Mist", "Harbour"]),
    ("Beta Engine", "Overdrive", "Rock", "2004", ["Ignition", "Redline", "Pit Stop"]),
    ("Gamma Choir", "Été indien", "Chanson", "1975", ["Soleil", "Pluie", "Orage"]),
]
TRACK_COUNT = sum(len(a[4]) for a in ALBUMS)


def png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 80, 60)) -> bytes:
    """A small valid PNG of one colour (the cover of the first album)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_music(folder: Path, seconds: float) -> Path:
    for a, (artist, album, genre, year, titles) in enumerate(ALBUMS):
        for n, title in enumerate(titles, start=1):
            ext = (".mp3", ".flac", ".ogg")[(a + n) % 3]
            make_track(folder / artist / album / f"{n:02d} {title}{ext}",
                       TagSet(title=title, artists=[artist], album=album, genres=[genre],
                              date=year, track=str(n)),
                       seconds=seconds, freq=220.0 * (1 + a + n / 10))
    # the first album has its cover beside the files (a tiny valid PNG)
    (folder / ALBUMS[0][0] / ALBUMS[0][1] / "cover.png").write_bytes(png())
    return folder




@dataclass
class Rig:
    """A window under test with the parts a test looks at."""

    window: MainWindow
    store: Store
    work: BackgroundWork
    db_path: Path
    closed: bool = False

    def shut(self) -> None:
        """Close the window the way main.py does when Riffle quits (once)."""
        from ui.app_setup import close_player

        if self.closed:
            return
        self.closed = True
        self.window.close()
        close_player(self.window.parts.player)
        self.work.shutdown()
        self.window.deleteLater()
        self.store.close()
