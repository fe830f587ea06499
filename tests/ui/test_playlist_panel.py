"""The side list's Playlists section (ui/playlist_panel.py, playlist_model.py and
playlist_actions.py): made, filled and reordered by dragging, shown in the table, played,
saved from the queue, smart ones followed live, files imported and exported."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from player import settings as s
from player.edits import save_settings
from player.playlist_files import read_playlist
from player.tags import read_track
from ui.library_data import Column
from ui.playlist_actions import PlaylistActions


def _names(acts: PlaylistActions) -> list[str]:
    return [row.playlist.name for row in acts.model.rows]


def _entries(acts: PlaylistActions, number: int = 0) -> list[int | None]:
    return [e.track_id for e in acts.model.rows[number].entries]


def _titles(rig: Rig) -> list[str]:
    model = rig.window.model
    return [model.data(model.index(r, Column.TITLE)) for r in range(model.rowCount())]


def test_a_playlist_is_made_filled_reordered_shown_played_renamed_and_deleted(
        scanned: Rig, qtbot: QtBot) -> None:
    w = scanned.window
    acts = w.playlists
    assert acts.panel.isVisible() and acts.side.isVisible()
    acts.new_playlist("Mix")
    qtbot.waitUntil(lambda: _names(acts) == ["Mix"], timeout=5000)
    ids = w.model.track_ids()[:3]
    # three tracks dragged from the table onto the playlist
    dragged = w.model.mimeData([w.model.index(r, 0) for r in range(3)])
    playlist = acts.model.index(0, 0)
    acts.model.dropMimeData(dragged, Qt.DropAction.CopyAction, -1, 0, playlist)
    qtbot.waitUntil(lambda: _entries(acts) == ids, timeout=5000)
    assert acts.model.data(acts.model.index(0, 0)) == "Mix  (3)"
    # the last entry dragged to the top
    playlist = acts.model.index(0, 0)
    moved = acts.model.mimeData([acts.model.index(2, 0, playlist)])
    acts.model.dropMimeData(moved, Qt.DropAction.MoveAction, 0, 0, playlist)
    qtbot.waitUntil(lambda: _entries(acts) == [ids[2], ids[0], ids[1]], timeout=5000)
    store_order = [e.track_id for e in scanned.store.playlists.entries(
        acts.model.rows[0].playlist.id)]
    assert store_order == [ids[2], ids[0], ids[1]]

    # picked: the table shows its tracks, in its order
    acts.panel.tree.setCurrentIndex(acts.model.index(0, 0))
    assert w.model.track_ids() == [ids[2], ids[0], ids[1]]
    assert w.library.browse_label.text() == "Playlist “Mix”"
    # played from its second entry: the rest follow, then the auto-shuffle
    control = w.control
    assert control is not None
    acts.panel.tree.doubleClicked.emit(acts.model.index(1, 0, acts.model.index(0, 0)))
    qtbot.waitUntil(lambda: control.playing_id() == ids[0], timeout=10_000)
    assert [e.track_id for e in control.queue.user_part] == [ids[1]]

    # the queue saved as a playlist: the playing track, then everything upcoming
    queued = [ids[0], *(e.track_id for e in control.queue.upcoming)]
    acts.save_queue("From the queue")
    qtbot.waitUntil(lambda: "From the queue" in _names(acts), timeout=5000)
    number = _names(acts).index("From the queue")
    assert _entries(acts, number) == queued and len(queued) > 2

    # renamed in place, an entry removed with Delete, then deleted
    mix = acts.model.index(_names(acts).index("Mix"), 0)
    acts.model.setData(mix, "Road mix")
    qtbot.waitUntil(lambda: "Road mix" in _names(acts), timeout=5000)
    number = _names(acts).index("Road mix")
    entry = acts.model.index(0, 0, acts.model.index(number, 0))
    acts.panel.tree.setCurrentIndex(entry)
    acts.panel.tree.selectionModel().select(entry, acts.panel.tree.selectionModel()
                                            .SelectionFlag.ClearAndSelect)
    QApplication.sendEvent(acts.panel.tree, QKeyEvent(QKeyEvent.Type.KeyPress,
                                                      Qt.Key.Key_Delete,
                                                      Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: _entries(acts, _names(acts).index("Road mix")) == [ids[0], ids[1]],
                    timeout=5000)
    playlist_id = acts.model.rows[_names(acts).index("Road mix")].playlist.id
    acts.delete(playlist_id, ask=False)
    qtbot.waitUntil(lambda: _names(acts) == ["From the queue"], timeout=5000)
    assert scanned.store.tracks.count() == TRACK_COUNT


def test_a_smart_playlist_follows_ratings_live(scanned: Rig, qtbot: QtBot) -> None:
    w = scanned.window
    acts = w.playlists
    acts.new_smart_playlist("Loved", "rating:>=4")
    qtbot.waitUntil(lambda: _names(acts) == ["Loved"], timeout=5000)
    assert acts.model.data(acts.model.index(0, 0)) == "Loved  ⚙"
    assert acts.model.rowCount(acts.model.index(0, 0)) == 0
    acts.panel.tree.setCurrentIndex(acts.model.index(0, 0))
    assert w.model.rowCount() == 0
    target = w.model.library.ids[w.model.library.titles.index("Pluie")]
    w.actions_.rate([target], 5)
    qtbot.waitUntil(lambda: _titles(scanned) == ["Pluie"], timeout=5000)
    w.actions_.rate([target], 2)
    qtbot.waitUntil(lambda: _titles(scanned) == [], timeout=5000)
    acts.edit_query(acts.model.rows[0].playlist.id, "artist:gamma")
    qtbot.waitUntil(lambda: sorted(_titles(scanned)) == ["Orage", "Pluie", "Soleil"],
                    timeout=5000)
    # "Show all" takes the table elsewhere; the playlist is no longer picked
    qtbot.mouseClick(w.library.clear_browse, Qt.MouseButton.LeftButton)
    assert w.model.rowCount() == TRACK_COUNT and acts.panel.current_playlist() is None
    acts.new_smart_playlist("Broken", "rating:lots")
    assert "rating:lots" in w.statusBar().currentMessage()


def test_a_playlist_file_is_imported_with_what_was_not_found_greyed_and_exported(
        scanned: Rig, music: Path, tmp_path: Path, qtbot: QtBot) -> None:
    w = scanned.window
    acts = w.playlists
    source = tmp_path / "From Windows.m3u"
    source.write_text("#EXTM3U\n"
                      "#EXTINF:3,Beta Engine - Redline\n"
                      "C:\\Users\\bob\\Music\\Beta Engine\\Overdrive\\02 Redline.mp3\n"
                      "#EXTINF:200,Nobody - Nowhere\n"
                      "D:\\nowhere.mp3\n", encoding="utf-8")
    acts.import_file(str(source))
    qtbot.waitUntil(lambda: _names(acts) == ["From Windows"], timeout=5000)
    qtbot.waitUntil(lambda: acts.panel.current_playlist() is not None, timeout=5000)
    assert w.statusBar().currentMessage() == ("Imported “From Windows”: 1 of 2 entries found; "
                                              "1 not found (kept, greyed).")
    playlist = acts.model.index(0, 0)
    found, lost = acts.model.index(0, 0, playlist), acts.model.index(1, 0, playlist)
    assert acts.model.data(found) == "Beta Engine – Redline"
    assert acts.model.data(lost) == "Nobody – Nowhere"
    assert acts.model.data(lost, Qt.ItemDataRole.ForegroundRole) is not None
    assert acts.model.data(found, Qt.ItemDataRole.ForegroundRole) is None
    assert w.library.browse_label.text() == "Playlist “From Windows” · 1 not found"
    assert _titles(scanned) == ["Redline"]
    out = tmp_path / "out.xspf"
    acts.export(acts.model.rows[0].playlist.id, str(out))
    qtbot.waitUntil(lambda: "Wrote 2 entries" in w.statusBar().currentMessage(), timeout=5000)
    back = read_playlist(out)
    assert [(e.text.artist, e.text.title) for e in back.entries] == \
        [("Beta Engine", "Redline"), ("Nobody", "Nowhere")]
    # hiding the section and the browser hides the side column
    acts.view_action.setChecked(False)
    w.browser_action.setChecked(False)
    assert not acts.side.isVisible()
    acts.view_action.setChecked(True)
    assert acts.side.isVisible() and acts.panel.isVisible() and not w.browser.isVisible()


def test_a_rating_in_the_window_is_written_into_the_file_when_asked(
        make_window: Callable[..., Rig], music: Path, tmp_path: Path, qtbot: QtBot) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(music / "Alpha Lake", copy)
    rig = make_window(roots=(copy,))
    w = rig.window
    w.actions_.scan()
    qtbot.waitUntil(lambda: len(w.model.library) == 3 and not w.actions_.jobs.running
                    and not w.loader.busy, timeout=20_000)
    save_settings(rig.store, {s.RATINGS_IN_TAGS: True})
    row = w.model.library.titles.index("Mist")
    target, path = w.model.library.ids[row], w.model.library.path(row)
    w.actions_.rate([target], 4)
    qtbot.waitUntil(lambda: read_track(path).tag_rating == 4, timeout=5000)
    qtbot.waitUntil(lambda: rig.store.tracks.get(target).mtime_ns == read_track(path).mtime_ns,
                    timeout=5000)
    # a file that cannot take the rating is said in the status bar; the rating stays
    row = w.model.library.titles.index("Dawn")
    gone, gone_path = w.model.library.ids[row], w.model.library.path(row)
    Path(gone_path).rename(gone_path + ".away")
    w.actions_.rate([gone], 3)
    qtbot.waitUntil(lambda: "could not be written into 1 file" in
                    w.statusBar().currentMessage(), timeout=5000)
    assert "Dawn" in w.statusBar().currentMessage(), w.statusBar().currentMessage()
    assert rig.store.ratings.get(gone) == 3
    assert w.model.library.ratings[row] == 3
