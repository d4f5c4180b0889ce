# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest clean system-packages voikko

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
	$(BIN)/mypy src

pytest: $(STAMP_TEST) voikko
	$(BIN)/pytest -q

test: lint typecheck pytest

# Debian packages some tests need: PostgreSQL for the CKAN portal (tests/portal/). Installed
# only when missing and when running as root (CI); otherwise those tests skip and say so.
# The lock timeout waits for anyone else's apt run instead of failing.
APT := apt-get -o DPkg::Lock::Timeout=600
system-packages:
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
		echo "PostgreSQL: $$(ls -d /usr/lib/postgresql/*/bin/postgres | tail -1)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		$(APT) update -qq && \
		DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq --no-install-recommends postgresql; \
	else \
		echo "PostgreSQL is missing: apt-get install postgresql (the CKAN tests skip without it)"; \
	fi

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
