# The two commands of the README. Both do all set-up on a fresh machine, inside ./.venv
# (never the system Python), from the pinned lock files in requirements/:
#   make demo   install, then run the weekly pipeline on the bundled snapshot (SQLite, Maildir outbox)
#   make test   install with test and dev extras (and Debian's chromium), then run the suite
# Other targets: `make lock` re-pins the dependency tree after a change in pyproject.toml,
# `make check` runs the code checks that CI runs before the tests: `make lint` (ruff, import-linter)
# and `make typecheck` (mypy).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check lint typecheck install install-test chromium lock

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: a second `make test` does not reinstall unless a lock file or pyproject.toml changed.
$(VENV)/.installed: requirements/lock.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) --require-hashes -r requirements/lock.txt
	$(PIP) --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements/lock-dev.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) --require-hashes -r requirements/lock-dev.txt
	$(PIP) --no-deps -e .
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: chromium $(VENV)/.installed-dev

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

demo: install
	$(PY) -m foerderradar demo

test: install-test
	$(PY) -m pytest

check: lint typecheck

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

lock: | $(VENV)/bin/python
	$(PIP) uv
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header \
	  -q -o requirements/lock.txt
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header \
	  -q --extra test --extra dev --extra eval -o requirements/lock-dev.txt
