"""How long a second `riffle FILE` takes to hand its file to a running Riffle and exit.

    .venv/bin/python benchmarks/handover.py [--runs 10]

Starts a listener exactly as the window runs it (ui/single_instance.InstanceServer in a Qt
event loop of its own process) on a temporary library, then times `riffle --db DB FILE`
(python main.py) from start to exit, --runs times. Prints the median and the slowest.
The window must answer within 2 s; the test suite only checks that it does at all.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LISTENER = """
import sys
from PySide6.QtCore import QCoreApplication
from ui.single_instance import InstanceServer
app = QCoreApplication([])
server = InstanceServer(sys.argv[1])
assert server.listen()
server.requested.connect(lambda r: None)
print("ready", flush=True)
app.exec()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="riffle-handover-") as tmp:
        os.environ["XDG_RUNTIME_DIR"] = tmp  # where the socket goes, for all three
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        sys.path.insert(0, str(ROOT))
        from ui.handover import socket_path

        db = Path(tmp) / "library.sqlite3"
        song = Path(tmp) / "song.mp3"
        song.write_bytes(b"")
        listener = subprocess.Popen([sys.executable, "-c", LISTENER, socket_path(db)],
                                    cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert listener.stdout is not None and listener.stdout.readline().strip() == "ready"
        times = []
        try:
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db),
                                str(song)], cwd=ROOT, env=env, check=True, timeout=30)
                times.append(time.perf_counter() - started)
        finally:
            listener.terminate()
            listener.wait(timeout=10)
    print(f"hand-over and exit: median {statistics.median(times):.2f} s, "
          f"slowest {max(times):.2f} s over {len(times)} runs (aim: under 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
