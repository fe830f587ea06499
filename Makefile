# The two everyday commands: `make run` starts Riffle, `make test` runs the whole suite.
# Both prepare the machine first (scripts/bootstrap.sh), so they work on a fresh clone.

.PHONY: run test test-fast lint bench

run:
	@scripts/bootstrap.sh
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

bench:
	@scripts/bootstrap.sh
	for b in benchmarks/*.py; do .venv/bin/python $$b || exit 1; done
