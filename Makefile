# skreddersy: two commands do all set-up on a fresh machine.
#   make run    virtual environment, install, migrate, demo data (once), serve on 127.0.0.1:8000
#   make test   everything the tests need, then the suite on SQLite and on PostgreSQL
#   make bench  the benchmarks (JSON on stdout)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install browser lint fmt migrate seed-national vendor clean

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed --scale demo --seed 1 --if-empty
	$(BIN)/python manage.py demo_logins
	@echo "skreddersy: http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	$(BIN)/gunicorn skreddersy.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) --workers 2 --access-logfile -

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) \
	  || { echo "Could not install chromium: run 'sudo apt-get install chromium' and retry."; exit 1; }; }

test: install browser
	bash scripts/test.sh

bench: install
	$(BIN)/python -m bench

seed-national: migrate
	$(BIN)/python manage.py seed --scale national --seed 1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the vendored front-end files from the npm registry (see docs/decisions/0002).
vendor:
	cd /tmp && npm pack @navikt/ds-css@8.16.2 htmx.org@2.0.11 >/dev/null && \
	  tar xzf navikt-ds-css-8.16.2.tgz -O package/dist/index.min.css > $(CURDIR)/static/vendor/aksel-ds-css-8.16.2.min.css && \
	  tar xzf htmx.org-2.0.11.tgz -O package/dist/htmx.min.js > $(CURDIR)/static/vendor/htmx-2.min.js

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-results
