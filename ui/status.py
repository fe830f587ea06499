"""The status bar's job indicator: what runs in the background, how far, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from ui.plain_text import plain_label, tooltip


class JobStatus(QWidget):
    """'Scanning 1,234 of 5,000 — Artist/Album' with a bar and a Cancel button."""

    cancel_clicked = Signal()
    errors_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = plain_label(QLabel())
        self.label.setMinimumWidth(120)
        self.label.setMaximumWidth(520)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(12)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.setAutoRaise(True)
        self.cancel.clicked.connect(self.cancel_clicked)
        self.errors = QToolButton()
        self.errors.setAutoRaise(True)
        self.errors.setObjectName("errorsButton")
        self.errors.clicked.connect(self.errors_clicked)
        self.errors.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.errors)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.set_idle()

    def show_progress(self, text: str, done: int = 0, total: int = 0) -> None:
        """Show a running job; total 0 means 'how much is left is not known yet'."""
        elided = self.label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle,
                                                     self.label.maximumWidth())
        self.label.setText(elided)
        self.label.setToolTip(tooltip(text))
        self.bar.setRange(0, max(total, 0))
        if total:
            self.bar.setValue(min(done, total))
        for widget in (self.label, self.bar, self.cancel):
            widget.show()

    def set_idle(self, text: str = "") -> None:
        self.label.setText(text)
        self.label.setVisible(bool(text))
        self.bar.hide()
        self.cancel.hide()

    def set_error_count(self, count: int) -> None:
        """Offer the list of files that failed ('3 problems'); hidden at 0."""
        self.errors.setText(f"⚠ {count:,} problem{'s' if count != 1 else ''}")
        self.errors.setToolTip("Show the files Riffle could not read or play, and why")
        self.errors.setVisible(count > 0)
