# Two commands set everything up on a fresh Debian 12 machine (as root):
#   make demo   - install, then crawl the bundled sample outlets
#   make test   - install, then run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS_VENV := .venv-tools
CHROMIUM ?= /usr/bin/chromium

.PHONY: setup demo test bench chromium test-tools bench-tools tools eval-tools eval-real clean

# Install a Debian package when its command is missing: $(call need,COMMAND,PACKAGE)
define need
	@command -v $(1) >/dev/null 2>&1 || { echo "Installing Debian's $(2) package"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2); }
endef

setup: $(VENV)/.installed chromium

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

chromium:
	$(call need,$(CHROMIUM),chromium)

test-tools:                     # the live-progress test runs the CLI in a real terminal
	$(call need,tmux,tmux)
	$(call need,redis-server,redis-server)   # the distributed-crawl tests start their own

bench-tools:                    # the benchmark's web server and its wget baseline
	$(call need,nginx,nginx-light)
	$(call need,wget,wget)

# pywb (GPL) and py-wacz pin old dependencies: they live in their own venv and
# are called as subprocesses, so the core install stays small.
tools: $(TOOLS_VENV)/.installed

$(TOOLS_VENV)/.installed:
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install -q --upgrade pip
	$(TOOLS_VENV)/bin/pip install -q 'pywb>=2.9' 'wacz>=0.5'
	touch $@

# The general-purpose extractors our extraction is measured against (tests/evaluate_extraction.py --real)
# live in their own venv: they are evaluation tools, not dependencies of the archiver.
EVAL_VENV := .venv-eval

eval-tools: $(EVAL_VENV)/.installed

$(EVAL_VENV)/.installed:
	$(PYTHON) -m venv $(EVAL_VENV)
	$(EVAL_VENV)/bin/pip install -q --upgrade pip
	$(EVAL_VENV)/bin/pip install -q 'trafilatura==2.3.1' 'newspaper4k>=0.9' 'goose3>=3.1' lxml_html_clean
	touch $@

# Baselines' predictions on the real-page corpus, then the table beside ours (truth as published, then adjudicated).
eval-real: setup eval-tools
	mkdir -p .eval-cache
	for tool in trafilatura newspaper4k goose3; do \
		$(EVAL_VENV)/bin/python tests/extraction_baselines.py $$tool > .eval-cache/$$tool.jsonl || exit 1; done
	$(VENV)/bin/python tests/evaluate_extraction.py --real
	$(VENV)/bin/python tests/evaluate_extraction.py --real --adjudicated

demo: setup
	$(VENV)/bin/archiver demo

test: setup tools test-tools
	$(VENV)/bin/pytest

# The archiver against bare Scrapy, wget and scrapy-playwright (see bench/run.py);
# options go in BENCH_ARGS, e.g. make bench BENCH_ARGS="--rounds 5 --json bench.json".
bench: setup bench-tools
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS_VENV) $(EVAL_VENV) .eval-cache
