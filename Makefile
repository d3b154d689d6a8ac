# Netværk: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
POSTGRES_URL ?= postgres://netvaerk:netvaerk@127.0.0.1:5432/netvaerk

.PHONY: run test test-postgres lint format messages clean bench

# Python 3.11 or newer, checked before anything else, in one line instead of a wall of pip errors.
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),run)),)
PYTHON_VERSION := $(shell $(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null)
ifeq ($(shell $(PYTHON) -c 'import sys; print(sys.version_info >= (3, 11))' 2>/dev/null),True)
# A .venv made by another interpreter (or left broken) is made again rather than half-used.
ifneq ($(shell $(BIN)/python -c 'import sys; print(sys.version)' 2>/dev/null),$(shell $(PYTHON) -c 'import sys; print(sys.version)'))
$(shell rm -rf $(VENV))
endif
else
$(error Netværk kræver Python 3.11 eller nyere; $(PYTHON) er $(or $(PYTHON_VERSION),ikke fundet). Sæt fx PYTHON=python3.11)
endif
endif

# The marker is written only after a complete install, so a failed one is simply tried again.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## run: set up the virtualenv, migrate SQLite, load the types and the demo, serve on 127.0.0.1:$(PORT)
## (DEBUG=1 runs email tasks in the web process right after each commit: TASKS_BACKEND=immediate, no worker)
run: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py loaddata network_types
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Demo-brugere (kun til demo): leder, leder2, direktoer, admin — adgangskode: demo"
	@# SITE_URL: the address links in emails and on the calendar page point at (this server's own).
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite on SQLite (or on DATABASE_URL); PostgreSQL-only tests skip with a reason
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run --no-input -v0
	$(BIN)/pytest

## test-postgres: the suite on a local PostgreSQL (started and prepared by .ci/postgres.sh, as root)
test-postgres: $(BIN)/.installed
	bash .ci/postgres.sh >/dev/null
	DATABASE_URL=$(POSTGRES_URL) NO_SKIPS=1 $(MAKE) test

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh and compile the English translation (needs gettext)
messages: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var
	DEBUG=1 $(BIN)/python manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

## screenshots: the main pages with the demo data at desktop and phone width, into docs/screenshots/ (needs /usr/bin/chromium)
.PHONY: screenshots
screenshots: $(BIN)/.installed
	$(BIN)/python -m tests.e2e.screenshots

## audit: bandit on the app's code (no medium or high finding unexplained) and pip-audit on the
## pinned requirements; says loudly what could not be checked (see docs/RELIABILITY.md)
.PHONY: audit
audit: $(BIN)/.installed
	$(BIN)/python .ci/audit.py

## loadtest: 50 users for 60 s against gunicorn + PostgreSQL on loopback, PostgreSQL restarted
## under load, 20 members deciding the same case at once; figures into docs/RELIABILITY.md (root)
.PHONY: loadtest
loadtest: $(BIN)/.installed
	$(BIN)/python -m bench.load

## loadtest-sqlite: 20 users for 10 s against gunicorn + the default SQLite database, then 20
## members deciding the same case at once; zero 5xx; figures into docs/RELIABILITY.md (no root)
.PHONY: loadtest-sqlite
loadtest-sqlite: $(BIN)/.installed
	$(BIN)/python -m bench.load --sqlite

## bench: seed N = 100 and N = 10 000, serve with gunicorn (DEBUG=0, 2 workers) on 127.0.0.1, time
## every main page on SQLite and on PostgreSQL (BENCH_POSTGRES_URL, default the local test server;
## empty to skip); tables into docs/PERFORMANCE.md. BENCH_JOURNEY_SECONDS=10 for a quick run.
bench: $(BIN)/.installed
	BENCH_POSTGRES_URL=$${BENCH_POSTGRES_URL-$(POSTGRES_URL)} $(BIN)/python -m bench.run

## readme-check: the README's API walk-through, pasted as it stands, against a scratch server with the demo
.PHONY: readme-check
readme-check: $(BIN)/.installed
	bash .ci/readme_api.sh

## deploy-check: the production stack from deploy/ on this machine (root, Debian, nginx, openssl,
## PostgreSQL): two gunicorn instances behind nginx over TLS, the worker, an SMTP sink, a journey
## through it; everything torn down afterwards (deploy/check.py)
.PHONY: deploy-check
deploy-check: $(BIN)/.installed
	$(BIN)/python deploy/check.py
