# Spiral — everything you need is a target here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast e2e demo lint clean setup bench

setup: $(STAMP) node_modules/.installed

# Front-end libraries (bpmn-js, form-js) pinned in package.json / package-lock.json; Flask serves them from here.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch node_modules/.installed

$(STAMP): setup.cfg pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## make run: set up, create and seed the demo database when empty, serve http://127.0.0.1:5000
run: setup
	$(BIN)/spiral init-db
	$(BIN)/spiral demo --if-empty
	$(BIN)/spiral run

## make test: set up and run the whole suite (engine, processes, web, real browser)
test: setup
	$(BIN)/ruff check engine web forms tests bench
	$(BIN)/python -m pytest -q

## make lint: ruff, then mypy (strict on engine/; settings in setup.cfg)
lint: setup
	$(BIN)/ruff check engine web forms tests bench
	$(BIN)/mypy engine web forms

test-fast: setup
	$(BIN)/python -m pytest -q -m "not e2e"

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules

## make bench: benchmarks (not tests) at the small default size; SIZE=large for the figures in bench/README.md
SIZE ?= small
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m bench --size $(SIZE)
