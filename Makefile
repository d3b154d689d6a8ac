# Netværk: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
POSTGRES_URL ?= postgres://netvaerk:netvaerk@127.0.0.1:5432/netvaerk

.PHONY: run test test-postgres lint format messages clean

# XStatic-Bootstrap builds from source with setuptools < 81 (see build-constraints.txt).
$(BIN)/.installed: requirements.txt requirements-dev.txt build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	PIP_CONSTRAINT=build-constraints.txt $(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## run: set up the virtualenv, migrate SQLite, load the types and the demo, serve on 127.0.0.1:$(PORT)
run: $(BIN)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py loaddata network_types demo
	@echo "Demo-brugere (kun til demo): leder, leder2, direktoer, admin — adgangskode: demo"
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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
