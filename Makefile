# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest clean system-packages browser-deps voikko
APT := apt-get -o DPkg::Lock::Timeout=600
NPM_STAMP := tests/browser/node_modules/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Voikko (Finnish morphology for `dcatgen import`): Debian's library and dictionary, installed
# when missing and apt-get can run (as root); otherwise the importer falls back to stems.
VOIKKO_INSTALL := apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends libvoikko1 voikko-fi

voikko:
	@if ldconfig -p 2>/dev/null | grep -q 'libvoikko\.so\.1' && [ -d /usr/lib/voikko ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		$(VOIKKO_INSTALL) >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq && $(VOIKKO_INSTALL) >/dev/null; }; \
	else echo "Voikko is missing: run 'sudo $(VOIKKO_INSTALL)' (the importer uses stems without it)"; fi

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN) voikko
	$(BIN)/dcatgen build data -o out

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP_TEST)
	$(BIN)/mypy src tests

pytest: $(STAMP_TEST) voikko
	$(BIN)/pytest -q

test: lint typecheck pytest

# Debian packages some tests need: PostgreSQL for the CKAN portal (tests/portal/), nginx for
# the documented reverse proxy (tests/test_serve_proxy.py), Chromium (no browser download) and
# Java for the browser tests (tests/test_browser.py, the Nu HTML checker). Installed only when
# missing and when running as root (CI); otherwise those tests skip and say what is missing.
# The lock timeout waits for anyone else's apt run instead of failing.
system-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx"; \
	command -v chromium >/dev/null || missing="$$missing chromium chromium-driver fonts-dejavu-core"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -z "$$missing" ]; then \
		echo "system packages: all present"; \
	elif [ "$$(id -u)" = 0 ]; then \
		$(APT) update -qq && \
		DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq --no-install-recommends $$missing; \
	else \
		echo "missing:$$missing (apt-get install$$missing); the tests that need them skip"; \
	fi

# The npm packages pinned in tests/browser/package-lock.json (axe-core, vnu-jar), for
# tests/test_browser.py.
browser-deps: $(STAMP_TEST) $(NPM_STAMP)

$(NPM_STAMP): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache tests/browser/node_modules test-artefacts
