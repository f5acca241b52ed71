# Weerbaar — the two commands a newcomer needs: `make demo` and `make test`.
# `make install` is their shared, idempotent set-up step (quick when nothing changed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_PY := $(VENV)/.installed
STAMP_JS := node_modules/.installed

.PHONY: install demo test test-sqlite test-postgres lint bench browser clean

install: $(STAMP_PY) $(STAMP_JS)

$(STAMP_PY): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

$(STAMP_JS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: install
	$(BIN)/weerbaar demo

# The whole suite: SQLite always, PostgreSQL when reachable (CI requires it), and the
# browser tests in Debian's Chromium.
test: install browser
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run.py

browser:
	@bash scripts/ensure-chromium.sh

clean:
	rm -rf $(VENV) node_modules data
