# Manajemen Layanan SPBE. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPBE := $(BIN)/spbe
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_HISTORY ?= 60

.PHONY: help run test test-pg bench lint format install install-test migrate deploy-processes demo worker

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's Chromium; Playwright never downloads a browser.
/usr/bin/chromium:
	apt-get install -y --no-install-recommends chromium || \
		(apt-get update && apt-get install -y --no-install-recommends chromium)

install: $(VENV)/.installed node_modules/.installed  ## create .venv, install the app and its npm assets

install-test: install $(VENV)/.installed-test /usr/bin/chromium  ## install, plus test tools and Chromium

migrate: install  ## apply database migrations
	$(SPBE) db upgrade

deploy-processes: migrate  ## deploy processes/ (idempotent)
	$(SPBE) deploy processes

demo: migrate  ## load the demo kabupaten and users, and DEMO_HISTORY days of past cases (idempotent)
	SPBE_DEMO=1 $(SPBE) demo --history $(DEMO_HISTORY)

run: deploy-processes demo  ## install, migrate, deploy, load demo data, serve on http://127.0.0.1:5000
	SPBE_DEMO=1 $(SPBE) serve --host $(HOST) --port $(PORT)

worker: migrate  ## fire timers in a loop
	$(SPBE) worker

# `$(call phase,NAME,COMMAND)`: run COMMAND and print how long it took.
phase = start=$$(date +%s); $(2); rc=$$?; echo "-- $(1): $$(( $$(date +%s) - start )) s"; exit $$rc
# Two workers on this two-core machine for the whole suite; one process for T=...
PYTEST = $(BIN)/python -m pytest -n $(if $(T),0,auto) --durations=25 $(PYTEST_ARGS)

test:  ## the whole suite (or T=path) on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set
	@$(call phase,install,$(MAKE) --no-print-directory install-test)
	@sqlite=0; pg=0; \
	($(call phase,sqlite,$(PYTEST) $(T))) || sqlite=$$?; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		($(call phase,postgresql,SPBE_TEST_BACKEND=postgresql $(PYTEST) $(T))) || pg=$$?; \
	fi; \
	[ $$sqlite -eq 0 ] && [ $$pg -eq 0 ]

test-pg: install-test  ## the database tests (or T=path) on PostgreSQL: TEST_DATABASE_URL, else the local `test` database
	@$(call phase,postgresql,SPBE_TEST_BACKEND=postgresql \
		TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(PYTEST) $(T))

bench: install-test  ## benchmarks: engine alone vs the app on SQLite (and PostgreSQL with BENCH_DATABASE_URL)
	$(BIN)/python -m bench

lint: install-test  ## ruff check and format check
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

format: install-test  ## format the code
	$(BIN)/ruff format app tests bench
