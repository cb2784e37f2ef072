# LakePilot — every target creates/updates the project virtualenv itself.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test test-fast test-e2e bench lint venv clean-state

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## run: bring the whole local product up (simulated workspace, emulator, mail, Airflow UI)
run: venv
	$(BIN)/lakepilot up

## test: everything CI runs (unit, evals, end-to-end on real Airflow)
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-fast: skip the slow/e2e sets while developing
test-fast: venv
	$(BIN)/python -m pytest -m "not e2e and not slow" $(PYTEST_ARGS)

test-e2e: venv
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

## bench: every benchmark; prints a table and writes bench/results.json
bench: venv
	$(BIN)/python -m bench.run

lint: venv
	$(BIN)/ruff check dags plugins include agents cli tests bench

clean-state:
	rm -rf .lakepilot .airflow
