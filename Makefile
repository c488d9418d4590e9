# The two commands of the README: `make run` and `make test`. Everything else is detail.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest neo4j-launcher bench clean

$(BIN)/marketgraph $(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MarketGraph needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed

## Start the service on the embedded stores, loading the demo data when the graph is empty.
run: $(VENV)/.installed
	$(BIN)/marketgraph serve --demo-if-empty

## Lint, type-check, and run every test (unit, integration on both graph backends).
test: $(VENV)/.installed lint typecheck neo4j-launcher pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed
	$(BIN)/pytest

## Build the Neo4j 5.26 test-server launcher (Java 17 + Maven); skipped without them.
neo4j-launcher:
	@if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then \
		scripts/build-neo4j-launcher; \
	else \
		echo "java/mvn not found: Neo4j tests will be skipped (set MARKETGRAPH_NEO4J_URI to use a server)"; \
	fi

## Benchmarks: ingestion rate and campaign-context latency on both backends.
bench: $(VENV)/.installed neo4j-launcher
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache tests/neo4j/target
