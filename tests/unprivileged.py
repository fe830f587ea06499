"""Running the parts of a test that need file permissions as a user they bind.

Root reads and writes through file permissions, so a test of "Permission denied" proves
nothing when the suite runs as root (as it does in CI). There, `as_unprivileged` runs the
probe in a fresh Python process as the user nobody (setpriv), on a fixture built in a
folder every user can reach and handed over to nobody (`hand_over`). As any other user,
the probe simply runs in this process.

    folder = world_folder                      # the fixture: a world-reachable temp folder
    ...build the fixture, then hand_over(folder), then chmod what must be unreadable...
    result = as_unprivileged("read_reason", str(path))

Probes are the functions at the bottom of this module: they take and return plain JSON
values, so they cross the process boundary as they are.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

#: The unprivileged user and group the probes run as (nobody, nogroup on Debian).
NOBODY = 65534
ROOT_DIR = Path(__file__).resolve().parents[1]

_RUNNER = """
import json, sys
import unprivileged
name, args = json.loads(sys.argv[1])
print(json.dumps(getattr(unprivileged, name)(*args)))
"""


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def hand_over(folder: Path) -> None:
    """Give *folder* and all below it to the user the probes run as (when root)."""
    if not running_as_root():
        return
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)


def as_unprivileged(probe: str, *args: Any, cwd: Path | None = None) -> Any:
    """The result of the probe function *probe* of this module, run as a user bound by
    file permissions. Raises AssertionError with the probe's error output if it fails."""
    if not running_as_root():
        return globals()[probe](*args)
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run permission tests as root"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd or "/tmp"),
           "PYTHONPATH": os.pathsep.join([str(ROOT_DIR), str(ROOT_DIR / "tests")]),
           "LANG": "C.UTF-8"}
    done = subprocess.run(
        [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         sys.executable, "-c", _RUNNER, json.dumps([probe, list(args)])],
        capture_output=True, text=True, timeout=120, cwd=cwd or "/", env=env)
    assert done.returncode == 0, f"the probe {probe} failed as nobody:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- probes ----------------------------------------------------------------------------------


def read_reason(path: str) -> str | None:
    """Why the tag reader cannot read *path* (None when it can)."""
    from player.errors import TagError
    from player.tags import read_track

    try:
        read_track(path)
    except TagError as exc:
        return str(exc)
    return None


def write_setting(db_path: str) -> str | None:
    """Why a setting cannot be written into the library at *db_path* (None when it can)."""
    from player.errors import StoreError
    from player.store import Database

    try:
        db = Database(db_path)
        try:
            with db.transaction():
                db.execute("INSERT INTO settings VALUES ('k', '1')")
        finally:
            db.close()
    except StoreError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def scan(db_path: str) -> dict[str, Any]:
    """Scan every library folder of the library at *db_path*: the report's counts and
    unreadable folders, and the files recorded as unreadable."""
    from player.library import Scanner
    from player.store import Store

    store = Store.open(db_path)
    try:
        report = Scanner(store).scan()
        return {"missing": report.missing, "errors": report.errors,
                "unreadable_dirs": [list(d) for d in report.unreadable_dirs],
                "recorded": [list(e) for e in store.tracks.errors()]}
    finally:
        store.close()


def riffle(db_path: str, argv: list[str]) -> dict[str, Any]:
    """`riffle --db DB_PATH ARGV...` as a user would run it: its status and what it
    printed (a traceback included, should one escape)."""
    import contextlib
    import io
    import traceback

    import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main.main(["--db", db_path, *argv])
        except BaseException:
            traceback.print_exc()
            code = 1
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}
