"""The taste map tab with the auto-shuffle on: points, colours, clicks, lasso, filter,
the profile's steering, and paths from the map and the library."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pytestqt.qtbot import QtBot
from window_rig import ALBUMS, TRACK_COUNT, Rig

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from player.changes import Changes
from player.store.features import FeatureResult
from recommender.layout import DIMENSIONS, FEATURE_VERSION
from ui.map_view import MapView


def _analyse(rig: Rig) -> dict[str, int]:
    """Vectors for the scanned tracks, one cloud per album (as an analysis would give
    tracks that sound alike), announced as a finished analysis does; title → id."""
    rng = np.random.default_rng(4)
    centres = rng.normal(size=(len(ALBUMS), DIMENSIONS)) * 4.0
    ids: dict[str, int] = {}
    results = []
    for a, (_artist, _album, _genre, _year, titles) in enumerate(ALBUMS):
        for title in titles:
            track = rig.store.tracks.find(f'title:"{title}"')[0]
            assert track.id is not None
            ids[title] = track.id
            vector = centres[a] + rng.normal(size=DIMENSIONS) * 0.3
            results.append(FeatureResult(track.id, vector.astype(np.float32)))
    with rig.store.db.transaction():
        rig.store.features.save(FEATURE_VERSION, results)
    rig.work.hub.publish(Changes(vectors=True))
    return ids


@pytest.fixture
def mapped(scanned: Rig, qtbot: QtBot) -> tuple[Rig, dict[str, int]]:
    """The scanned window, analysed, with the taste map shown and drawn."""
    ids = _analyse(scanned)
    w = scanned.window
    assert w.taste_map is not None
    w.centre.setCurrentWidget(w.taste_map)
    qtbot.waitUntil(lambda: w.taste_map.taste_map is not None
                    and len(w.taste_map.taste_map) == TRACK_COUNT, timeout=30_000)
    return scanned, ids


def _screen_pos(view: MapView, point: int) -> QPoint:
    x, y = (float(v) for v in view.xy[point])
    scene = view.box.mapViewToScene(QPointF(x, y))
    return view.mapFromScene(scene)


def _drag(view: MapView, path: list[QPoint], modifiers: Qt.KeyboardModifier,
          qtbot: QtBot) -> None:
    """A real left-button drag over the view, as the window system would send it (moves
    spaced out in time, as a hand makes them)."""
    target = view.viewport()
    button = Qt.MouseButton.LeftButton

    def send(kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton) -> None:
        event = QMouseEvent(kind, QPointF(pos), QPointF(target.mapToGlobal(pos)), button,
                            buttons, modifiers)
        QApplication.sendEvent(target, event)
        qtbot.wait(25)

    send(QEvent.Type.MouseButtonPress, path[0], button)
    for pos in path[1:]:
        send(QEvent.Type.MouseMove, pos, button)
    send(QEvent.Type.MouseButtonRelease, path[-1], Qt.MouseButton.NoButton)


def test_every_analysed_track_is_a_point_and_regions_are_listed(
        mapped: tuple[Rig, dict[str, int]]) -> None:
    rig, ids = mapped
    panel = rig.window.taste_map
    assert panel is not None and panel.taste_map is not None
    assert sorted(panel.view.ids.tolist()) == sorted(ids.values())
    profile = panel.taste_map.profile
    assert sum(len(r.track_ids) for r in profile.regions) == TRACK_COUNT
    assert panel.profile.tree.topLevelItemCount() == len(profile.regions)
    assert "tracks in" in panel.status.text()


def test_colours_follow_a_rating(mapped: tuple[Rig, dict[str, int]], qtbot: QtBot) -> None:
    rig, ids = mapped
    panel = rig.window.taste_map
    assert panel is not None
    view = panel.view
    loved, hated = ids["Dawn"], ids["Redline"]
    rig.window.actions_.rate([loved], 5)
    rig.window.actions_.rate([hated], 1)

    def colour(track_id: int) -> tuple[int, int, int]:
        point = int(np.flatnonzero(view.ids == track_id)[0])
        c = view.pick_colour(point)
        return c.red(), c.green(), c.blue()

    qtbot.waitUntil(lambda: colour(loved)[2] > colour(loved)[0] + 40
                    and colour(hated)[0] > colour(hated)[2] + 40, timeout=20_000)
    # a neighbour of the loved track (same album) leans towards blue as well
    mist = colour(ids["Mist"])
    assert mist[2] > mist[0]
    stars = panel.taste_map.stars if panel.taste_map is not None else None
    assert stars is not None and int(stars[panel.taste_map.point_of(loved)]) == 5


def test_a_click_on_a_point_plays_that_track(mapped: tuple[Rig, dict[str, int]],
                                             qtbot: QtBot) -> None:
    rig, ids = mapped
    panel = rig.window.taste_map
    assert panel is not None and rig.window.control is not None
    point = int(np.flatnonzero(panel.view.ids == ids["Orage"])[0])
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=_screen_pos(panel.view, point))
    qtbot.waitUntil(lambda: rig.window.control.playing_id() == ids["Orage"], timeout=10_000)
    qtbot.waitUntil(lambda: len(panel.view.playing.data) == 1, timeout=10_000)


def test_a_lasso_queues_the_tracks_inside(mapped: tuple[Rig, dict[str, int]],
                                          qtbot: QtBot) -> None:
    rig, ids = mapped
    panel = rig.window.taste_map
    assert panel is not None and rig.window.control is not None
    view = panel.view
    album = [ids[t] for t in ALBUMS[1][4]]  # Beta Engine's three tracks lie together
    screen = {int(t): _screen_pos(view, i) for i, t in enumerate(view.ids)}
    pos = np.array([[screen[t].x(), screen[t].y()] for t in album])
    low, high = pos.min(axis=0) - 14, pos.max(axis=0) + 14
    corners = [QPoint(int(low[0]), int(low[1])), QPoint(int(high[0]), int(low[1])),
               QPoint(int(high[0]), int(high[1])), QPoint(int(low[0]), int(high[1])),
               QPoint(int(low[0]), int(low[1]) + 2)]
    inside = {t for t, p in screen.items()
              if low[0] <= p.x() <= high[0] and low[1] <= p.y() <= high[1]}
    assert set(album) <= inside
    _drag(view, corners, Qt.KeyboardModifier.ShiftModifier, qtbot)
    queue = rig.window.control.queue
    qtbot.waitUntil(lambda: {e.track_id for e in queue.user_part} == inside, timeout=5_000)


def test_the_filter_box_highlights_its_matches(mapped: tuple[Rig, dict[str, int]],
                                               qtbot: QtBot) -> None:
    rig, ids = mapped
    panel = rig.window.taste_map
    assert panel is not None
    qtbot.keyClicks(rig.window.library.filter_box, "artist:gamma")
    lit = set(panel.view.ids[panel.view._lit].tolist())
    assert lit == {ids[t] for t in ALBUMS[2][4]}
    rig.window.library.filter_box.clear()
    assert panel.view._lit.all()


def test_less_of_a_region_is_stored_and_redraws_the_auto_part(
        mapped: tuple[Rig, dict[str, int]], qtbot: QtBot) -> None:
    rig, _ids = mapped
    panel = rig.window.taste_map
    assert panel is not None and panel.taste_map is not None
    profile = panel.profile
    profile.select_region(1)
    region = panel.taste_map.profile.region(1)
    assert panel.view._lit.sum() == len(region.track_ids)
    profile.buttons["less"].click()
    qtbot.waitUntil(lambda: len(rig.store.steering.all()) == 1, timeout=10_000)
    steer = rig.store.steering.all()[0]
    assert (steer.action, steer.label, steer.track_ids) == \
        ("less", region.name, frozenset(region.track_ids))
    qtbot.waitUntil(lambda: panel.taste_map is not None
                    and panel.taste_map.profile.region(1).steer == "less", timeout=20_000)
    assert "▼ less" in profile.tree.topLevelItem(0).text(0)


def test_hover_card_is_plain_text_and_says_why_a_track_sits_there(
        mapped: tuple[Rig, dict[str, int]], qtbot: QtBot) -> None:
    rig, ids = mapped
    panel = rig.window.taste_map
    assert panel is not None
    panel._hovered(ids["Soleil"])
    card = panel.view.card
    assert card.textFormat() == Qt.TextFormat.PlainText
    assert card.isVisible()
    assert card.text().startswith("Gamma Choir – Soleil")
    assert "Sounds most like" in card.text()
    panel._hovered(-1)
    assert not card.isVisible()


def test_a_path_to_a_track_from_the_library_plays_after_the_playing_one(
        mapped: tuple[Rig, dict[str, int]], qtbot: QtBot) -> None:
    rig, ids = mapped
    w = rig.window
    assert w.control is not None
    w.control.play_now([ids["Dawn"]])
    qtbot.waitUntil(lambda: w.control.playing_id() == ids["Dawn"], timeout=10_000)
    w.library.path_requested.emit(ids["Orage"])
    queue = w.control.queue
    qtbot.waitUntil(lambda: ids["Orage"] in [e.track_id for e in queue.user_part],
                    timeout=10_000)
    path = [e.track_id for e in queue.user_part]
    assert path[-1] == ids["Orage"] and ids["Dawn"] not in path
    assert len(path) >= 2


def test_play_in_flow_order_plays_the_selection_reordered(
        mapped: tuple[Rig, dict[str, int]], qtbot: QtBot) -> None:
    rig, ids = mapped
    w = rig.window
    assert w.control is not None
    chosen = [ids[t] for t in ("Dawn", "Ignition", "Mist", "Redline", "Harbour", "Pit Stop")]
    w.library.flow_requested.emit(chosen, True)
    qtbot.waitUntil(lambda: w.control.playing_id() is not None, timeout=10_000)
    order = [w.control.playing_id(), *(e.track_id for e in w.control.queue.user_part)]
    assert sorted(order) == sorted(chosen)
    albums = [0 if t in {ids["Dawn"], ids["Mist"], ids["Harbour"]} else 1 for t in order]
    assert sum(a != b for a, b in itertools.pairwise(albums)) == 1


def test_order_for_flow_reorders_what_the_listener_queued(
        mapped: tuple[Rig, dict[str, int]], qtbot: QtBot) -> None:
    rig, ids = mapped
    w = rig.window
    assert w.control is not None and w.queue_panel is not None
    queued = [ids[t] for t in ("Dawn", "Ignition", "Soleil", "Mist", "Redline", "Pluie")]
    w.control.enqueue(queued, False)
    auto = [e.key for e in w.control.queue.auto_part]
    w.queue_panel.flow_requested.emit()
    album = {ids[t]: a for a, album in enumerate(ALBUMS) for t in album[4]}

    def runs() -> int:
        order = [album[e.track_id] for e in w.control.queue.user_part]
        return 1 + sum(x != y for x, y in itertools.pairwise(order))

    qtbot.waitUntil(lambda: runs() == 3, timeout=10_000)
    assert sorted(e.track_id for e in w.control.queue.user_part) == sorted(queued)
    assert [e.key for e in w.control.queue.auto_part] == auto
