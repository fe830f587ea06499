"""`riffle analyze|similar`: analysis from the command line, and similar tracks by sound.

The library is synthetic music in six styles that differ the way genres do (tempo band,
instruments, density, loudness), six tracks each, in three formats. `similar` must find
tracks of the same style first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audio_factory import write_audio
from cli_runner import Terminal, riffle
from music_factory import STYLES, render

from player.models import Track
from player.store import Store

PER_STYLE = 6
FORMATS = (".flac", ".mp3", ".m4a")

pytestmark = pytest.mark.slow  # about 40 tracks generated and analysed in worker processes




def _add(db: Path, files: dict[Path, str]) -> dict[str, int]:
    """Insert *files* (path → title) as tracks; returns title → id."""
    store = Store.open(db)
    try:
        with store.db.transaction():
            return {title: store.tracks.upsert(Track(path=str(path), title=title,
                                                     artists=("Synth",), duration=10.0))
                    for path, title in files.items()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def styles_library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], str]:
    """A database of PER_STYLE tracks per style, analysed once by `riffle analyze`;
    returns (database, title → id, what analyze printed)."""
    folder = tmp_path_factory.mktemp("styles")
    files = {}
    for s, (name, style) in enumerate(STYLES.items()):
        for k in range(PER_STYLE):
            path = folder / f"{name}-{k}{FORMATS[(s + k) % len(FORMATS)]}"
            files[write_audio(path, render(style, 10.0, seed=100 * s + k))] = f"{name} {k}"
    db = folder / "library.sqlite3"
    ids = _add(db, files)
    code, out, err = riffle(db, "analyze", "--jobs", "2")
    assert code == 0, err
    return db, ids, out


def test_analyze_prints_a_summary_and_has_nothing_left_the_second_time(
        styles_library: tuple[Path, dict[str, int], str]) -> None:
    db, ids, out = styles_library
    total = len(ids)
    fast, deep = out.splitlines()
    assert fast.startswith(f"Analysed {total} of {total} tracks in ")
    assert fast.endswith(f"{total} described, 0 could not be analysed.")
    assert deep.startswith(f"Listened closely to {total} of {total} tracks in ")
    assert deep.endswith(f"{total} described, 0 could not be analysed.")
    code, out, err = riffle(db, "analyze")
    assert (code, out, err) == (0, "Every track is already analysed.\n"
                                   "Every track is already listened to closely.\n", "")
    code, out, err = riffle(db, "analyze", "--json")
    report = json.loads(out)
    assert (report["fast"]["tracks"], report["deep"]["tracks"], report["deep_off"]) == \
        (0, 0, None)
    code, out, err = riffle(db, "analyze", "--no-deep", "--json")
    assert json.loads(out)["deep"] is None


def test_similar_finds_the_same_style_first(
        styles_library: tuple[Path, dict[str, int], str]) -> None:
    db, ids, _ = styles_library
    style_of = {tid: title.split()[0] for title, tid in ids.items()}
    specs = [str(tid) for tid in ids.values()]
    code, out, err = riffle(db, "similar", *specs, "-n", "5", "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == specs
    hits = []
    for spec, near in document.items():
        assert len(near) == 5
        assert all(set(n) == {"id", "path", "distance", "reason"} for n in near)
        assert [n["distance"] for n in near] == sorted(n["distance"] for n in near)
        assert all(n["reason"].startswith(("similar ", "near in overall sound")) for n in near)
        assert int(spec) not in [n["id"] for n in near]
        hits += [style_of[n["id"]] == style_of[int(spec)] for n in near]
    precision = sum(hits) / len(hits)
    print(f"precision@5 = {precision:.3f}")
    assert precision >= 0.9, f"precision@5 = {precision:.2f}"


def test_similar_takes_paths_and_prints_text_for_people(
        styles_library: tuple[Path, dict[str, int], str]) -> None:
    db, ids, _ = styles_library
    store = Store.open(db)
    try:
        path = store.tracks.get(ids["rock 0"]).path
    finally:
        store.close()
    code, out, _ = riffle(db, "similar", path, str(ids["ambient 1"]), "-n", "3")
    assert code == 0
    blocks = out.split("\n\n")
    assert len(blocks) == 2
    lines = blocks[0].splitlines()
    assert lines[0] == "Like Synth – rock 0:"
    assert len(lines) == 4 and lines[1].lstrip().startswith("1. ")
    assert "Synth – rock" in lines[1] and "(similar " in lines[1]
    assert blocks[1].startswith("Like Synth – ambient 1:")


def test_failures_are_explained_and_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    good = write_audio(tmp_path / "good.flac", render(STYLES["folk"], 4.0, seed=1))
    other = write_audio(tmp_path / "other.flac", render(STYLES["rock"], 4.0, seed=2))
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(b"OggS" + bytes(500))
    db = tmp_path / "library.sqlite3"
    ids = _add(db, {good: "good", other: "other", broken: "broken"})
    terminal = Terminal()
    code, out, _ = riffle(db, "analyze", "-j", "1", stderr=terminal)
    assert code == 0
    assert "Listening" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert "2 described, 1 could not be analysed." in out
    assert f"  {broken}: cannot open the file as audio" in out
    code, out, _ = riffle(db, "analyze", "--errors")
    assert code == 0 and out.startswith(f"{broken}: cannot open the file as audio")

    code, out, err = riffle(db, "similar", str(ids["good"]), str(ids["broken"]), "--json")
    assert code == 1
    document = json.loads(out)
    assert list(document) == [str(ids["good"]), str(ids["broken"])]
    assert document[str(ids["broken"])] == []
    [near] = document[str(ids["good"])]
    assert (near["id"], near["path"]) == (ids["other"], str(other))
    assert near["distance"] > 0
    assert err.startswith(f"riffle similar: no similar tracks for {ids['broken']}: it could "
                          "not be analysed: cannot open the file as audio")
    code, _, err = riffle(db, "similar", "no-such-track.mp3")
    assert code == 1 and "No track matches 'no-such-track.mp3'" in err
    code, _, err = riffle(db, "analyze", "--jobs", "-1")
    assert code == 2 and "--jobs" in err
