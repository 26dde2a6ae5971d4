# Credo: `make run` starts the whole portal with no servers to install; `make test` checks it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
CREDO_SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint format bench audit lock clean help

help:
	@echo "make run    - install, migrate, load demo data and start web + worker + beat on :$(PORT)"
	@echo "make test   - install dev tools, run ruff and the whole test suite"
	@echo "make bench  - run every benchmark in bench/ (starts throw-away PostgreSQL/Redis if needed)"
	@echo "make audit  - pip-audit the locked dependencies (needs a vulnerability service)"

$(BIN)/.base-installed: requirements/base.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/base.txt
	touch $@

$(BIN)/.dev-installed: requirements/dev.txt $(BIN)/.base-installed
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

run: export DJANGO_SETTINGS_MODULE = config.settings.local
run: export CREDO_SITE_URL := $(CREDO_SITE_URL)
run: $(BIN)/.base-installed
	@mkdir -p var/mail
	$(BIN)/python manage.py signing_demo_keys
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Credo is starting on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	@echo "  Emails are written to var/mail/*.eml; open them with any mail program."
	@echo ""
	$(BIN)/honcho start --port $(PORT) --procfile Procfile

lint: $(BIN)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: $(BIN)/.dev-installed lint
	$(BIN)/mypy */services.py */services/*.py */selectors.py $(filter-out core/admin.py,$(wildcard core/*.py))
	$(BIN)/bandit -q -r core outbox accounts config programs modules practicums signing certificates recertification insight -x "*/tests/*,*/migrations/*"
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(BIN)/.dev-installed
	bash scripts/bench.sh

audit: $(BIN)/.dev-installed
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit -r requirements/base.txt

lock:
	rm -rf /tmp/credo-lock && $(PYTHON) -m venv /tmp/credo-lock
	/tmp/credo-lock/bin/pip install --quiet -r requirements/base.in
	(echo "# Pinned runtime lock generated from requirements/base.in (make lock). No index address on purpose."; \
	  /tmp/credo-lock/bin/pip freeze --exclude pip | LC_ALL=C sort) > requirements/base.txt
	/tmp/credo-lock/bin/pip freeze --exclude pip | LC_ALL=C sort > /tmp/credo-lock/base.freeze
	/tmp/credo-lock/bin/pip install --quiet -r requirements/dev.in
	(echo "# Pinned dev/test lock on top of base.txt (make lock). No index address on purpose."; echo "-r base.txt"; \
	  /tmp/credo-lock/bin/pip freeze --exclude pip | LC_ALL=C sort | comm -13 /tmp/credo-lock/base.freeze -) > requirements/dev.txt

clean:
	rm -rf var/cache var/broker var/celerybeat-schedule* .pytest_cache
