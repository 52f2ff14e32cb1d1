# MentorHub: `make run` sets everything up and serves the pilot; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := mentorhub.wsgi

.PHONY: run run-scaled test setup venv vendor translations db demo lint format chromium nginx \
        test-unit test-integration test-browser test-postgres messages clean

## run: set up (venv, npm, translations, database, demo data) and serve on http://127.0.0.1:5000
# One gevent WebSocket worker with the GC tuned for many connections: mentorhub/gunicorn_conf.py,
# the settings every start shares. gunicorn sets TCP_NODELAY on its listening socket, and Linux
# passes it on to every accepted connection.
run: setup db demo
	@echo ""
	@echo "MentorHub is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@$(BIN)/flask mentorhub demo-logins
	@echo ""
	SOCKETIO_ASYNC_MODE=gevent $(BIN)/gunicorn --config mentorhub/gunicorn_conf.py \
		--bind $(HOST):$(PORT) --access-logfile - mentorhub.wsgi:app

## run-scaled: PostgreSQL, Redis, WORKERS (2) gunicorn workers and nginx in front on
## http://127.0.0.1:8080 (PORT=...), all on loopback; Ctrl+C stops all of it (mentorhub/scaled.py)
SCALED_PORT := $(if $(filter environment command line,$(origin PORT)),$(PORT),8080)
run-scaled: setup nginx
	PORT=$(SCALED_PORT) WORKERS=$${WORKERS:-2} $(BIN)/python -m mentorhub.scaled

## test: set up what the tests need, then lint and every tier (unit, integration, security, browser)
test: setup chromium nginx lint
	$(BIN)/pytest -q -p no:cacheprovider

setup: venv vendor translations

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

vendor: static/vendor/.built
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
static/vendor/.built: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/katex
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js static/vendor/
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js.map static/vendor/ 2>/dev/null || true
	cp -r node_modules/katex/dist/katex.min.css node_modules/katex/dist/katex.mjs \
		node_modules/katex/dist/fonts static/vendor/katex/
	cp node_modules/katex/dist/contrib/auto-render.mjs static/vendor/katex/ 2>/dev/null || true
	touch $@

translations: venv
	$(BIN)/pybabel compile -d mentorhub/translations

## messages: extract new strings and merge them into the sv and en catalogues
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--omit-header -o mentorhub/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i mentorhub/translations/messages.pot \
		-d mentorhub/translations

db: setup
	@mkdir -p instance
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask mentorhub seed-demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Browser tests use Debian's Chromium: Playwright cannot download browsers here.
chromium:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# nginx in front of the scaled-out workers (make run-scaled, tests/integration/test_scaled_out.py).
# On a machine with systemd, Debian's package also starts its own nginx service on port 80.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx for the scaled-out start"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

test-unit: setup
	$(BIN)/pytest -q tests/unit
test-integration: setup nginx
	$(BIN)/pytest -q tests/integration tests/security
test-browser: setup chromium
	$(BIN)/pytest -q tests/browser

## test-postgres: every tier again on PostgreSQL (browser tests too), in a throwaway database
test-postgres: setup chromium nginx
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres} \
		$(BIN)/pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) node_modules static/vendor mentorhub.egg-info
