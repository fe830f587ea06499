"""ui/cli/output.py: what the command line prints is safe for a terminal, JSON stays exact."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import riffle
from library_factory import TagSet, make_track

from ui.cli.output import dumps, shown, terminal_text

ESCAPES = "\x1b]0;owned\x07\x1b[2J"  # set the window title, clear the screen
RLO = "\u202e"  # right-to-left override: "evil\u202e3pm.exe" shows as "evilexe.mp3"
UNSAFE = ["\x1b", "\x07", "\x9b", RLO, "\u2066", "\u200f", "\r", "\x00"]


def _safe(text: str) -> bool:
    return not any(ch in text for ch in UNSAFE)


def test_terminal_text_escapes_controls_and_bidi_overrides_visibly() -> None:
    assert terminal_text("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert terminal_text(f"song{RLO}3pm.exe") == "song\\u202e3pm.exe"
    assert terminal_text("two\nlines\tand a tab") == "two\nlines\tand a tab"
    assert terminal_text("Ünïcode ★ 東京") == "Ünïcode ★ 東京"
    assert shown("/m/a\nb\udcff.mp3") == "/m/a\\x0ab\ufffd.mp3"  # a path is one line


def test_json_keeps_hostile_text_exact_and_terminal_safe() -> None:
    value = {"path": f"/m/{ESCAPES}\udce9{RLO}.mp3", "title": "\x9b31m\u2028"}
    text = dumps(value)
    assert _safe(text)
    assert json.loads(text) == value


def test_list_and_errors_print_names_and_tags_without_their_escapes(
        tmp_path: Path, db_path: Path) -> None:
    music = tmp_path / "music"
    make_track(music / f"{ESCAPES}good.ogg", TagSet(
        title=f"Title{RLO}gnos", artists=[f"Art{ESCAPES}ist"], album="A\u2067lbum"))
    bad = music / f"bad{ESCAPES}{RLO}.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    assert riffle(db_path, "scan", str(music))[0] == 0
    for argv in (["list"], ["errors"], ["stats"], ["roots"], ["analyze", "--errors"]):
        code, out, err = riffle(db_path, *argv)
        assert code == 0 and _safe(out) and _safe(err), (argv, out, err)
    out = riffle(db_path, "list")[1]
    assert "Title\\u202egnos" in out and "A\\u2067lbum" in out
    assert "bad\\x1b]0;owned" in riffle(db_path, "errors")[1]
    listed = json.loads(riffle(db_path, "list", "--json")[1])
    assert listed[0]["title"] == f"Title{RLO}gnos"
    assert listed[0]["path"] == str(music / f"{ESCAPES}good.ogg")
    (problem,) = json.loads(riffle(db_path, "errors", "--json")[1])
    assert problem["path"] == str(bad)
