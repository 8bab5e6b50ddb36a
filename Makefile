# The two commands of the README. Both do all set-up on a fresh machine.
#   make demo   install, then run the weekly pipeline on the bundled snapshot (SQLite, Maildir outbox)
#   make test   install with test extras (and Debian's chromium for the browser tests), then run the suite
PYTHON ?= python3
PIP := $(PYTHON) -m pip install --quiet --disable-pip-version-check
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install install-test chromium

install:
	$(PIP) -e .

install-test: chromium
	$(PIP) -e '.[test]'

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

demo: install
	$(PYTHON) -m foerderradar demo

test: install-test
	$(PYTHON) -m pytest
