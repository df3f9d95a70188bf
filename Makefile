# The two commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LINTED := src tests $(wildcard bench)

.PHONY: demo test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sibyl demo

# The whole suite runs on the embedded SQLite database; when SIBYL_TEST_DATABASE_URL is set
# (CI sets it to the PostgreSQL server on the machine), the store tests run again on it.
test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/python -m pytest -n auto
	@if [ -n "$$SIBYL_TEST_DATABASE_URL" ]; then \
		echo "Store tests on $$SIBYL_TEST_DATABASE_URL:"; \
		DATABASE_URL="$$SIBYL_TEST_DATABASE_URL" $(BIN)/python -m pytest -n auto tests/store; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

bench: $(STAMP)
	$(BIN)/python bench/settle.py

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache .hypothesis
