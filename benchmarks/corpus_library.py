"""The corpus as Riffle sees it: scanned and analysed by Riffle's own code into a database
that is kept (OUT/corpus-analysis/), so later runs start in a second.

    library = analysed_corpus(corpus_dir(), Path("benchmarks/out"), workers=1)
    library.db_path, library.labels[track_id], library.analysis  # timing of the analysis

The scan is Riffle's `Scanner` (tags through mutagen, as `riffle scan` reads them), the
analysis Riffle's `LibraryAnalyser` (as `riffle analyze` runs it). A re-run scans again
(stat only: nothing changed) and analyses only what has no current vector; the figures of
the run that analysed the corpus are kept beside the database and reported again.
Labels come from the corpus's manifest, never from tags.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from corpus import labels as corpus_labels  # noqa: E402

from player.library import Scanner  # noqa: E402
from player.store import Store  # noqa: E402
from player.store.features import SOUND  # noqa: E402
from recommender.analysis import LibraryAnalyser  # noqa: E402
from recommender.layout import FEATURE_VERSION, MUSICNN, MUSICNN_VERSION  # noqa: E402
from recommender.passes import DEEP, FAST, deep_analyser, deep_unavailable  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "out"


@dataclass
class AnalysedCorpus:
    """*labels*: track id → soundtrack for every analysed track of the corpus; *analysis*:
    per pass ("fast", "deep"), the figures of the run that analysed it (tracks, seconds,
    workers, cpu_seconds)."""

    db_path: Path
    labels: dict[int, str]
    analysis: dict[str, dict[str, float]]
    failed: list[tuple[str, str]]


def database_path(corpus: Path, out: Path) -> Path:
    key = hashlib.sha1(os.fsencode(corpus.resolve())).hexdigest()[:12]
    return out / "corpus-analysis" / f"corpus-{key}-v{FEATURE_VERSION}.sqlite3"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def analysed_corpus(corpus: Path, out: Path = DEFAULT_OUT, *, workers: int = 1,
                    fresh: bool = False) -> AnalysedCorpus:
    """Scan and analyse *corpus* into its kept database (anew when *fresh*)."""
    by_path = corpus_labels(corpus)
    db_path = database_path(corpus, out)
    timing_path = db_path.with_suffix(".analysis.json")
    if fresh:
        for path in (db_path, timing_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            path.unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(db_path)
    try:
        with store.db.transaction():
            store.roots.add(str(corpus.resolve()))
        scan = Scanner(store).scan([str(corpus.resolve())])
        if scan.added:
            print(f"scanned {corpus}: {scan.summary()} in {scan.seconds:.1f} s", flush=True)
        figures = json.loads(timing_path.read_text()) if timing_path.is_file() else {}
        for name, analyser, kind, version in (
                (FAST, LibraryAnalyser(store, workers=workers), SOUND, FEATURE_VERSION),
                (DEEP, deep_analyser(store, workers=workers), MUSICNN, MUSICNN_VERSION)):
            pending = store.features.count_pending(version, kind=kind)
            if not pending:
                continue
            if name == DEEP and deep_unavailable():
                print(f"not listening closely: {deep_unavailable()}", flush=True)
                continue
            print(f"{name} pass: analysing {pending} tracks in {workers} process(es) …",
                  flush=True)
            cpu = _children_cpu()
            started = time.perf_counter()
            summary = analyser.run()
            run = {"tracks": summary.analysed, "failed": summary.failed,
                   "seconds": round(time.perf_counter() - started, 2), "workers": workers,
                   "cpu_seconds": round(_children_cpu() - cpu, 2),
                   "load_average": round(os.getloadavg()[0], 2)}
            if run["tracks"] >= figures.get(name, {}).get("tracks", 0):
                figures[name] = run
                timing_path.write_text(json.dumps(figures))
        analysis = {name: figures[name] for name in (FAST, DEEP) if name in figures}
        states = store.tracks.file_states()
        served = set(store.features.load_matrix(FEATURE_VERSION).ids.tolist())
        labels = {}
        for path, state in states.items():
            label = by_path.get(str(Path(path).resolve()))
            if label is not None and state.id in served:
                labels[state.id] = label
        failed = [(e.path, e.error) for e in store.features.errors(FEATURE_VERSION)]
    finally:
        store.close()
    missing = len(by_path) - len(labels)
    if missing:
        print(f"note: {missing} corpus files have no vector (see the failures below)")
    return AnalysedCorpus(db_path, labels, analysis, failed)
