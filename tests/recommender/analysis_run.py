"""Runs a library analysis in its own process, for the test that kills one with SIGKILL.

usage: analysis_run.py DB_PATH WORKERS BATCH_SIZE
"""

from __future__ import annotations

import sys

from analysis_helpers import logged_analyse

from player.store import Store
from recommender.analysis import LibraryAnalyser


def main(argv: list[str]) -> int:
    db_path, workers, batch = argv[0], int(argv[1]), int(argv[2])
    store = Store.open(db_path)
    try:
        summary = LibraryAnalyser(store, workers=workers, batch_size=batch,
                                  analyse=logged_analyse).run()
    finally:
        store.close()
    sys.stdout.write(f"analysed {summary.analysed} failed {summary.failed}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
