# The two commands of the quick start: `make run` and `make test`. Both install what they need
# into .venv first (only when the requirements changed), so a fresh clone needs only python3.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev serve lint format ci bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Install, migrate, load the seed case, make a curator and serve the API and admin.
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_seed seeds/kremenchuk.yaml
	$(BIN)/python manage.py curator_create --username curator --reset-password --url http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/ (HOST and PORT choose where):"
	@echo "  Home:      http://$(HOST):$(PORT)/"
	@echo "  Disputes:  http://$(HOST):$(PORT)/admin/statements/dispute/"
	@echo "  API docs:  http://$(HOST):$(PORT)/api/docs/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Install the test dependencies and run the whole suite (SQLite unless DATABASE_URL is set).
test: install-dev
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ci:
	bash .ci/run

## Benchmarks on the machine's PostgreSQL and Redis (minutes; builds 1M-row corpora once).
bench: install-dev
	bash bench/run_all.sh

clean:
	rm -rf $(VENV) var/db.sqlite3 var/static
