"""The taste profile beside the map: the learned regions, their evidence, and the controls
that steer them (more, less, clear, forget).

Every text here is plain text: names and titles come from tags, and tags never render as
markup. The panel shows and asks; its owner (ui/taste_map_panel.py) writes the steers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from player.formatting import signed
from recommender.profile_types import ProfileRegion, TasteProfile, evidence_text

_NUMBER = Qt.ItemDataRole.UserRole + 1
_TRACK = Qt.ItemDataRole.UserRole + 2
HINT = ("The regions of your library that the auto-shuffle has learned. Pick one to see "
        "it on the map, then ask for more or less of it, or make Riffle forget it.")


def leaning(preference: float) -> str:
    if preference > 0.15:
        return f"you like it ({signed(preference)})"
    if preference < -0.15:
        return f"you tend to pass on it ({signed(preference)})"
    return f"no clear leaning yet ({signed(preference)})"


class ProfilePanel(QWidget):
    """The list of regions with their tracks, a description and the steering buttons."""

    region_selected = Signal(int)  # region number, 0 for none
    steer_requested = Signal(str, int)  # action ("more", "less", "clear", "forget"), region
    play_requested = Signal(list)  # track ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile: TasteProfile | None = None
        heading = QLabel("Your taste")
        heading.setObjectName("queueHeading")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Region", "+", "−"])
        header_item = self.tree.headerItem()
        header_item.setToolTip(1, "Evidence for: ratings of 4–5 stars, plays to the end")
        header_item.setToolTip(2, "Evidence against: ratings of 1–2 stars, skips, removals")
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.tree.setColumnWidth(column, 36)
        self.tree.currentItemChanged.connect(lambda *_: self._selection_changed())
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.about = QLabel(HINT)
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setWordWrap(True)
        self.about.setObjectName("regionAbout")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for action, text, tip in (
                ("more", "More", "Pick more from this region"),
                ("less", "Less", "Pick less from this region"),
                ("clear", "Neither", "Neither more nor less of this region any more"),
                ("forget", "Forget…", "Forget what was learned from this region (its plays "
                 "stay in your history)")):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, a=action: self._steer(a))
            self.buttons[action] = button
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.about)
        layout.addLayout(row)

    def show_profile(self, profile: TasteProfile) -> None:
        """Show *profile*, keeping the region selected by number when it is still there."""
        selected = self.selected_region()
        self.profile = profile
        self.tree.clear()
        keep = None
        for region in profile.regions:
            item = QTreeWidgetItem([self._title(region), str(region.evidence.liked),
                                    str(region.evidence.disliked)])
            item.setData(0, _NUMBER, region.number)
            item.setToolTip(0, "")  # tooltips would read tags as markup
            for track in region.judged or region.typical:
                line = f"{track.title} — {track.artist or '?'}"
                child = QTreeWidgetItem([f"{line}: {track.evidence}" if track.evidence
                                         else line])
                child.setData(0, _NUMBER, region.number)
                child.setData(0, _TRACK, track.track_id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            if region.number == selected:
                keep = item
        if keep is not None:
            self.tree.setCurrentItem(keep)
        self._selection_changed()

    def selected_region(self) -> int:
        item = self.tree.currentItem()
        return int(item.data(0, _NUMBER)) if item is not None else 0

    def select_region(self, number: int) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and item.data(0, _NUMBER) == number:
                self.tree.setCurrentItem(item)
                return

    def _title(self, region: ProfileRegion) -> str:
        steer = {"more": "  ▲ more", "less": "  ▼ less"}.get(region.steer or "", "")
        return f"{region.number}. {region.name}  ({len(region.track_ids)}){steer}"

    def _region(self) -> ProfileRegion | None:
        number = self.selected_region()
        if not number or self.profile is None:
            return None
        return self.profile.region(number)

    def _selection_changed(self) -> None:
        region = self._region()
        for button in self.buttons.values():
            button.setEnabled(region is not None)
        if region is None:
            self.about.setText(HINT)
            self.region_selected.emit(0)
            return
        lines = [region.name, f"{len(region.track_ids)} tracks",
                 evidence_text(region.evidence),
                 f"The auto-shuffle's view: {leaning(region.preference)}"]
        if region.steer:
            lines.append(f"You asked for {region.steer} of it.")
        self.about.setText("\n".join(lines))
        self.buttons["clear"].setEnabled(region.steer is not None)
        self.region_selected.emit(region.number)

    def _steer(self, action: str) -> None:
        region = self._region()
        if region is None:
            return
        if action == "forget":
            box = QMessageBox(QMessageBox.Icon.Question, "Forget this region?",
                              f"Forget what Riffle learned from the {len(region.track_ids)} "
                              f"tracks of “{region.name}”? Their plays stay in your history; "
                              "the auto-shuffle learns again from what you do from now on.",
                              QMessageBox.StandardButton.Cancel, self)
            box.setTextFormat(Qt.TextFormat.PlainText)
            forget = box.addButton("Forget", QMessageBox.ButtonRole.DestructiveRole)
            box.exec()
            if box.clickedButton() is not forget:
                return
        self.steer_requested.emit(action, region.number)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        track = item.data(0, _TRACK)
        if track is not None:
            self.play_requested.emit([int(track)])
