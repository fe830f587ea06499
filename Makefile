# The two everyday commands: `make run` starts Riffle, `make test` runs the whole suite.
# Both prepare the machine first (scripts/bootstrap.sh), so they work on a fresh clone.

.PHONY: run test lint bench install-desktop

run:
	@scripts/bootstrap.sh
	@.venv/bin/python -m ui.desktop_install --exec "$(CURDIR)/.venv/bin/riffle"
	.venv/bin/riffle $(ARGS)

test:
	@scripts/bootstrap.sh --test
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest $(PYTEST_ARGS)

lint:
	@scripts/bootstrap.sh --test
	.venv/bin/ruff check .

bench:
	@scripts/bootstrap.sh
	for b in benchmarks/*.py; do .venv/bin/python $$b || exit 1; done

# The menu entry and icon alone (make run does this too).
install-desktop:
	@scripts/bootstrap.sh
	.venv/bin/python -m ui.desktop_install --exec "$(CURDIR)/.venv/bin/riffle"
