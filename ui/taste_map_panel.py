"""The "Taste map" tab: the map of the library beside the taste profile.

It keeps the map in step with the auto-shuffle: whenever a change concerns the taste or
the library, it waits for the auto-shuffle's next snapshot and has recommender/map_job.py
rebuild the map from it on a worker (the layout is followed or computed again there, with
progress; only while the tab is shown, or once when it is first shown). It draws the
playing track and the queue ahead as a path, brings out the library filter's matches or
the selected region, shows a card for the hovered point, and passes the map's requests on:
play, queue, a sonic path (ui/taste_actions.py), steering a region (player/edits.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from player import edits
from player.changes import Changes
from player.formatting import artist_title
from player.models import UNKNOWN_ARTIST
from player.store import Store
from recommender.taste_map import TasteMap, placement
from ui.library_model import LibraryModel
from ui.library_view import LibraryPanel
from ui.player_control import PlayerControl
from ui.profile_panel import ProfilePanel
from ui.queue_panel import QueuePanel
from ui.tasks import BackgroundWork, TaskCancelled, TaskContext
from ui.taste_actions import TasteActions, snapshot_of

if TYPE_CHECKING:
    from ui.map_view import MapView

logger = logging.getLogger(__name__)

LEGEND = ("● blue: you like it (or Riffle expects you to)   ● grey: not known yet   "
          "● orange: you don't   ★ rated 4–5   ✕ rated 1–2 or skipped twice   "
          "Shift+drag: lasso to queue")


def region_middles(tm: TasteMap) -> dict[int, tuple[float, float]]:
    """Where each region's number is written on the map: the middle (median) of its
    points."""
    return {r.number: tuple(np.median(tm.xy[tm.region == r.number], axis=0).tolist())
            for r in tm.profile.regions if (tm.region == r.number).any()}


class TasteMapPanel(QWidget):
    """Map | profile, with a row of tools above."""

    #: A sentence for the status bar.
    message = Signal(str)

    def __init__(self, work: BackgroundWork, control: PlayerControl, library: LibraryModel,
                 actions: TasteActions, cache_path: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.work = work
        self.control = control
        self.library = library
        self.taste_actions = actions
        self.cache_path = cache_path
        self.taste_map: TasteMap | None = None
        self._result: Any = None  # the MapResult the map was drawn from
        self._snapshot: Any = None  # the auto-shuffle snapshot it was drawn from
        self._task: Any = None
        self._again = False
        self._region = 0
        self._filtered: set[int] | None = None
        self._highlight_due = False

        self.view: MapView | None = None  # built when the tab is first shown
        self.profile = ProfilePanel()
        self.status = QLabel("The map appears once the library has been analysed.")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setObjectName("countLabel")
        self.lasso = self._tool("Lasso", "Drag a loop around tracks to queue them "
                                "(or hold Shift while dragging)", checkable=True)
        self.lasso.toggled.connect(lambda on: setattr(self.view, "lasso_on", on)
                                   if self.view is not None else None)
        follow = self._tool("Playing", "Centre the map on the playing track")
        follow.clicked.connect(self.show_playing)
        whole = self._tool("Whole map", "Show every track")
        whole.clicked.connect(lambda: self.view.show_all() if self.view is not None else None)
        legend = QLabel(LEGEND)
        legend.setTextFormat(Qt.TextFormat.PlainText)
        legend.setObjectName("countLabel")
        legend.setWordWrap(True)

        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.status, 1)
        for button in (self.lasso, follow, whole):
            tools.addWidget(button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(QWidget())  # the map's place: pyqtgraph loads when it is first shown
        split.addWidget(self.profile)
        self._split = split
        split.setStretchFactor(0, 1)
        split.setSizes([600, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(tools)
        layout.addWidget(split, 1)
        layout.addWidget(legend)

        self.profile.region_selected.connect(self._region_selected)
        self.profile.steer_requested.connect(self._steer)
        self.profile.play_requested.connect(control.play_now)
        control.queue.listeners.append(self.draw_path)
        control.session.listeners.append(self.draw_path)
        work.hub.subscribe(self._changed)

    def _tool(self, text: str, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        button.setAutoRaise(True)
        return button

    # -- keeping the map current -------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.view is None:
            self._build_view()
        if self._highlight_due:
            self._apply_highlight()
        self.refresh()

    def _build_view(self) -> None:
        """The map itself, built the first time the tab is shown (pyqtgraph takes about
        half a second to load: the window's start does not wait for it)."""
        from ui.map_view import MapView

        control, view = self.control, MapView()
        view.lasso_on = self.lasso.isChecked()
        view.play_requested.connect(lambda t: control.play_now([t]))
        view.next_requested.connect(lambda ids: control.enqueue(ids, True))
        view.queue_requested.connect(lambda ids: control.enqueue(ids, False))
        view.path_requested.connect(self.taste_actions.path_to)
        view.hovered.connect(self._hovered)
        old = self._split.replaceWidget(0, view)
        if old is not None:
            old.deleteLater()
        self._split.setSizes([600, 420])
        self.view = view

    def _changed(self, changes: Changes) -> None:
        if changes.judgements or changes.steering or changes.library:
            filler = self.control.queue.filler
            if filler is not None:  # after the snapshot these changes make
                filler.follow(Changes(), self.refresh)

    def refresh(self) -> None:
        """Rebuild the map if the auto-shuffle's snapshot changed since it was drawn (only
        while shown: a hidden map catches up when it is shown)."""
        filler = self.control.queue.filler
        snapshot = snapshot_of(filler)
        if snapshot is None:
            if filler is not None and self.isVisible():
                filler.follow(Changes(), self.refresh)
            return
        if snapshot is self._snapshot or not self.isVisible():
            return
        if self._task is not None:
            self._again = True
            return
        self._start(snapshot)

    def _start(self, snapshot: Any) -> None:
        previous, cache_path = self._result, self.cache_path

        def make(ctx: TaskContext) -> Any:
            from threadpoolctl import ThreadpoolController

            from recommender.map_job import prepare_map
            from recommender.map_layout import LayoutCancelled

            with ThreadpoolController().limit(limits=1):
                try:
                    return prepare_map(ctx.store, snapshot, previous, cache_path=cache_path,
                                       progress=ctx.progress, cancelled=ctx.cancelled)
                except LayoutCancelled:
                    raise TaskCancelled("cancelled") from None

        self._again = False
        self._task = self.work.run(make, on_result=lambda r: self._made(snapshot, r),
                                   on_error=self._failed, on_progress=self._progress,
                                   name="taste map")
        self._task.finished.connect(self._finished)

    def _progress(self, share: float) -> None:
        self.status.setText(f"Laying out the map… {round(float(share) * 100)} %")

    def _made(self, snapshot: Any, result: Any) -> None:
        if self.view is None:  # only a shown tab starts a map
            return
        first = self.taste_map is None
        self._snapshot, self._result = snapshot, result
        self.taste_map = tm = result.taste_map
        self.view.show_points(tm.ids, tm.xy, tm.preference, tm.stars, tm.skips,
                              keep_view=not first)
        self.profile.show_profile(tm.profile)
        self.view.set_labels([(float(x), float(y), str(number)) for number, (x, y) in
                              region_middles(tm).items()])
        self._apply_highlight()
        self.draw_path()
        regions = len(tm.profile.regions)
        self.status.setText(f"{len(tm):,} tracks in {regions} region"
                            f"{'s' if regions != 1 else ''}" if len(tm)
                            else "The map appears once the library has been analysed.")

    def _failed(self, exc: BaseException) -> None:
        logger.warning("the taste map could not be made: %s", exc)
        self.status.setText(f"The map could not be made: {exc}")

    def _finished(self) -> None:
        self._task = None
        if self._again:
            self.refresh()

    def shutdown(self) -> None:
        self.work.hub.unsubscribe(self._changed)
        for listeners in (self.control.queue.listeners, self.control.session.listeners):
            if self.draw_path in listeners:
                listeners.remove(self.draw_path)
        if self._task is not None:
            self._task.cancel()

    # -- what is drawn over the points -------------------------------------------------------

    def draw_path(self) -> None:
        """The playing track and the queue ahead, as a path over the map."""
        tm = self.taste_map
        if tm is None or self.view is None:
            return
        queue = self.control.queue
        playing = self.control.playing_id()
        ids = ([playing] if playing is not None else []) + [e.track_id for e in queue.upcoming]
        points = [p for p in (tm.point_of(t) for t in ids) if p is not None]
        self.view.set_path(points, tm.point_of(playing) if playing is not None else None)

    def show_playing(self) -> None:
        playing = self.control.playing_id()
        point = self.taste_map.point_of(playing) if self.taste_map and playing else None
        if point is None or self.view is None:
            self.message.emit("The playing track is not on the map (not analysed yet).")
            return
        self.view.centre_on(point)

    def follow_filter(self) -> None:
        """Bring out the tracks the library's filter (or side-list pick) shows; all when
        it shows everything."""
        model = self.library
        shown = model.rowCount()
        self._filtered = None if shown == len(model.library) else set(model.track_ids())
        self._apply_highlight()

    def _region_selected(self, number: int) -> None:
        self._region = number
        self._apply_highlight()

    def _apply_highlight(self) -> None:
        tm = self.taste_map
        if tm is None or self.view is None:
            return
        if not self.isVisible():  # typing in the library's filter: the map catches up later
            self._highlight_due = True
            return
        self._highlight_due = False
        if self._region:
            self.view.set_highlight(tm.region == self._region)
        elif self._filtered is not None:
            self.view.set_highlight(np.isin(tm.ids, np.fromiter(self._filtered, np.int64)))
        else:
            self.view.set_highlight(None)

    def _hovered(self, track_id: int) -> None:
        tm = self.taste_map
        point = tm.point_of(track_id) if tm is not None and track_id >= 0 else None
        if point is None or tm is None or self.view is None:
            if self.view is not None:
                self.view.show_card("")
            return
        data = self.library.library
        row = data.row_of(track_id)
        heading = (artist_title(data.artists[row] or UNKNOWN_ARTIST, data.titles[row])
                   if row is not None else f"Track {track_id}")

        def title(tid: int) -> str:
            at = data.row_of(tid)
            return data.titles[at] if at is not None else "?"

        self.view.show_card(f"{heading}\n{placement(self._snapshot, tm, point, titles=title)}")

    def _steer(self, action: str, number: int) -> None:
        tm = self.taste_map
        if tm is None:
            return
        region = tm.profile.region(number)
        ids, name = list(region.track_ids), region.name

        def write(store: Store) -> Changes:
            return edits.steer(store, action, ids, name)

        self.work.write(write, name="steer the auto-shuffle")
        self.message.emit({"more": f"More of “{name}” from now on.",
                           "less": f"Less of “{name}” from now on.",
                           "clear": f"“{name}”: neither more nor less any more.",
                           "forget": f"Forgot what was learned from “{name}”."}[action])


def add_taste_map(tabs: QTabWidget, control: PlayerControl, work: BackgroundWork,
                  store: Store, model: LibraryModel, library: LibraryPanel,
                  queue_panel: QueuePanel, cache_path: Path | None,
                  show_message: Callable[[str], None]) -> TasteMapPanel:
    """The Taste map tab in *tabs*, with sonic paths and flow order wired to the library's
    and the queue's context menus; messages go to *show_message*."""
    def title_of(track_id: int) -> str:
        row = model.library.row_of(track_id)
        return model.library.titles[row] if row is not None else f"track {track_id}"

    actions = TasteActions(control, work, store, title_of, tabs)
    panel = TasteMapPanel(work, control, model, actions, cache_path)
    tabs.addTab(panel, "Taste map")
    actions.message.connect(show_message)
    panel.message.connect(show_message)
    model.count_changed.connect(lambda _n: panel.follow_filter())
    library.path_requested.connect(actions.path_to)
    library.flow_requested.connect(lambda ids, now: actions.play_in_flow_order(ids) if now
                                   else actions.queue_in_flow_order(ids))
    queue_panel.flow_requested.connect(actions.order_queue_for_flow)
    return panel
