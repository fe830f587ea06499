"""player/playlist_io.py (with m3u.py, xspf.py, playlist_files.py): playlist files as other
players write them, matched to the library, and written back out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from player import edits
from player.errors import PlaylistError
from player.matching import MatchKind
from player.models import Track
from player.playlist_files import PlaylistFileError, read_playlist
from player.playlist_io import export_playlist, import_playlist, playlist_tracks
from player.store import Store

NON_UTF8 = os.fsdecode(b"caf\xe9.mp3")


def _library(store: Store, music: Path) -> dict[str, int]:
    tracks = {
        "autobahn": Track(path=str(music / "Kraftwerk/Autobahn/01 Autobahn.flac"),
                          title="Autobahn", artists=("Kraftwerk",), album="Autobahn",
                          duration=1362.0),
        "kometen": Track(path=str(music / "Kraftwerk/Autobahn/02 Kometenmelodie 1.flac"),
                         title="Kometenmelodie 1", artists=("Kraftwerk",), album="Autobahn",
                         duration=378.0),
        "hallo": Track(path=str(music / "Neu!/Neu!/01 Hallogallo.ogg"), title="Hallogallo",
                       artists=("Neu!",), album="Neu!", duration=607.0),
        "cafe": Track(path=str(music / "Odd" / NON_UTF8), title="Café", artists=("Latin",),
                      duration=90.0),
        "ete": Track(path=str(music / "Gamma/Été/Soleil.flac"), title="Soleil d’été",
                     artists=("Gamma",), duration=200.0),
    }
    with store.db.transaction():
        return {key: store.tracks.upsert(track) for key, track in tracks.items()}


@pytest.fixture
def music(tmp_path: Path) -> Path:
    return tmp_path / "Music"


def test_m3u_with_windows_paths_relative_paths_and_extinf_matches_and_reports_the_rest(
        store: Store, music: Path, tmp_path: Path) -> None:
    ids = _library(store, music)
    folder = music / "Playlists"
    folder.mkdir(parents=True)
    playlist = folder / "Road trip.m3u"
    playlist.write_bytes(b"\r\n".join([
        b"#EXTM3U",
        b"#EXTINF:1362,Kraftwerk - Autobahn",
        b"C:\\Users\\Bob\\My Music\\Kraftwerk\\Autobahn\\01 Autobahn.flac",
        b"../Neu!/Neu!/01 Hallogallo.ogg",
        b"#EXTINF:378,Kraftwerk - Kometenmelodie 1",
        b"\\\\nas\\music\\kraftwerk-remaster\\02 - Kometenmelodie 1.mp3",
        b"",
        b"#EXTINF:215,Nobody - Nothing At All",
        b"D:\\Music\\nobody\\nothing.mp3",
        b"../Odd/caf\xe9.mp3",
        b"#EXTINF:200,Gamma - Soleil d\x92\xe9t\xe9",  # Windows-1252 text
        b"E:\\elsewhere\\soleil.mp3",
        b"http://radio.example/stream",
    ]) + b"\r\n")
    report, changes = import_playlist(store, playlist)
    assert report.name == "Road trip" and report.entries == 7
    assert changes.playlists == {report.playlist_id}
    assert report.matched == {MatchKind.TAIL: 1, MatchKind.RELATIVE: 2, MatchKind.TAGS: 2}
    assert [(e.line, e.text.location) for e in report.unmatched] == [
        (9, "D:\\Music\\nobody\\nothing.mp3"), (13, "http://radio.example/stream")]
    saved = store.playlists.entries(report.playlist_id)
    assert [e.track_id for e in saved] == [ids["autobahn"], ids["hallo"], ids["kometen"], None,
                                            ids["cafe"], ids["ete"], None]
    assert saved[5].text.title == "Soleil d’été"
    (listed,) = store.playlists.all()
    assert (listed.entries, listed.unmatched) == (7, 2)


def test_export_writes_matched_tracks_as_they_are_and_unmatched_entries_as_they_came(
        store: Store, music: Path, tmp_path: Path) -> None:
    ids = _library(store, music)
    source = tmp_path / "in.m3u8"
    source.write_text("#EXTM3U\n"
                      "#EXTINF:-1,autobahn\n"
                      f"{music}/Kraftwerk/Autobahn/01 Autobahn.flac\n"
                      "#EXTINF:215,Nobody - Nothing At All\n"
                      "#EXTALB:Nowhere\n"
                      "D:\\Music\\nobody\\nothing.mp3\n"
                      "lost/relative file.ogg\n", encoding="utf-8")
    report, _ = import_playlist(store, source, name="Mixed")
    playlist = edits.playlist_by_name(store, "mixed")
    out = tmp_path / "out.m3u8"
    assert export_playlist(store, playlist, out) == 3
    assert out.read_text(encoding="utf-8").splitlines() == [
        "#EXTM3U",
        "#PLAYLIST:Mixed",
        "#EXTINF:1362,Kraftwerk - Autobahn",
        "#EXTALB:Autobahn",
        f"{music}/Kraftwerk/Autobahn/01 Autobahn.flac",
        "#EXTINF:215,Nobody - Nothing At All",
        "#EXTALB:Nowhere",
        "D:\\Music\\nobody\\nothing.mp3",
        "lost/relative file.ogg",
    ]
    # read back, it is the same playlist
    again, _ = import_playlist(store, out, name="Mixed again")
    assert [e.track_id for e in store.playlists.entries(again.playlist_id)] == \
        [ids["autobahn"], None, None]
    assert [(e.line, e.text) for e in again.unmatched] == \
        [(e.line + 2, e.text) for e in report.unmatched]
    with pytest.raises(PlaylistFileError, match="already exists"):
        export_playlist(store, playlist, out)
    relative = music / "relative.m3u"
    music.mkdir()
    export_playlist(store, playlist, relative, relative=True)
    assert "Kraftwerk/Autobahn/01 Autobahn.flac" in relative.read_text().splitlines()


def test_a_non_utf8_file_name_round_trips_byte_for_byte(store: Store, music: Path,
                                                        tmp_path: Path) -> None:
    ids = _library(store, music)
    edits.create_playlist(store, "Odd", [ids["cafe"]])
    out = tmp_path / "odd.m3u"
    export_playlist(store, edits.playlist_by_name(store, "Odd"), out)
    assert os.fsencode(str(music / "Odd")) + b"/caf\xe9.mp3" in out.read_bytes().splitlines()
    report, _ = import_playlist(store, out, name="Odd again")
    assert report.matched == {MatchKind.PATH: 1}


def test_xspf_with_locations_and_with_only_creator_and_title(store: Store, music: Path,
                                                             tmp_path: Path) -> None:
    ids = _library(store, music)
    hallo = (music / "Neu!/Neu!/01 Hallogallo.ogg").as_uri()
    source = tmp_path / "list.xspf"
    source.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>Motorik</title>
  <trackList>
    <track>
      <location>{hallo}</location>
    </track>
    <track>
      <creator>KRAFTWERK</creator>
      <title>autobahn</title>
      <duration>1362500</duration>
    </track>
    <track>
      <location>file:///C:/Music/Harmonia/Deluxe.mp3</location>
      <creator>Harmonia</creator>
      <title>Deluxe (Immer Wieder)</title>
      <album>Deluxe</album>
    </track>
    <track><creator>Gamma</creator><title>Soleil d'ete</title></track>
  </trackList>
</playlist>
""", encoding="utf-8")
    report, _ = import_playlist(store, source)
    assert report.name == "Motorik"
    assert report.matched == {MatchKind.PATH: 1, MatchKind.TAGS: 2}
    assert [(e.line, e.text.artist, e.text.title) for e in report.unmatched] == \
        [(13, "Harmonia", "Deluxe (Immer Wieder)")]
    playlist = edits.playlist_by_name(store, "Motorik")
    assert [t.id for t in playlist_tracks(store, playlist)] == \
        [ids["hallo"], ids["autobahn"], ids["ete"]]
    out = tmp_path / "out.xspf"
    export_playlist(store, playlist, out)
    back = read_playlist(out)
    assert back.title == "Motorik"
    assert [e.text.location for e in back.entries] == [
        hallo, (music / "Kraftwerk/Autobahn/01 Autobahn.flac").as_uri(),
        "file:///C:/Music/Harmonia/Deluxe.mp3", (music / "Gamma/Été/Soleil.flac").as_uri()]
    assert (back.entries[2].text.artist, back.entries[2].text.album) == ("Harmonia", "Deluxe")
    assert back.entries[1].text.duration == 1362.0


def test_bad_files_are_refused_with_a_clear_message_and_nothing_saved(
        store: Store, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xspf"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]>'
                    "<playlist><title>&a;</title></playlist>")
    with pytest.raises(PlaylistFileError, match="declares a document type"):
        import_playlist(store, bomb)
    broken = tmp_path / "broken.xspf"
    broken.write_text("<playlist><trackList><track></trackList>")
    with pytest.raises(PlaylistFileError, match="not a valid XSPF playlist: line 1"):
        import_playlist(store, broken)
    (tmp_path / "notes.txt").write_text("milk\neggs\n")
    with pytest.raises(PlaylistFileError, match="not a playlist Riffle knows"):
        import_playlist(store, tmp_path / "notes.txt")
    with pytest.raises(PlaylistFileError, match="Cannot read"):
        import_playlist(store, tmp_path / "absent.m3u")
    assert store.playlists.all() == []


def test_a_name_in_use_is_refused_unless_replaced(store: Store, music: Path,
                                                  tmp_path: Path) -> None:
    ids = _library(store, music)
    edits.create_playlist(store, "Mix", [ids["ete"]])
    source = tmp_path / "mix.m3u"
    source.write_text(f"{music}/Neu!/Neu!/01 Hallogallo.ogg\n")
    with pytest.raises(PlaylistError, match="named 'Mix' already"):
        import_playlist(store, source)
    report, _ = import_playlist(store, source, replace=True)
    assert [e.track_id for e in store.playlists.entries(report.playlist_id)] == [ids["hallo"]]
    assert len(store.playlists.all()) == 1
