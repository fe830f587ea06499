"""`riffle history import --from FORMAT FILE`: other players' and services' history."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from cli_runner import riffle
from foreign_files import listenbrainz_listen, strawberry_db
from window_rig import make_music

from ui.cli.app import build_parser


@pytest.fixture(scope="module")
def music(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_music(tmp_path_factory.mktemp("music"), seconds=0.5)


@pytest.fixture
def scanned(db_path: Path, music: Path) -> Path:
    assert riffle(db_path, "scan", str(music))[0] == 0
    return db_path


def _plays(db: Path) -> dict[str, int]:
    return {t["title"]: t["play_count"] for t in json.loads(riffle(db, "list", "--json")[1])
            if t["play_count"]}


def test_listenbrainz_and_lastfm_summaries_name_what_is_not_in_the_library(
        scanned: Path, tmp_path: Path) -> None:
    archive = tmp_path / "listenbrainz.zip"
    listens = [listenbrainz_listen(1_700_000_000 + n * 600, artist, title)
               for n, (artist, title) in enumerate([
                   ("Alpha Lake", "Dawn"), ("alpha lake", "MIST"), ("Gamma Choir", "Été"),
                   ("Beta Engine", "Redline"), ("Gamma Choir", "Été")])]
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("listens/2023/11.jsonl", "\n".join(map(json.dumps, listens)) + "\n")
    code, out, err = riffle(scanned, "history", "import", "--from", "listenbrainz",
                            str(archive))
    assert code == 0
    assert out == ("read 5 listens: 3 matched, 2 not in the library; imported 3 plays, "
                   "0 already there\n")
    assert err == (f"{archive}: listens/2023/11.jsonl:3: not in the library: Gamma Choir – Été "
                   "(2 times)\n")
    code, out, _ = riffle(scanned, "history", "import", "--from", "listenbrainz", str(archive))
    assert out.endswith("imported 0 plays, 3 already there\n")

    scrobbles = tmp_path / "lastfm.csv"
    scrobbles.write_text("Gamma Choir,Été indien,Orage,14 Nov 2023 22:13\n"
                         "Alpha Lake,First Light,Dawn,14 Nov 2023 22:13\n"  # LB had it
                         "Beta Engine,Overdrive,Pit Stop,not a date\n", encoding="utf-8")
    code, out, err = riffle(scanned, "history", "import", "--from", "lastfm", str(scrobbles))
    assert code == 1
    assert out == ("read 2 listens: 2 matched, 0 not in the library; imported 1 plays, "
                   "1 already there; 1 entries could not be read\n")
    assert err == f"{scrobbles}: line 3: the date 'not a date' is not one Riffle reads\n"
    assert _plays(scanned) == {"Dawn": 1, "Mist": 1, "Redline": 1, "Orage": 1}


def test_strawberry_counts_and_ratings_and_the_help_says_quod_libet_is_not_read(
        scanned: Path, music: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = strawberry_db(tmp_path / "strawberry.db", [
        {"title": "Soleil", "artist": "Gamma Choir", "album": "Été indien",
         "url": (music / "Gamma Choir/Été indien/01 Soleil.flac").as_uri(),
         "playcount": 4, "skipcount": 2, "lastplayed": 1_700_000_000, "rating": 1.0},
        {"title": "Ignition", "artist": "Beta Engine", "url": "file:///C:/M/ignition.mp3",
         "playcount": 1, "lastplayed": 1_690_000_000, "rating": 0.2},
        {"title": "Gone", "artist": "Nobody", "url": "file:///gone.mp3", "playcount": 9},
    ])
    code, out, err = riffle(scanned, "history", "import", "--from", "strawberry", str(db))
    assert code == 0
    assert out == ("read 3 songs: 2 matched, 1 not in the library; imported 7 plays, 0 already "
                   "there; 2 ratings taken, 0 kept as rated in Riffle\n")
    assert err == f"{db}: song 3: not in the library: Nobody – Gone\n"
    tracks = {t["title"]: t for t in json.loads(riffle(scanned, "list", "--json")[1])}
    assert (tracks["Soleil"]["play_count"], tracks["Soleil"]["skip_count"],
            tracks["Soleil"]["rating"]) == (4, 2, 5)  # a skip is no play
    assert tracks["Ignition"]["rating"] == 1
    code, _, err = riffle(scanned, "history", "import", "--from", "clementine", str(db))
    assert code == 1 and "not a Clementine collection database (it looks like " \
        "Strawberry's: --from strawberry)" in err
    code, _, err = riffle(scanned, "history", "import", "--from", "lastfm", "-")
    assert code == 1 and "reads a file; name it" in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["history", "import", "--help"])
    import_help = " ".join(capsys.readouterr().out.split())
    assert "Quod Libet keeps its library in a Python pickle, which Riffle does not read" \
        in import_help
