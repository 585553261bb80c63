# Spiral — everything you need is a target here.
PYTHON ?= python3
NODE   ?= node
NPM    ?= npm
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
LINT_PATHS := engine web forms processes tests bench

.PHONY: run test test-fast e2e demo lint clean setup bench tools

setup: tools $(STAMP) node_modules/.installed

## make tools: say in one sentence what is missing (README, Requirements) before anything is installed
tools:
	@$(PYTHON) -c 'import sys' 2>/dev/null || { echo "Python 3.11+ is missing: install it (Debian: apt-get install python3 python3-venv) or run make PYTHON=/path/to/python3.11." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "$(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())'), Spiral needs 3.11 or later: run make PYTHON=/path/to/python3.11." >&2; exit 1; }
	@test -d $(VENV) || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { echo "Python's venv module is missing: install it (Debian: apt-get install python3-venv)." >&2; exit 1; }
	@command -v $(NODE) >/dev/null 2>&1 || { echo "Node.js is missing (needed for npm ci of bpmn-js and form-js): install Node.js 20 and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	@command -v $(NPM) >/dev/null 2>&1 || { echo "npm is missing (needed for npm ci of bpmn-js and form-js): install it (Debian: apt-get install npm)." >&2; exit 1; }

# Front-end libraries (bpmn-js, form-js) pinned in package.json / package-lock.json; Flask serves them from here.
node_modules/.installed: package.json package-lock.json | tools
	$(NPM) ci --no-audit --no-fund --ignore-scripts
	touch node_modules/.installed

$(STAMP): setup.cfg pyproject.toml | tools
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: set up, create and seed the demo database when empty, serve http://127.0.0.1:5000
## (make run PORT=5001 HOST=0.0.0.0 serves elsewhere)
run: setup
	$(BIN)/spiral init-db
	$(BIN)/spiral demo --if-empty
	$(BIN)/spiral run --host $(HOST) --port $(PORT)

## make demo: set up, create the tables and seed the demo school (refused when the database holds data)
demo: setup
	$(BIN)/spiral init-db
	$(BIN)/spiral demo

## make test: set up, check (make lint) and run the whole suite (engine, processes, web, real browser),
## spread over the machine's cores (pytest-xdist). PostgreSQL tests run against SPIRAL_TEST_POSTGRES_URL, or a
## private server the suite starts where PostgreSQL is installed (tests/postgres_server.py); a database per worker.
PYTEST := $(BIN)/python -m pytest -q -n auto
test: setup lint
	$(PYTEST)

## make lint: ruff, the rooms' import contract (import-linter, setup.cfg), mypy (strict on engine/)
lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/lint-imports
	$(BIN)/mypy engine web forms

## make test-fast: everything but the real-browser tests
test-fast: setup
	$(PYTEST) -m "not e2e"

## make e2e: only the real-browser tests (Debian chromium and fonts-noto-cjk, see README)
e2e: setup
	$(PYTEST) -m e2e

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules

## make bench: benchmarks (not tests) at the small default size; SIZE=large for the figures in bench/README.md
SIZE ?= small
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench --size $(SIZE)
