# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck pytest clean system-packages

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

# Debian packages some tests need: PostgreSQL for the CKAN portal (tests/portal/), nginx for
# the documented reverse proxy (tests/test_serve_proxy.py). Installed only when missing and
# when running as root (CI); otherwise those tests skip and say what is missing. The lock
# timeout waits for anyone else's apt run instead of failing.
APT := apt-get -o DPkg::Lock::Timeout=600
SYSTEM_PACKAGES := postgresql nginx
system-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx"; \
	if [ -z "$$missing" ]; then \
		echo "system packages: all present ($(SYSTEM_PACKAGES))"; \
	elif [ "$$(id -u)" = 0 ]; then \
		$(APT) update -qq && \
		DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq --no-install-recommends $$missing; \
	else \
		echo "missing:$$missing (apt-get install$$missing); the tests that need them skip"; \
	fi

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
