# skreddersy: two commands do all set-up on a fresh machine.
#   make run    virtual environment, install, migrate, demo data (once), serve on 127.0.0.1:8000
#   make test   everything the tests need, then the suite on SQLite and on PostgreSQL
#   make bench  the benchmarks (JSON on stdout)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages for the tests; waits for the package lock when another install is running.
APT := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The local demo's secret key, generated once into an ignored file (an exported
# SKREDDERSY_SECRET_KEY wins), and the opt-outs plain HTTP on 127.0.0.1 needs (docs/deploy.md).
KEY_FILE := var/secret_key
DEMO_ENV = SKREDDERSY_SECRET_KEY="$${SKREDDERSY_SECRET_KEY:-$$(cat $(KEY_FILE))}" SKREDDERSY_INSECURE_COOKIES=1 SKREDDERSY_SSL_REDIRECT=0

.PHONY: run test bench install browser peers lint fmt migrate seed-national vendor clean gettext messages catalogues

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $@

install: $(STAMP) catalogues

# GNU gettext: msgfmt compiles the translation catalogues, xgettext finds the translatable text
# (makemessages, and the test that every string has its English).
gettext:
	@command -v msgfmt >/dev/null && command -v xgettext >/dev/null || { echo "Installing GNU gettext for the translation catalogues"; \
	  ($(APT) update -qq && $(APT) install -y -qq gettext) \
	  || { echo "Could not install gettext: run 'sudo apt-get install gettext' and retry."; exit 1; }; }

# The compiled catalogues (locale/*/LC_MESSAGES/django.mo) are built here from the .po files and
# never committed (.gitignore).
catalogues: gettext
	@for po in locale/*/LC_MESSAGES/django.po; do msgfmt --check-format -o "$${po%.po}.mo" "$$po" || exit 1; done

# Refresh the catalogues from the source after adding or changing text: no source locations, so
# two branches that add strings in different files do not clash on every line number.
messages: $(STAMP) gettext
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemessages -l en -l nn --no-location -i tests -i bench -i scripts -i static -i var -i test-results

$(KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@echo "skreddersy: generated the local demo's secret key in $@"

migrate: install $(KEY_FILE)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

# The web server and the task worker (manage.py worker) side by side; Ctrl-C stops both.
run: migrate catalogues
	$(DEMO_ENV) $(BIN)/python manage.py seed --scale demo --seed 1 --if-empty
	$(DEMO_ENV) $(BIN)/python manage.py demo_logins
	@echo "skreddersy: http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@$(DEMO_ENV) HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian chromium for the browser tests"; \
	  ($(APT) update -qq && $(APT) install -y -qq chromium fonts-dejavu-core) \
	  || { echo "Could not install chromium: run 'sudo apt-get install chromium' and retry."; exit 1; }; }

# GNU PSPP and R (with survey and haven) from Debian for the peer tests (marked `peers`), which
# check the analysis engine against them; the tests fail, not skip, when a peer is missing.
peers:
	@{ command -v pspp >/dev/null && command -v Rscript >/dev/null && \
	   Rscript -e 'suppressMessages({library(survey); library(haven)})' >/dev/null 2>&1; } || \
	  { echo "Installing GNU PSPP and R (survey, haven) from Debian for the peer tests"; \
	  ($(APT) update -qq && $(APT) install -y -qq pspp r-base-core r-cran-survey r-cran-haven) \
	  || { echo "Could not install pspp and R: run 'sudo apt-get install pspp r-base-core r-cran-survey r-cran-haven' and retry."; exit 1; }; }

test: install browser peers catalogues
	bash scripts/test.sh

bench: install
	$(BIN)/python -m bench

seed-national: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed --scale national --seed 1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the vendored front-end files from the npm registry (see docs/decisions/0002).
vendor:
	cd /tmp && npm pack @navikt/ds-css@8.16.2 htmx.org@2.0.11 >/dev/null && \
	  tar xzf navikt-ds-css-8.16.2.tgz -O package/dist/index.min.css > $(CURDIR)/static/vendor/aksel-ds-css-8.16.2.min.css && \
	  tar xzf htmx.org-2.0.11.tgz -O package/dist/htmx.min.js > $(CURDIR)/static/vendor/htmx-2.min.js

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-results  # var/secret_key stays: the demo data's pseudonyms derive from it
