"""The analysis in two passes: a fast one that makes the library usable, then a deep one.

The fast pass describes every pending track (recommender/features.py: descriptors and the
Gaussian timbre model, about 0.1 s a track); similar tracks and the auto-shuffle work as soon
as it ends. The deep pass then listens closely: musicnn's embedding of every track (about
twice the fast pass's cost), which makes similarity clearly better once it covers the
library. Both resume where a killed run stopped and stop when cancelled; a track's deep
vector replaces nothing until it exists (recommender/index.py serves the fused similarity
only once the deep pass covers as many tracks as the fast one).

Where musicnn's weights are not installed, or the listener turned the deep pass off (the
`analysis.deep` setting), the fast pass serves alone and the run says why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from player.store import Store
from recommender.analysis import (
    AnalysisSummary,
    LibraryAnalyser,
    Progress,
    embed_path,
    prepare_deep_worker,
)
from recommender.layout import MUSICNN, MUSICNN_VERSION

logger = logging.getLogger(__name__)

#: The two passes, as progress and summaries name them.
FAST, DEEP = "fast", "deep"

#: progress(pass name, Progress): where the pass under way stands.
PassProgress = Callable[[str, Progress], None]


@dataclass(slots=True)
class LibraryAnalysis:
    """What a run of both passes did. *deep* is None when the deep pass did not run:
    *deep_off* then says why (None: the fast pass was stopped before it)."""

    fast: AnalysisSummary
    deep: AnalysisSummary | None = None
    deep_off: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.fast.cancelled or (self.deep is not None and self.deep.cancelled)

    def summary(self) -> str:
        """One line for a person: "12 tracks described, 1 could not be analysed; 12
        listened to closely"."""
        said = [f"{self.fast.analysed:,} track{'s' if self.fast.analysed != 1 else ''} "
                "described"]
        if self.fast.failed:
            said.append(f"{self.fast.failed:,} could not be analysed")
        text = ", ".join(said)
        if self.deep is not None and self.deep.total:
            text += f"; {self.deep.analysed:,} listened to closely"
            if self.deep.failed:
                text += f" ({self.deep.failed:,} could not be)"
        return text


def deep_unavailable() -> str | None:
    """Why the deep pass cannot run on this machine, or None (its weights are installed)."""
    from recommender.musicnn_weights import INSTALL_HINT, find_weights

    if find_weights() is None:
        return (f"musicnn's weights are not installed ({INSTALL_HINT}); similarity uses the "
                "fast analysis alone")
    return None


def analyse_library(store: Store, *, workers: int, deep: bool = True,
                    priority: Sequence[int] = (), progress: PassProgress | None = None,
                    cancel: threading.Event | None = None) -> LibraryAnalysis:
    """Run the fast pass over every pending track, then (when *deep* and possible) the
    deep pass; see the module docstring. Raises what LibraryAnalyser.run raises (a
    KeyboardInterrupt after keeping the finished tracks)."""

    def report(name: str) -> Callable[[Progress], None] | None:
        if progress is None:
            return None
        return lambda p: progress(name, p)

    fast = LibraryAnalyser(store, workers=workers).run(
        priority=priority, progress=report(FAST), cancel=cancel)
    if fast.cancelled:
        return LibraryAnalysis(fast)
    if not deep:
        return LibraryAnalysis(fast, deep_off="the deep pass is turned off (analysis.deep)")
    missing = deep_unavailable()
    if missing is not None:
        logger.warning("%s", missing)
        return LibraryAnalysis(fast, deep_off=missing)
    deep_summary = deep_analyser(store, workers=workers).run(
        priority=priority, progress=report(DEEP), cancel=cancel)
    return LibraryAnalysis(fast, deep_summary)


def deep_analyser(store: Store, *, workers: int) -> LibraryAnalyser:
    """The deep pass's analyser: musicnn embeddings of the tracks that have none yet."""
    return LibraryAnalyser(store, workers=workers, kind=MUSICNN, version=MUSICNN_VERSION,
                           analyse=embed_path, initializer=prepare_deep_worker)
