"""Install Riffle's .desktop file and icon for the user, so the desktop's menu lists it and
file managers offer it for audio files and folders (`make run` calls this).

    python -m ui.desktop_install [--exec PATH]

Writes into the XDG data folder ($XDG_DATA_HOME, else ~/.local/share):
applications/riffle.desktop (its Exec pointing at this Riffle) and
icons/hicolor/scalable/apps/riffle.svg. Files already as they should be are left alone;
the desktop's caches are refreshed when their tools are there. No Qt needed.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import resources

logger = logging.getLogger(__name__)


def data_home() -> Path:
    """The user's XDG data folder."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def desktop_entry(exec_path: str) -> str:
    """The shipped .desktop file with its commands pointing at *exec_path*."""
    text = (resources.files() / resources.DESKTOP_ENTRY).read_text(encoding="utf-8")
    command = shlex.quote(exec_path)
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec=riffle"):
            line = "Exec=" + command + line[len("Exec=riffle"):]
        elif line.startswith("TryExec="):
            line = "TryExec=" + exec_path
        lines.append(line)
    return "\n".join(lines) + "\n"


def _write(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return True


def install(exec_path: str, home: Path | None = None) -> list[Path]:
    """Install the .desktop file and the icon under *home* (default: data_home());
    returns the files written (empty when everything was already in place)."""
    home = home or data_home()
    entry = home / "applications" / "riffle.desktop"
    icon = home / "icons" / "hicolor" / "scalable" / "apps" / "riffle.svg"
    written = []
    if _write(entry, desktop_entry(exec_path).encode("utf-8")):
        written.append(entry)
    if _write(icon, (resources.files() / resources.ICON).read_bytes()):
        written.append(icon)
    if written:
        _refresh_caches(home)
    return written


def _refresh_caches(home: Path) -> None:
    for command in (["update-desktop-database", "-q", str(home / "applications")],
                    ["gtk-update-icon-cache", "-q", "-t", str(home / "icons" / "hicolor")]):
        if shutil.which(command[0]):
            subprocess.run(command, check=False, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install Riffle in the desktop's menu.")
    parser.add_argument("--exec", dest="exec_path",
                        default=shutil.which("riffle") or os.path.join(
                            os.path.dirname(sys.executable), "riffle"),
                        help="the riffle command the menu entry runs")
    args = parser.parse_args(argv)
    written = install(os.path.abspath(args.exec_path))
    for path in written:
        print(f"installed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
