# bmt — two commands: `make run` and `make test`. Both set themselves up.
PY      ?= python3.11
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEBS    := libharfbuzz-subset0 poppler-utils
E2E_DEBS := chromium

.PHONY: run test venv debs debs-e2e lint clean bench

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "bmt needs Python 3.11 ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian packages: WeasyPrint's HarfBuzz subsetter and pdftotext. Installed only when missing and when we may.
debs:
	@bash scripts/ensure-debs.sh $(DEBS)

debs-e2e:
	@bash scripts/ensure-debs.sh $(E2E_DEBS)

run: venv debs
	$(BIN)/bmt db upgrade
	$(BIN)/bmt demo --if-empty
	$(BIN)/bmt serve --host 127.0.0.1 --port 8000

test: venv debs debs-e2e
	$(BIN)/lint-imports
	$(BIN)/ruff check bmt tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check bmt tests benchmarks

# The teller benchmark needs wrk (Debian) to drive HTTP; the others need only PostgreSQL.
bench: venv
	@bash scripts/ensure-debs.sh wrk
	$(BIN)/python benchmarks/bench_teller.py

clean:
	rm -rf $(VENV) .pytest_cache bmt.sqlite3*
