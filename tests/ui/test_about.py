"""The About box credits the work Riffle is built on, as the README does."""

from __future__ import annotations

from pathlib import Path

from ui.about import CREDITS, about_html

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_credit_is_in_the_about_box_and_the_readme() -> None:
    html = about_html()
    readme = README.read_text(encoding="utf-8")
    for name in ("musicnn", "MagnaTagATune", "ISC licence", "Jordi Pons", "openTSNE",
                 "pyqtgraph", "Musly"):
        assert name in html, name
        assert name in readme, name
    assert len(CREDITS) == 4
