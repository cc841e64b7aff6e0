# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-dev migrate demo lint format messages ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: set up, migrate SQLite, load the demo organization when empty, serve on :8000
## (PORT=8101 serves elsewhere; the banner and every e-mail link follow, SITE_URL unless set)
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 CROSSPATHS_PORT=$(PORT) $(BIN)/python manage.py demo --if-empty
	CROSSPATHS_PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

## make test: set up and run the whole test suite (SQLite unless DATABASE_URL is set)
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DEBUG=1 $(BIN)/mypy  # the Django plugin imports the settings (no SECRET_KEY needed)
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install-dev
	cd crosspaths && ../$(BIN)/django-admin makemessages -l de --no-obsolete --ignore 'matching/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages

ci:
	.ci/run

clean:
	rm -rf $(VENV) var
