"""A track's file properties: its tags, how it is encoded, where it lives, and its history
(every rating it was given and every time it played).

What the dialog shows is read off the GUI thread (`read_properties`, through
BackgroundWork.read); every text from the file is shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from player.formatting import (
    bitrate,
    cannot_play,
    duration,
    format_name,
    moment,
    path_text,
    sample_rate,
    star_bar,
)
from player.models import UNKNOWN_ARTIST, PlayOutcome, Track
from player.store import Store
from player.store.plays import Play
from player.store.ratings import RatingChange
from ui.plain_text import plain_label

#: How a play ended, as the history tab says it.
OUTCOMES = {
    PlayOutcome.COMPLETED: "played to the end", PlayOutcome.SKIPPED: "skipped",
    PlayOutcome.STOPPED: "stopped", PlayOutcome.ERROR: "could not be played",
}
SOURCES = {"user": "you", "auto": "auto-shuffle", "import": "imported"}


@dataclass(frozen=True)
class FileProperties:
    """A track with its rating history (oldest first) and its plays (newest first)."""

    track: Track
    ratings: list[RatingChange]
    plays: list[Play]


def read_properties(store: Store, track_id: int) -> FileProperties:
    """Everything the dialog shows of one track. Raises TrackNotFoundError when the track
    is gone."""
    track = store.tracks.get(track_id)
    plays = store.plays.for_track(track_id)
    plays.reverse()
    return FileProperties(track, store.ratings.history(track_id), plays)


def _numbered(number: int | None, total: int | None) -> str:
    if not number:
        return ""
    return f"{number} of {total}" if total else str(number)


def _channels(count: int | None) -> str:
    return {None: "", 1: "mono", 2: "stereo"}.get(count, f"{count} channels")


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"


def _gain(gain: float | None, peak: float | None) -> str:
    if gain is None:
        return ""
    return f"{gain:+.2f} dB" + (f" (peak {peak:.3f})" if peak is not None else "")


def file_rows(track: Track) -> list[tuple[str, str]]:
    """(label, value) of everything known about the file, the empty ones left out."""
    rows = [
        ("Title", track.display_title), ("Artist", track.artist or UNKNOWN_ARTIST),
        ("Album", track.album or ""), ("Album artist", track.albumartist or ""),
        ("Genre", track.genre or ""), ("Year", str(track.year or "")),
        ("Track", _numbered(track.track_number, track.track_total)),
        ("Disc", _numbered(track.disc_number, track.disc_total)),
        ("Length", duration(track.duration)), ("Format", format_name(track.codec)),
        ("Bitrate", bitrate(track.bitrate)), ("Sample rate", sample_rate(track.sample_rate)),
        ("Channels", _channels(track.channels)),
        ("Track gain", _gain(track.rg_track_gain, track.rg_track_peak)),
        ("Album gain", _gain(track.rg_album_gain, track.rg_album_peak)),
        ("Rating", star_bar(track.rating, "not rated")),
        ("Rating in the tags", star_bar(track.tag_rating)),
        ("Plays", f"{track.play_count} ({track.skip_count} skipped)"),
        ("Last played", moment(track.last_played)), ("Added", moment(track.added_at)),
        ("Size", _size(track.size) if track.size else ""), ("File", path_text(track.path)),
    ]
    if track.missing_since is not None:
        rows.append(("Missing since", moment(track.missing_since)))
    if track.scan_error:
        rows.append(("Problem", track.scan_error))
    elif track.play_error:
        rows.append(("Problem", cannot_play(track.play_error)))
    return [(label, value) for label, value in rows if value]


class PropertiesDialog(QDialog):
    """Tabs: the file (tags and stream), its ratings, its plays."""

    def __init__(self, props: FileProperties, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        track = props.track
        self.setWindowTitle(f"Properties of “{track.display_title}”")
        self.resize(640, 560)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._file_tab(track), "File")
        self.ratings = self._table(["When", "Stars", "By"], [
            (moment(r.rated_at), star_bar(r.stars, "cleared"), SOURCES.get(r.source, r.source))
            for r in reversed(props.ratings)])
        self.tabs.addTab(self.ratings, f"Rating history ({len(props.ratings)})")
        self.plays = self._table(["Started", "Heard", "How it ended", "Chosen by"], [
            (moment(p.started_at),
             f"{duration(p.listened, '0:00')} of {duration(p.duration, '?')}",
             OUTCOMES.get(p.outcome, "") if p.outcome is not None else "playing now",
             SOURCES.get(str(p.source), str(p.source))) for p in props.plays])
        self.tabs.addTab(self.plays, f"Play history ({len(props.plays)})")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def _file_tab(self, track: Track) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for label, value in file_rows(track):
            shown = plain_label(QLabel(value))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = shown
            form.addRow(plain_label(QLabel(f"{label}:")), shown)
        return page

    @staticmethod
    def _table(headings: list[str], rows: list[tuple[str, ...]]) -> QTableWidget:
        table = QTableWidget(len(rows), len(headings))
        table.setHorizontalHeaderLabels(headings)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table
