"""The window follows the disk: files added, edited and deleted in a watched library folder
show in the table without a full rescan; a library folder that goes away (an unmounted
disk) is not taken for deleted."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from library_factory import TagSet, write_tags
from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from ui.desktop import Desktop


def _one(folder: Path, prefix: str) -> Path:
    return next(p for p in sorted(folder.iterdir()) if p.name.startswith(prefix))


def _row(rig: Rig, path: Path) -> int | None:
    data = rig.window.model.library
    return next((i for i in range(len(data)) if data.path(i) == str(path)), None)


def _title(rig: Rig, path: Path) -> str | None:
    row = _row(rig, path)
    return None if row is None else rig.window.model.library.titles[row]


@pytest.mark.slow
def test_added_edited_and_deleted_files_show_in_the_window(
        make_window: Callable[..., Rig], music: Path, tmp_path: Path, qtbot: QtBot,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    library = tmp_path / "lib"
    shutil.copytree(music, library)
    disk = tmp_path / "disk"  # a second library folder, on a disk that will go away
    (disk / "Loose").mkdir(parents=True)
    dawn = _one(library / "Alpha Lake" / "First Light", "01 ")
    shutil.copy(dawn, disk / "Loose" / f"Only{dawn.suffix}")
    only = disk / "Loose" / f"Only{dawn.suffix}"
    write_tags(only, TagSet(title="On the disk", artists=["Disk"]))
    rig = make_window(roots=(library, disk))
    jobs = rig.window.actions_.jobs
    rig.window.actions_.scan()
    qtbot.waitUntil(lambda: len(rig.window.model.library) == TRACK_COUNT + 1
                    and not jobs.running, timeout=20_000)
    desktop = Desktop(rig.window, cache_dir=tmp_path / "cache")
    assert sorted(desktop.watch.watched) == sorted([str(library), str(disk)])
    scanned: list[list[str]] = []
    desktop.watch.scanning.connect(scanned.append)

    harbour = _one(library / "Alpha Lake" / "First Light", "03 ")
    new = library / "New Band" / "Debut" / f"01 Fresh{harbour.suffix}"
    new.parent.mkdir(parents=True)
    shutil.copy(harbour, new)
    write_tags(new, TagSet(title="Fresh", artists=["New Band"], album="Debut"))
    qtbot.waitUntil(lambda: _title(rig, new) == "Fresh", timeout=15_000)
    assert scanned and all(str(disk) not in folders for folders in scanned)
    assert all(f != str(library) for folders in scanned for f in folders)  # not a rescan

    edited = _one(library / "Beta Engine" / "Overdrive", "01 ")
    write_tags(edited, TagSet(title="Ignition (live)", artists=["Beta Engine"],
                              album="Overdrive"))
    qtbot.waitUntil(lambda: _title(rig, edited) == "Ignition (live)", timeout=15_000)

    gone = _one(library / "Gamma Choir" / "Été indien", "02 ")
    gone.unlink()
    qtbot.waitUntil(lambda: (row := _row(rig, gone)) is not None
                    and rig.window.model.library.missing[row], timeout=15_000)

    os.rename(disk, tmp_path / "unplugged")  # the disk goes away: its folder is not there
    with qtbot.waitSignal(desktop.watch.scanning, timeout=5000, raising=False):
        pass
    qtbot.waitUntil(lambda: not jobs.running, timeout=15_000)
    rig.window.loader.reload()
    qtbot.waitUntil(lambda: not rig.window.loader.busy, timeout=10_000)
    row = _row(rig, only)
    assert row is not None and not rig.window.model.library.missing[row]
    desktop.shutdown()
