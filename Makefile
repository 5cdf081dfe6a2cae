# Stegvis: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
PG_TEST_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 5000
# The demo and every make target run as development, said explicitly (an unset STEGVIS_ENV means
# production, which refuses the public development secret); an exported value wins.
STEGVIS_ENV ?= development
STEGVIS_BASE_URL ?= http://$(HOST):$(PORT)
export STEGVIS_ENV STEGVIS_BASE_URL

.PHONY: run test lint test-browser install migrate demo translations extract-strings update-catalogs compile-catalogs assets clean

install: $(VENV)/.installed compile-catalogs assets

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo --if-empty

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# Lint is a gate (ruff is pinned in pyproject.toml). In CI (CI=true) PostgreSQL tests must
# run: start the local server if it is down.
test: install lint
ifeq ($(CI),true)
	pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest -n auto -m "not browser"
else
	$(BIN)/pytest -n auto -m "not browser"
endif

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# The participant pages in Debian's chromium at 360 px, in sv, en and ar, with axe-core.
# Needs `apt-get install chromium` (never `playwright install`); axe-core comes from npm.
test-browser: install build/axe/node_modules/axe-core/axe.min.js
	AXE_CORE_JS=build/axe/node_modules/axe-core/axe.min.js $(BIN)/pytest -m browser tests/browser

build/axe/node_modules/axe-core/axe.min.js:
	npm install --silent --no-audit --no-fund --prefix build/axe axe-core@4.14.1

# Translations: one pipeline for app strings and instrument texts (babel.cfg has the extractor).
# The Swedish instrument texts come from the definitions (`flask instruments sync-sv`).
EXTRACT := $(BIN)/pybabel -q extract -F babel.cfg -c Translators: -k _l -k lazy_pgettext:1c,2 \
	--sort-by-file --add-location=file --project=Stegvis

extract-strings: $(VENV)/.installed
	$(EXTRACT) -o translations/messages.pot .

update-catalogs: extract-strings
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(FLASK) instruments sync-sv translations/sv/LC_MESSAGES/messages.po

compile-catalogs: $(VENV)/.installed
	if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(BIN)/pybabel -q compile -d translations; fi

translations: update-catalogs compile-catalogs

# The slim plotly.js bundle and its CSS (see assets/plotly/build.sh), rebuilt when its recipe changes.
assets: static/vendor/plotly.min.js

static/vendor/plotly.min.js: $(VENV)/.installed assets/plotly/package.json assets/plotly/entry.js assets/plotly/plotly-css.js assets/plotly/build.sh
	PYTHON=$(BIN)/python bash assets/plotly/build.sh

clean:
	rm -rf $(VENV) instance .pytest_cache build static/vendor
