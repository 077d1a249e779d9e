# Two commands set everything up on a fresh Debian 12 machine (as root):
#   make demo   - install, then crawl the bundled sample outlets
#   make test   - install, then run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS_VENV := .venv-tools
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup demo test bench chromium tools clean

setup: $(VENV)/.installed chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# pywb (GPL) and py-wacz pin old dependencies: they live in their own venv and
# are called as subprocesses, so the core install stays small.
tools: $(TOOLS_VENV)/.installed

$(TOOLS_VENV)/.installed:
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install -q --upgrade pip
	$(TOOLS_VENV)/bin/pip install -q 'pywb>=2.9' 'wacz>=0.5'
	touch $@

demo: setup
	$(VENV)/bin/archiver demo

test: setup tools
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) $(TOOLS_VENV)
