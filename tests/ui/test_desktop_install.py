"""Installed like an application: the menu entry and icon land in the XDG data folder
(pointing at this Riffle, with the audio MIME types), and the wheel carries resources/
that an installed Riffle finds."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ui.desktop_install import install

ROOT = Path(__file__).resolve().parents[2]


def test_the_menu_entry_and_icon_are_installed_for_the_user(tmp_path: Path) -> None:
    exe = "/opt/My Riffle/bin/riffle"
    written = install(exe, tmp_path)
    entry = tmp_path / "applications" / "riffle.desktop"
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "riffle.svg"
    assert written == [entry, icon]
    assert icon.read_bytes().startswith(b"<svg")
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(entry, encoding="utf-8")
    main = desktop["Desktop Entry"]
    assert main["Exec"] == "'/opt/My Riffle/bin/riffle' %F"
    assert main["TryExec"] == exe and main["Icon"] == "riffle"
    mime = main["MimeType"].split(";")
    assert {"audio/mpeg", "audio/flac", "audio/ogg", "inode/directory"} <= set(mime)
    assert desktop["Desktop Action Play"]["Exec"] == "'/opt/My Riffle/bin/riffle' --play %F"
    assert install(exe, tmp_path) == []  # already in place: nothing rewritten


@pytest.mark.slow
def test_the_wheel_carries_the_resources_and_an_installed_riffle_finds_them(
        tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp_path)], check=True,
                   cwd=tmp_path, capture_output=True)
    wheel = next(tmp_path.glob("riffle-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"resources/riffle.svg", "resources/riffle.qss", "resources/riffle.desktop",
            "resources/__init__.py", "main.py", "ui/mpris.py"} <= names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    probe = ("import sys; sys.path.insert(0, sys.argv[1])\n"
             "import resources, ui.app_setup as a\n"
             "print(resources.files()); print(a.RESOURCES)\n"
             "print(a.style_sheet()[:20] != '' and (a.RESOURCES / 'riffle.svg').is_file())")
    out = subprocess.run([sys.executable, "-c", probe, str(site)], capture_output=True,
                         text=True, check=True, cwd=tmp_path,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    found, used, ok = out.stdout.split("\n")[:3]
    assert found.startswith(str(site)) and used.startswith(str(site)) and ok == "True"
