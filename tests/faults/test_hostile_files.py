"""Files made to hurt: junk numbers, disguised formats, odd names. Riffle reads what it can,
says why it cannot read the rest, and never crashes on them, now or on the next start."""

from __future__ import annotations

from pathlib import Path

import pytest
from library_factory import TagSet, make_track

import main
from player.models import PlayOutcome
from player.store import Store


@pytest.mark.slow
def test_an_absurd_gain_never_stops_playback_now_or_after_a_restart(
        tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    music = tmp_path / "music"
    loud = make_track(music / "loud.opus", TagSet(
        title="Loud", artists=["Band"], album="Rec", extra={"R128_TRACK_GAIN": ["99999999999"]}),
        seconds=1.0)
    make_track(music / "old.opus", TagSet(title="Old", artists=["Band"], album="Rec"),
               seconds=1.0)
    assert main.main(["--db", str(db_path), "scan", str(music)]) == 0
    store = Store.open(db_path)
    try:
        assert store.tracks.by_path(str(loud)).rg_track_gain is None  # ignored when read
        # A database written before gains were checked still holds one.
        old = store.tracks.by_path(str(music / "old.opus"))
        with store.db.transaction():
            old.rg_track_gain = 1e308
            store.tracks.upsert(old)
    finally:
        store.close()
    capsys.readouterr()
    for _ in range(2):  # the second start resumes the saved queue on the same files
        status = main.main(["--db", str(db_path), "play", "album:rec", "--aout", "dummy"])
        out, err = capsys.readouterr()
        assert status == 0, err
        assert out.splitlines() == ["▶ Band – Loud (Rec)  [0:01]", "▶ Band – Old (Rec)  [0:01]"]
    store = Store.open(db_path)
    try:
        assert [p.outcome for p in store.plays.all()] == [PlayOutcome.COMPLETED] * 4
    finally:
        store.close()
