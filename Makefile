# The two commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LINTED := src tests $(wildcard bench)

.PHONY: demo serve test lint format bench translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sibyl demo

# The web application on the demo's store (after `make demo`): http://localhost:8000/
serve: $(STAMP)
	$(BIN)/sibyl serve

# The whole suite runs on the embedded SQLite database (the end-to-end tests drive Debian's
# Chromium, /usr/bin/chromium, against `sibyl serve`); when SIBYL_TEST_DATABASE_URL is set (CI
# sets it to the PostgreSQL server on the machine), the store and web tests run again on it.
test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/python -m pytest -n auto
	@if [ -n "$$SIBYL_TEST_DATABASE_URL" ]; then \
		echo "Store and web tests on $$SIBYL_TEST_DATABASE_URL:"; \
		DATABASE_URL="$$SIBYL_TEST_DATABASE_URL" $(BIN)/python -m pytest -n auto tests/store tests/web; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)

format: $(STAMP)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix $(LINTED)

# After changing the pages' texts: new messages into the catalogues, then compile them.
translations: $(STAMP)
	$(BIN)/python -m sibyl.web.translations update
	$(BIN)/python -m sibyl.web.translations compile

bench: $(STAMP)
	$(BIN)/python bench/settle.py

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache .hypothesis
