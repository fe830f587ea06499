# The two everyday commands: `make run` starts Riffle, `make test` runs the whole suite.
# Both prepare the machine first (scripts/bootstrap.sh), so they work on a fresh clone.

.PHONY: run test test-fast lint bench bench-corpus install-desktop

run:
	@scripts/bootstrap.sh
	@.venv/bin/python -m ui.desktop_install --exec "$(CURDIR)/.venv/bin/riffle"
	.venv/bin/riffle $(ARGS)

test:
	@scripts/bootstrap.sh --test
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest $(PYTEST_ARGS)

# The suite without the tests marked slow (real playback, process pools, kills): a quick
# check while working; `make test` is the one that counts.
test-fast:
	@scripts/bootstrap.sh --test
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -m "not slow" $(PYTEST_ARGS)

lint:
	@scripts/bootstrap.sh --test
	.venv/bin/ruff check .

# Speed and memory on generated libraries (each script prints its figures).
BENCHMARKS = scan analyze deep seek handover pick ui responsiveness recommender_eval \
	history_import map

bench:
	@scripts/bootstrap.sh
	for b in $(BENCHMARKS); do .venv/bin/python benchmarks/$$b.py || exit 1; done

# Similarity and learning on real recordings: builds the soundtrack corpus first (about
# 1.5 GB of Debian packages and 25 minutes of encoding the first time, cached after).
bench-corpus:
	@scripts/bootstrap.sh
	benchmarks/corpus.sh
	.venv/bin/python benchmarks/similarity.py
	.venv/bin/python benchmarks/listeners.py

# The menu entry and icon alone (make run does this too).
install-desktop:
	@scripts/bootstrap.sh
	.venv/bin/python -m ui.desktop_install --exec "$(CURDIR)/.venv/bin/riffle"
