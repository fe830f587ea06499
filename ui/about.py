"""The About box: what Riffle is, and the work of others it is built on, with their
licences (the same credits as the README's)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from player import __version__

#: (what, by whom and under which licence) for each piece of others' work Riffle uses.
CREDITS: tuple[tuple[str, str], ...] = (
    ("musicnn", "Riffle's deep listening runs musicnn's network, by Jordi Pons (Music "
     "Technology Group, Universitat Pompeu Fabra), trained to tag music on the "
     "MagnaTagATune dataset. ISC licence: Copyright (c) Music Technology Group, "
     "Universitat Pompeu Fabra 2019. Code developed by Jordi Pons (www.jordipons.me). "
     "Permission to use, copy, modify, and/or distribute this software for any purpose "
     "with or without fee is hereby granted, provided that the above copyright notice and "
     "this permission notice appear in all copies. Its weights are read from the musicnn "
     "package; Riffle runs the network itself."),
    ("Musly and mutual proximity", "The Gaussian timbre model, its Jensen–Shannon "
     "divergence and mutual proximity against hubs follow the work of Dominik Schnitzer, "
     "Arthur Flexer and others."),
    ("openTSNE", "The taste map is laid out with openTSNE (Pavlin G. Poličar, Martin "
     "Stražar, Blaž Zupan), BSD 3-Clause licence."),
    ("pyqtgraph", "The taste map is drawn with pyqtgraph, MIT licence."),
)


def about_html() -> str:
    """The About box's text."""
    credits = "".join(f"<p><b>{escape(name)}</b>: {escape(text)}</p>"
                      for name, text in CREDITS)
    return (f"<h3>Riffle {escape(__version__)}</h3><p>A music player for the music you "
            "own, with an auto-shuffle that learns what you like. Everything stays on this "
            f"computer.</p><h4>Built on the work of others</h4>{credits}")


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, "About Riffle", about_html())
