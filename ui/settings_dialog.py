"""The settings dialog: library folders, ReplayGain, sound output, the shuffle's memory,
analysis workers, ratings in the files' tags, desktop notifications and the tray.

It edits copies: the caller reads `roots()` and `values()` after the dialog is accepted and
has them written (through the window's single database writer).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from player import settings as s
from player.backend import AudioOutput

_REPLAYGAIN = [("track", "Track: every track at the same loudness"),
               ("album", "Album: keep loudness differences within an album"),
               ("off", "Off")]


class SettingsDialog(QDialog):
    """Edit the library folders and the settings a person is likely to change."""

    def __init__(self, roots: list[str], values: dict[s.Setting[Any], Any],
                 parent: QWidget | None = None, outputs: Sequence[AudioOutput] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Riffle settings")
        self.setMinimumWidth(520)

        self.folders = QListWidget()
        self.folders.addItems(roots)
        self.folders.setAccessibleName("Library folders")
        add = QPushButton("Add…")
        add.clicked.connect(self._add)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        folder_buttons = QVBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folders, 1)
        folder_row.addLayout(folder_buttons)
        library = QGroupBox("Library folders")
        library.setLayout(folder_row)

        self.replaygain = QComboBox()
        for key, label in _REPLAYGAIN:
            self.replaygain.addItem(label, key)
        self.replaygain.setCurrentIndex(
            max(0, self.replaygain.findData(values.get(s.REPLAYGAIN_MODE, "track"))))
        playback = QGroupBox("Playback")
        playback_form = QFormLayout(playback)
        playback_form.addRow("ReplayGain", self.replaygain)
        self.output = QComboBox()
        self.output.setAccessibleName("Sound output")
        self.output.addItem("Automatic", ("", ""))
        for out in outputs:
            self.output.addItem(out.description, (out.name, ""))
            for device, label in out.devices:
                self.output.addItem(f"    {label}", (out.name, device))
        chosen = (values.get(s.AUDIO_OUTPUT, ""), values.get(s.AUDIO_DEVICE, ""))
        for index in range(self.output.count()):
            if tuple(self.output.itemData(index)) == chosen:
                self.output.setCurrentIndex(index)
        playback_form.addRow("Sound output", self.output)

        self.recent_plays = self._int_spin(s.RECENT_PLAYS, values, suffix=" plays")
        self.recent_hours = QDoubleSpinBox()
        self.recent_hours.setRange(s.RECENT_HOURS.minimum or 0.0,
                                   s.RECENT_HOURS.maximum or 8760.0)
        self.recent_hours.setDecimals(1)
        self.recent_hours.setSuffix(" hours")
        self.recent_hours.setValue(float(values.get(s.RECENT_HOURS, s.RECENT_HOURS.default)))
        self.ahead = self._int_spin(s.AUTO_AHEAD, values, suffix=" tracks")
        shuffle = QGroupBox("Auto-shuffle")
        shuffle_form = QFormLayout(shuffle)
        shuffle_form.addRow("Never repeat the last", self.recent_plays)
        shuffle_form.addRow("nor anything played in the last", self.recent_hours)
        shuffle_form.addRow("Keep ahead in the queue", self.ahead)

        self.workers = self._int_spin(s.ANALYSIS_WORKERS, values, suffix=" processes")
        self.workers.setSpecialValueText(f"One per core ({os.cpu_count() or 1})")
        analysis = QGroupBox("Listening to new tracks")
        analysis_form = QFormLayout(analysis)
        analysis_form.addRow("Analysis workers", self.workers)
        self.deep = QCheckBox("Listen closely after the first pass (musicnn's network: "
                              "better similar tracks, about twice the time)")
        self.deep.setChecked(bool(values.get(s.DEEP_ANALYSIS, s.DEEP_ANALYSIS.default)))
        analysis_form.addRow(self.deep)

        self.notify = QCheckBox("Show a notification when a track starts")
        self.notify.setChecked(bool(values.get(s.NOTIFY, s.NOTIFY.default)))
        self.close_to_tray = QCheckBox("Closing the window keeps playing in the tray")
        self.close_to_tray.setChecked(bool(values.get(s.CLOSE_TO_TRAY,
                                                      s.CLOSE_TO_TRAY.default)))
        self.ratings_in_tags = QCheckBox("Also write ratings into the music files, so other "
                                         "players see them")
        self.ratings_in_tags.setToolTip("ID3 POPM and FMPS_Rating, Vorbis FMPS_RATING and "
                                        "RATING, MP4, APE and WMA ratings; no other tag is "
                                        "changed")
        self.ratings_in_tags.setChecked(bool(values.get(s.RATINGS_IN_TAGS,
                                                        s.RATINGS_IN_TAGS.default)))
        ratings = QGroupBox("Ratings")
        QVBoxLayout(ratings).addWidget(self.ratings_in_tags)

        desktop = QGroupBox("Desktop")
        desktop_column = QVBoxLayout(desktop)
        desktop_column.addWidget(self.notify)
        desktop_column.addWidget(self.close_to_tray)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for group in (library, playback, shuffle, analysis, ratings, desktop):
            layout.addWidget(group)
        layout.addWidget(buttons)

    def roots(self) -> list[str]:
        return [self.folders.item(i).text() for i in range(self.folders.count())]

    def values(self) -> dict[s.Setting[Any], Any]:
        """The settings as edited, each already valid for its Setting."""
        return {
            s.REPLAYGAIN_MODE: self.replaygain.currentData(),
            s.RECENT_PLAYS: self.recent_plays.value(),
            s.RECENT_HOURS: self.recent_hours.value(),
            s.AUTO_AHEAD: self.ahead.value(),
            s.ANALYSIS_WORKERS: self.workers.value(),
            s.DEEP_ANALYSIS: self.deep.isChecked(),
            s.AUDIO_OUTPUT: self.output.currentData()[0],
            s.AUDIO_DEVICE: self.output.currentData()[1],
            s.NOTIFY: self.notify.isChecked(),
            s.CLOSE_TO_TRAY: self.close_to_tray.isChecked(),
            s.RATINGS_IN_TAGS: self.ratings_in_tags.isChecked(),
        }

    def add_folder(self, path: str) -> None:
        path = os.path.abspath(os.path.expanduser(path))
        if path not in self.roots():
            self.folders.addItem(path)

    @staticmethod
    def _int_spin(setting: s.Setting[Any], values: dict[s.Setting[Any], Any],
                  suffix: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(int(setting.minimum or 0), int(setting.maximum or 10**6))
        spin.setSuffix(suffix)
        spin.setValue(int(values.get(setting, setting.default)))
        return spin

    def _add(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add a music folder",
                                                os.path.expanduser("~"))
        if path:
            self.add_folder(path)

    def _remove(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))
