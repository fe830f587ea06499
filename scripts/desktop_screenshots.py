"""Take the desktop screenshots: the tray menu and a track-change notification.

    .venv/bin/python scripts/desktop_screenshots.py [docs/screenshots]

Starts its own virtual screen (Xvfb), a private session bus and a notification daemon
(dunst), all from Debian's packages (apt-get install xvfb dbus dunst; not needed by the
tests), then the real window on the demo library of scripts/screenshots.py with its
desktop parts (ui/desktop.py). Plays a track so dunst shows Riffle's notification, and
opens the tray's menu over the window. Saves tray-menu.png and notification.png.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]

logger = logging.getLogger("desktop-screenshots")
DISPLAY = ":97"
DUNSTRC = """[global]
    font = DejaVu Sans 11
    origin = top-right
    offset = 16x48
    width = 380
    frame_width = 1
    frame_color = "#5b4bd6"
    corner_radius = 8
    padding = 12
    horizontal_padding = 12
    max_icon_size = 72
    icon_position = left
    markup = full
    format = "<b>%s</b>\\n%b"
[urgency_normal]
    background = "#1f1d2b"
    foreground = "#f4f2ff"
    timeout = 0
"""


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def main(out: Path) -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    for tool in ("Xvfb", "dbus-daemon", "dunst"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install xvfb dbus dunst", file=sys.stderr)
            return 1
    out.mkdir(parents=True, exist_ok=True)
    procs = [_start(["Xvfb", DISPLAY, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                    dict(os.environ))]
    time.sleep(1.0)
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                           stdout=subprocess.PIPE, text=True)
    procs.append(bus)  # type: ignore[arg-type]
    assert bus.stdout is not None
    os.environ.update(DISPLAY=DISPLAY, DBUS_SESSION_BUS_ADDRESS=bus.stdout.readline().strip(),
                      QT_QPA_PLATFORM="xcb")
    with tempfile.TemporaryDirectory(prefix="riffle-desktop-shots-") as tmp:
        rc = Path(tmp) / "dunstrc"
        rc.write_text(DUNSTRC)
        procs.append(_start(["dunst", "-config", str(rc)], dict(os.environ)))
        time.sleep(1.0)
        try:
            _shoot(out, Path(tmp))
        finally:
            for proc in reversed(procs):
                proc.terminate()
    return 0


def _shoot(out: Path, tmp: Path) -> None:
    from screenshots import TRACK_COUNT, Shot, build_library, until, wait

    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QGuiApplication

    from ui.app_setup import make_application
    from ui.dbus_link import SessionBus
    from ui.desktop import Desktop
    from ui.tray import TrayMenu

    app = make_application(["riffle"])
    music = build_library(tmp / "Music")
    db = tmp / "riffle.sqlite3"
    shot = Shot(app, db, tmp / "window.ini", suggested=music)
    shot.window.welcome.start.click()
    until(app, lambda: len(shot.window.model.library) == TRACK_COUNT
          and not shot.jobs.running, timeout=300)
    until(app, lambda: shot.window.control is not None and shot.window.control.filler_ready)
    desktop = Desktop(shot.window, bus=SessionBus.open(), cache_dir=tmp / "cache")
    window = shot.window
    control = window.control
    assert control is not None
    titles = [window.model.index(r, 0).data() for r in range(window.model.rowCount())]
    ids = window.model.track_ids()
    control.play_now([ids[titles.index("Lantern Parade")]])
    wait(app, 3.0)
    screen = QGuiApplication.primaryScreen()
    screen.grabWindow(0, 1280 - 440, 0, 440, 200).save(str(out / "notification.png"))
    logger.info("saved %s", out / "notification.png")

    menu = TrayMenu(control.toggle, control.next, control.previous, lambda: None,
                    lambda: None)
    track = control.session.track
    assert track is not None
    menu.show_state(f"{track.display_title} — {track.display_artist}", True, True)
    menu.popup(QPoint(1280 - 300, 800 - 40 - menu.sizeHint().height()))
    wait(app, 1.0)
    area = QRect(menu.geometry()).adjusted(-40, -30, 20, 20)
    screen.grabWindow(0, area.x(), area.y(), area.width(), area.height()).save(
        str(out / "tray-menu.png"))
    logger.info("saved %s", out / "tray-menu.png")
    menu.close()
    desktop.shutdown()
    shot.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
