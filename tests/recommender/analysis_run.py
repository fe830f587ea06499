"""Runs a library analysis in its own process, for the tests that kill or interrupt one.

usage: analysis_run.py DB_PATH WORKERS BATCH_SIZE [GRACE_SECONDS]

Files named stuck* hang their worker (analysis_helpers.stuck_analyse). Signals work as in
`riffle analyze`: a first Ctrl-C lets the files under way finish for GRACE_SECONDS, a
second one or SIGTERM stops at once.
"""

from __future__ import annotations

import sys

from analysis_helpers import stuck_analyse

from player.store import Store
from recommender.analysis import LibraryAnalyser
from recommender.analysis_pool import stop_signals


def main(argv: list[str]) -> int:
    db_path, workers, batch = argv[0], int(argv[1]), int(argv[2])
    grace = float(argv[3]) if len(argv) > 3 else 5.0
    store = Store.open(db_path)
    try:
        with stop_signals(lambda: print("finishing", flush=True)):
            summary = LibraryAnalyser(store, workers=workers, batch_size=batch,
                                      grace_seconds=grace, analyse=stuck_analyse).run()
    except KeyboardInterrupt as exc:
        print(f"stopped by {type(exc).__name__}", flush=True)
        return 130
    finally:
        store.close()
    sys.stdout.write(f"analysed {summary.analysed} failed {summary.failed}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
