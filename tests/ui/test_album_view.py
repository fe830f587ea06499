"""The album view on a real window: albums grouped by album artist (a compilation whose
files name only each performer is one album), covers from the files' folders kept as
thumbnails, a click lists the album and a double click plays it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from library_factory import TagSet, make_track
from pytestqt.qtbot import QtBot
from window_rig import ALBUMS as RIG_ALBUMS
from window_rig import TRACK_COUNT, Rig

from PySide6.QtCore import Qt

from player.albums import VARIOUS_ARTISTS
from player.backend import PlayerState
from ui.album_view import ARTIST_ROLE, KEY_ROLE
from ui.library_columns import Column
from ui.library_view import ALBUMS, TRACKS

#: A compilation: one album name in one folder, three performers, no album artist tag.
HITS = [("Sunburn", "The Dunes"), ("Tidal", "Marina Blue"), ("Heatwave", "Coral Avenue")]


@pytest.fixture
def with_compilation(make_window: Callable[..., Rig], music: Path, tmp_path: Path,
                     qtbot: QtBot) -> Rig:
    library = tmp_path / "library"
    shutil.copytree(music, library)
    for n, (title, artist) in enumerate(reversed(HITS), start=1):  # files out of order
        make_track(library / "Compilations" / "Summer Hits" / f"{artist} - {title}.ogg",
                   TagSet(title=title, artists=[artist], album="Summer Hits",
                          track=str(len(HITS) + 1 - n)), seconds=3.0, freq=300.0 + n * 40)
    rig = make_window(roots=(library,))
    rig.window.actions_.scan()
    qtbot.waitUntil(lambda: len(rig.window.model.library) == TRACK_COUNT + len(HITS)
                    and not rig.window.actions_.jobs.running, timeout=20_000)
    return rig


def _grid_row(rig: Rig, title: str) -> int:
    view = rig.window.library.albums
    assert view is not None
    model = view.albums
    return next(r for r in range(model.rowCount()) if model.index(r).data() == title)


def test_the_side_list_groups_albums_by_album_artist(with_compilation: Rig) -> None:
    browser = with_compilation.window.browser
    browser.set_current_tab(1)
    shown = [str(browser.proxy.index(r, 0).data()) for r in range(browser.proxy.rowCount())]
    assert shown[0] == f"All albums ({len(RIG_ALBUMS) + 1})"
    assert f"Summer Hits — {VARIOUS_ARTISTS}  (3)" in shown
    entry = next(r for r, text in enumerate(shown) if text.startswith("Summer Hits"))
    browser.tree.setCurrentIndex(browser.proxy.index(entry, 0))
    model = with_compilation.window.model
    assert sorted(model.index(r, Column.TITLE).data() for r in range(model.rowCount())) == \
        sorted(title for title, _artist in HITS)


def test_a_click_lists_the_album_and_a_double_click_plays_it_in_order(
        with_compilation: Rig, qtbot: QtBot) -> None:
    w = with_compilation.window
    w.albums_action.trigger()  # Ctrl+B
    assert w.library.view == ALBUMS
    view = w.library.albums
    assert view is not None and view.isVisible()
    assert view.albums.rowCount() == len(RIG_ALBUMS) + 1
    row = _grid_row(with_compilation, "Summer Hits")
    index = view.albums.index(row)
    assert index.data(ARTIST_ROLE) == VARIOUS_ARTISTS
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    titles = [w.model.index(r, Column.TITLE).data() for r in range(w.model.rowCount())]
    assert titles == [title for title, _artist in HITS]  # in track order, not by artist
    assert w.library.browse_label.full_text() == f"Summer Hits — {VARIOUS_ARTISTS}"

    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.control is not None
    session = w.control.session
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING and session.track is not None
                    and session.track.title == HITS[0][0], timeout=10_000)
    assert [w.model.library.titles[w.model.library.row_of(e.track_id)]  # type: ignore[index]
            for e in w.control.queue.user_part] == [title for title, _a in HITS[1:]]

    # the filter narrows the covers too; the tracks view shows every track again
    qtbot.keyClicks(w.library.filter_box, "tidal")
    qtbot.waitUntil(lambda: view.albums.rowCount() == 1, timeout=3000)  # once typing pauses
    assert view.albums.index(0).data() == "Summer Hits"
    w.library.filter_box.clear()
    w.albums_action.trigger()
    assert w.library.view == TRACKS and not view.isVisible()
    assert w.model.rowCount() == TRACK_COUNT + len(HITS)


def test_covers_load_in_the_background_and_are_kept_as_thumbnails(
        with_compilation: Rig, tmp_path: Path, qtbot: QtBot) -> None:
    w = with_compilation.window
    w.library.set_view(ALBUMS)
    view = w.library.albums
    assert view is not None
    first = view.albums.index(_grid_row(with_compilation, RIG_ALBUMS[0][1]))  # has cover.png
    other = view.albums.index(_grid_row(with_compilation, "Summer Hits"))  # has none
    thumbnails = w.thumbnails
    qtbot.waitUntil(lambda: thumbnails.known(first.data(KEY_ROLE))
                    and thumbnails.known(other.data(KEY_ROLE)), timeout=10_000)
    cover = thumbnails.pixmap(first.data(KEY_ROLE), "")
    assert cover is not None and cover.width() == cover.height() > 4  # scaled up to a tile
    colour = cover.toImage().pixelColor(cover.width() // 2, cover.height() // 2)
    assert abs(colour.red() - 200) < 8 and abs(colour.green() - 80) < 8
    assert thumbnails.pixmap(other.data(KEY_ROLE), "") is None
    folder = tmp_path / "cache" / "thumbnails"
    assert len(list(folder.glob("*.jpg"))) == 1  # the next start reads these
    assert len(list(folder.glob("*.none"))) == len(RIG_ALBUMS)  # no cover: not looked again
