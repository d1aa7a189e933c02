# Saferhub: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STATIC := build/static
export SAFERHUB_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000
export SAFERHUB_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-fast lint bench install assets system-packages demo clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $$(scripts/find-python) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

assets: $(STATIC)/.built

$(STATIC)/.built: package.json package-lock.json $(wildcard static_src/scss/*.scss static_src/js/*)
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(STATIC)/govuk $(STATIC)/js $(STATIC)/css
	npm run --silent build:css
	cp -R node_modules/govuk-frontend/dist/govuk/assets $(STATIC)/govuk/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/govuk/
	cp static_src/js/*.mjs $(STATIC)/js/
	@touch $@

system-packages:
	@scripts/ensure-system-packages

demo: install assets
	@mkdir -p $(SAFERHUB_DATA_DIR)/staticfiles
	$(BIN)/saferhub migrate --no-input -v 0
	$(BIN)/saferhub load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (task worker running alongside). Ctrl-C stops both."
	@trap 'kill 0' EXIT; \
	  $(BIN)/saferhub db_worker --no-startup-delay & \
	  $(BIN)/saferhub runserver $(HOST):$(PORT)

# pytest-xdist workers, one a core of the 2-core machines we run on; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

test: install assets system-packages
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy config saferhub tests benchmarks conftest.py
	$(BIN)/lint-imports

bench: install assets
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,bench]'
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules build
