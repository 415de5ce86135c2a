# Two commands a newcomer needs: `make process` and `make test`.
# Every target sets up .venv/ first (only when pyproject.toml changed).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
RAW    ?= raw
OUT    ?= processed
WORKERS ?=
FUZZ_SECONDS ?= 60

.PHONY: setup process test lint format eval bench fuzz clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,dask]'
	touch $(STAMP)

process: $(STAMP)
	$(PY) -m pipeline process --raw $(RAW) --out $(OUT) $(if $(WORKERS),--workers $(WORKERS))

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

eval: $(STAMP)
	$(PY) -m evals

# Byte-compile first: where PYTHONDONTWRITEBYTECODE is set, every worker would
# otherwise compile each edited module from source (~35 ms of its start-up).
bench: $(STAMP)
	$(PY) -m compileall -q pipeline bench
	$(PY) -m bench

fuzz: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[fuzz]'
	$(PY) tests/fuzz/fuzz_pipeline.py -max_total_time=$(FUZZ_SECONDS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
