# The two commands of the README: `make run` and `make test`. Everything else is detail.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest neo4j-launcher bench clean

# `make run` needs the runtime only (`pip install -e .`); `make test` adds the dev extras
# (test runners, linters, the browser driver). Each stamp is redone when pyproject.toml changes.
$(VENV)/.runtime: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MarketGraph needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $(VENV)/.runtime

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(VENV)/.dev

## Start the service on the embedded stores, loading the demo data when the graph is empty.
run: $(VENV)/.runtime
	$(BIN)/marketgraph serve --demo-if-empty

## Lint, type-check, and run every test (unit, integration on both graph backends).
test: $(VENV)/.dev lint typecheck neo4j-launcher pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/pytest

## Build the Neo4j 5.26 test-server launcher (Java 17 + Maven); skipped without them.
neo4j-launcher:
	@if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
		scripts/build-neo4j-launcher; \
	else \
		echo "java/mvn not found: Neo4j tests will be skipped (set MARKETGRAPH_NEO4J_URI to use a server)"; \
	fi

## Benchmarks: ingestion rate and campaign-context latency on both backends.
bench: $(VENV)/.dev neo4j-launcher
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache tests/neo4j/target
