"""Helpers for the desktop tests: D-Bus clients run beside the window, and a window with
its desktop parts on a library of tracks long enough to seek in."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from audio_factory import sine, write_audio
from library_factory import TagSet, write_tags
from pytestqt.qtbot import QtBot
from window_rig import ALBUMS, png


def run_client(qtbot: QtBot, *command: str, timeout_ms: int = 15_000) -> str:
    """Run a D-Bus client (playerctl, dbus-send) while the window's event loop keeps
    answering it; returns its output, fails on a non-zero exit."""
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is missing: scripts/bootstrap.sh --test installs it")
    proc = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=timeout_ms)
    out, err = proc.communicate()
    assert proc.returncode == 0, f"{' '.join(command)}: {err or out}"
    return out.strip()


def playerctl(qtbot: QtBot, *args: str) -> str:
    return run_client(qtbot, "playerctl", "--player=riffle", *args)


def make_long_music(folder: Path, seconds: float) -> Path:
    """The window tests' library (window_rig.ALBUMS, same tags and formats) at 22.05 kHz,
    *seconds* long: long enough to seek in, at a rate every format keeps as it is."""
    for a, (artist, album, genre, year, titles) in enumerate(ALBUMS):
        for n, title in enumerate(titles, start=1):
            ext = (".mp3", ".flac", ".ogg")[(a + n) % 3]
            path = folder / artist / album / f"{n:02d} {title}{ext}"
            write_audio(path, sine(220.0 * (1 + a + n / 10), seconds, rate=22050), 22050)
            write_tags(path, TagSet(title=title, artists=[artist], album=album,
                                    genres=[genre], date=year, track=str(n)))
    (folder / ALBUMS[0][0] / ALBUMS[0][1] / "cover.png").write_bytes(png())
    return folder


class Follower:
    """A client that prints as things happen (playerctl --follow, dbus-monitor), its lines
    read on a thread of its own while the window's event loop runs."""

    def __init__(self, *command: str) -> None:
        if shutil.which(command[0]) is None:
            pytest.fail(f"{command[0]} is missing: scripts/bootstrap.sh --test installs it")
        self.lines: list[str] = []
        self._proc = subprocess.Popen(list(command), stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)
