"""The house rules that keep the core reusable: no Qt below ui/, no print in the core."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ["player", "recommender"]


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_never_imports_qt_or_the_faces(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(mods & {"PySide6", "shiboken6", "ui", "main"})
        for path in _python_files(package)
        if (mods := _imported_modules(path)) & {"PySide6", "shiboken6", "ui", "main"}
    }
    assert offenders == {}


def test_player_never_imports_the_recommender() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in _python_files("player")
                 if "recommender" in _imported_modules(p)]
    assert offenders == []


#: The modules that may talk to mutagen: the tag reader, and beside it the writer of
#: ratings (writing is a job of its own, with its own care not to touch other tags; it
#: shares the reader's way of opening files and its POPM e-mail).
MUTAGEN_MODULES = {ROOT / "player" / "tags.py", ROOT / "player" / "tag_writer.py"}


def test_only_the_tag_reader_and_writer_talk_to_mutagen() -> None:
    """player/tags.py and player/tag_writer.py are the places mutagen's formats and errors
    are handled."""
    offenders = [str(p.relative_to(ROOT)) for package in [*CORE, "ui"]
                 for p in _python_files(package)
                 if "mutagen" in _imported_modules(p) and p not in MUTAGEN_MODULES]
    assert offenders == []


@pytest.mark.parametrize("package", CORE)
def test_core_does_not_print(package: str) -> None:
    offenders = []
    for path in _python_files(package):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "print"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_command_line_loads_no_qt() -> None:
    """Importing every core and command-line module, and running --help, loads no Qt."""
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for pkg in [*CORE, "ui/cli"] for p in _python_files(pkg)
    ]
    code = (
        "import sys, importlib, contextlib, io\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main.main(['--help'])\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


_SQL = re.compile(r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|"
                  r"DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)|PRAGMA\s+\w+|"
                  r"ALTER\s+TABLE|DROP\s+(TABLE|INDEX))\b")


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module, f-strings as their literal parts joined."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = " ".join(v.value for v in node.values
                            if isinstance(v, ast.Constant) and isinstance(v.value, str))
            found.append((node.lineno, text))
    return found


def test_sql_lives_only_in_the_store() -> None:
    """Every query is written in player/store/, where the shared rules are named once."""
    files = [p for package in [*CORE, "ui"] for p in _python_files(package)
             if "store" not in p.relative_to(ROOT).parts[:2]] + [ROOT / "main.py"]
    offenders = [f"{path.relative_to(ROOT)}:{line}" for path in files
                 for line, text in _string_literals(path) if _SQL.search(text)]
    assert offenders == []


def test_the_sql_check_finds_what_it_looks_for() -> None:
    assert _SQL.search("SELECT id, path FROM tracks WHERE x = ?")
    assert _SQL.search("UPDATE tracks SET title = ?")
    assert _SQL.search("INSERT OR REPLACE INTO features VALUES (?)")
    assert not _SQL.search("Select the tracks you like from the library")
    assert not _SQL.search("update the queue, then delete the rest")


def test_the_auto_shuffle_leaves_scikit_learn_to_the_worker_that_builds_snapshots() -> None:
    """The window builds its auto-shuffle on the GUI thread; scikit-learn (a second to
    import) must load only where snapshots are built, on a worker."""
    code = (
        "import sys\n"
        "from player.changes import ChangeHub, Changes\n"
        "from player.queue import FillContext\n"
        "from recommender.shuffle import AutoShuffle\n"
        "class Later:\n"
        "    hub = ChangeHub()\n"
        "    def read(self, fn, done, **kw): self.queued = fn\n"
        "    def write(self, fn, **kw): pass\n"
        "shuffle = AutoShuffle(Later())\n"
        "shuffle.follow(Changes.everything())\n"
        "shuffle.fill(3, FillContext(None, (), ()))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"
