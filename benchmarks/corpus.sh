#!/usr/bin/env bash
# Build the labelled real-music corpus (game soundtracks from Debian packages): see
# benchmarks/corpus.py for what it does and its options. Needs apt-get and dpkg-deb (no root)
# and the project's .venv (scripts/bootstrap.sh).
#
#   benchmarks/corpus.sh [--out DIR] [--debs DIR] [--jobs N] [--only FOLDER ...]
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in apt-get dpkg-deb; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "corpus.sh needs $tool (Debian or Ubuntu)." >&2
        exit 1
    fi
done
if ! .venv/bin/python -c 'import av, mutagen' >/dev/null 2>&1; then
    echo "corpus.sh needs the project's .venv: run scripts/bootstrap.sh first." >&2
    exit 1
fi
exec .venv/bin/python benchmarks/corpus.py "$@"
