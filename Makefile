# Every target sets itself up: a fresh clone needs only python3 (3.11+).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test check lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## the platform with the four services and demo data, on SQLite
	$(VENV)/bin/khidma check services.d
	$(VENV)/bin/khidma run --demo

test: $(STAMP)  ## the whole suite (PostgreSQL tests run when KHIDMA_TEST_DATABASE_URL is set)
	scripts/test

check: $(STAMP)
	$(VENV)/bin/khidma check services.d

lint: $(STAMP)
	$(VENV)/bin/ruff check platform renderer tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench_load.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
