# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest clean browser-deps
APT := apt-get -o DPkg::Lock::Timeout=600
NPM_STAMP := tests/browser/node_modules/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/dcatgen build data -o out

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP_TEST)
	$(BIN)/mypy src

pytest: $(STAMP_TEST)
	$(BIN)/pytest -q

test: lint typecheck pytest

# What tests/test_browser.py needs besides the venv: Debian's Chromium (no browser download),
# Java for the Nu HTML checker, and the npm packages pinned in tests/browser/package-lock.json
# (axe-core, vnu-jar) in tests/browser/node_modules.  Needs root for apt; CI runs it first.
browser-deps: $(STAMP_TEST) $(NPM_STAMP)
	@command -v chromium >/dev/null || { $(APT) update && $(APT) install -y chromium chromium-driver fonts-dejavu-core; }
	@command -v java >/dev/null || { $(APT) update && $(APT) install -y openjdk-17-jre-headless; }

$(NPM_STAMP): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache tests/browser/node_modules test-artefacts
