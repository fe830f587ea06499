"""Fixtures shared by every test: an offscreen Qt, a fresh library database per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from player.store import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store.open(db_path)
    yield s
    s.close()


@pytest.fixture
def world_folder() -> Iterator[Path]:
    """A temporary folder every user can reach (tmp_path is private to root when the suite
    runs as root), for fixtures that tests/unprivileged.py hands to an unprivileged user."""
    folder = Path(tempfile.mkdtemp(prefix="riffle-permissions-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)
