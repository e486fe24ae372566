# Switchyard: `make run` starts the demo, `make test` runs the whole suite.
# Both set everything up first (virtualenv, Python packages, GraphiQL's npm bundles).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
ASSETS := assets/node_modules/.package-lock.json

.PHONY: run test check lint types unit e2e install assets system-deps apt bench clean

run: install ## set up and start the demo shop + gateway (GraphiQL on :8000)
	$(BIN)/switchyard demo

test: install system-deps lint types ## set up and run the whole suite
	$(BIN)/pytest -q

check: install lint types unit ## the fast checks to run before each commit

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy .

unit: install
	$(BIN)/pytest -q -m "not e2e"

e2e: install system-deps
	$(BIN)/pytest -q -m e2e

bench: install system-deps ## every benchmark in bench/ (bounded; about ten minutes)
	$(BIN)/python bench/batching.py
	$(BIN)/python bench/auth.py
	$(BIN)/python bench/limits.py
	$(BIN)/python bench/metering.py
	$(BIN)/python bench/tracing.py

install: $(STAMP) $(ASSETS)

$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || $(MAKE) --no-print-directory apt PACKAGES=python3-venv
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

assets: $(ASSETS)

$(ASSETS): assets/package.json assets/package-lock.json
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt PACKAGES="nodejs npm"
	npm ci --prefix assets --no-audit --no-fund --loglevel=error
	touch $@

# Installs Debian packages when run as root; otherwise says which command to run.
apt:
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PACKAGES); \
	else echo "missing system packages: run  sudo apt-get install -y $(PACKAGES)"; exit 1; fi

# Chromium (browser tests) and redis-server (shared-store tests) come from Debian.
# Outside CI, a developer without root may go on: those tests then skip, saying why.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  $(MAKE) --no-print-directory apt PACKAGES="$$missing" || [ "$$CI" != true ]; \
	fi

clean:
	rm -rf $(VENV) assets/node_modules .pytest_cache .mypy_cache .ruff_cache
