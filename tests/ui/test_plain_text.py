"""ui/plain_text.py: tag and file text is shown as the text it is, never as rich text.

An artist `<img src=... width=3000>` must not load a local image and stretch the window,
and `<a href=...>` must not become a link: every label, tooltip and list that shows what a
file says shows it as plain text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from library_factory import TagSet, make_track
from pytestqt.qtbot import QtBot
from window_rig import Rig, png

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QLabel

from player.backend import PlayerState
from ui.library_data import Column
from ui.plain_text import tooltip

IMAGE_ARTIST = '<img src="{image}" width=3000 height=3000>Evil'
LINK_TITLE = '<a href="file:///etc/passwd">click me</a>'


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, str]:
    image = tmp_path / "big.png"
    image.write_bytes(png(64, 64))
    artist = IMAGE_ARTIST.format(image=image)
    music = tmp_path / "music"
    make_track(music / "one.ogg", TagSet(title=LINK_TITLE, artists=[artist],
                                         album="<b>Bold</b> & <i>bare</i>"), seconds=3.0)
    make_track(music / "two.ogg", TagSet(title="Plain", artists=["Someone"], album="Other"),
               seconds=3.0)
    return music, artist


    tip = tooltip('<img src="x">\nline two')
    assert "<img" not in tip and "&lt;img" in tip
    assert QtGuiNamespace.mightBeRichText(tip)  # so Qt renders the escapes, not the tags


def test_the_window_shows_hostile_tags_as_plain_text(
        make_window: Callable[..., Rig], hostile: tuple[Path, str], qtbot: QtBot) -> None:
    music, artist = hostile
    rig = make_window(roots=(music,))
    w = rig.window
    w.actions_.scan()
    qtbot.waitUntil(lambda: w.model.rowCount() == 2 and not w.actions_.jobs.running,
                    timeout=20_000)
    titles = [w.model.data(w.model.index(r, Column.TITLE)) for r in range(2)]
    row = titles.index(LINK_TITLE)
    tip = w.model.data(w.model.index(row, Column.TITLE), Qt.ItemDataRole.ToolTipRole)
    assert "<a href" not in tip
    # play it: the now-playing bar and the window title show its tags
    table = w.library.table
    rect = table.visualRect(w.model.index(row, Column.TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    session = w.control.session  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: session.state is PlayerState.PLAYING
                    and session.track is not None and session.track.title == LINK_TITLE,
                    timeout=10_000)
    # narrow the table to the artist: the side list's label names it
    proxy = w.browser.proxy
    index = next(proxy.index(r, 0) for r in range(proxy.rowCount())
                 if str(proxy.index(r, 0).data()).startswith("<img"))
    assert "<img" not in proxy.index(index.row(), 0).data(Qt.ItemDataRole.ToolTipRole)
    w.browser.tree.setCurrentIndex(index)
    qtbot.waitUntil(lambda: w.library.browse_label.text() == artist, timeout=5_000)
    assert w.bar is not None and w.bar.title.text() == LINK_TITLE
    assert artist in w.bar.details.text()
    showing = [label for label in w.findChildren(QLabel) if "<" in label.text()]
    assert len(showing) >= 3  # the bar's title and details, the browse label
    for label in showing:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
        assert label.sizeHint().width() < 2000, label.text()
    assert "&lt;a href" in w.bar.title.toolTip() or "<a" not in w.bar.title.toolTip()
    qtbot.wait(50)
    assert w.width() < 2000 and w.minimumSizeHint().width() < 2000
