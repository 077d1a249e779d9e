# Two commands set everything up on a fresh Debian 12 machine (as root):
#   make demo   - install, then crawl the bundled sample outlets
#   make test   - install, then run the whole test suite
# and one runs the quick tests only (no root, no Chromium, under a minute):
#   make test-fast
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS_VENV := .venv-tools
CHROMIUM ?= /usr/bin/chromium

# Exact versions CI tested (`make lock` rewrites them from the venvs).
CONSTRAINTS := constraints.txt
TOOLS_CONSTRAINTS := constraints-tools.txt

.PHONY: setup demo test test-fast lock bench bench-profile python-venv chromium test-tools bench-tools tools eval-tools eval-real eval-corpus eval-body clean

# Install Debian packages when a command is missing: $(call need,COMMAND,PACKAGE...)
# (scripts/apt-install waits for a busy apt and installs no recommended packages)
define need
	@command -v $(1) >/dev/null 2>&1 || { echo "Installing Debian's $(2)"; scripts/apt-install $(2); }
endef

setup: $(VENV)/.installed chromium

python-venv:                    # Debian's python3 makes venvs only with python3-venv
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "Installing Debian's python3-venv"; scripts/apt-install python3-venv; }

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | python-venv
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -c $(CONSTRAINTS) -e '.[test]'
	touch $@

# fonts-liberation: the metric-compatible fonts chromium recommends; dbus-x11: the session bus
# its GTK libraries ask for, which apt would otherwise take from dbus-user-session and systemd.
chromium:
	$(call need,$(CHROMIUM),chromium fonts-liberation dbus-x11)

# Every program a test runs besides Chromium and the tools venv: tmux (the live
# progress display in a real terminal), nginx and wget (the benchmark smoke test),
# redis-server (workers sharing one crawl state), mount (the disk-full tests' tmpfs).
test-tools:
	$(call need,mount,mount)
	$(call need,tmux,tmux)
	$(call need,nginx,nginx-light)
	$(call need,wget,wget)
	$(call need,redis-server,redis-server)

bench-tools:                    # the benchmark's web server and its wget baseline
	$(call need,nginx,nginx-light)
	$(call need,wget,wget)

# pywb (GPL) and py-wacz pin old dependencies: they live in their own venv and
# are called as subprocesses, so the core install stays small.
tools: $(TOOLS_VENV)/.installed

$(TOOLS_VENV)/.installed: $(TOOLS_CONSTRAINTS) | python-venv
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install -q --upgrade pip
	$(TOOLS_VENV)/bin/pip install -q -c $(TOOLS_CONSTRAINTS) 'pywb>=2.9' 'wacz>=0.5' 'authsign>=0.6'
	# the independent verifier of signed WACZ (tests/test_signing.py); its pins (cryptography<45,
	# pyasn1<0.5) would downgrade pywb's, and it runs on the newer ones, so no deps of its own
	$(TOOLS_VENV)/bin/pip install -q --no-deps -c $(TOOLS_CONSTRAINTS) 'wacz-signing>=0.4' python-dotenv
	touch $@

# The general-purpose extractors our extraction is measured against (tests/evaluate_extraction.py --real)
# live in their own venv: they are evaluation tools, not dependencies of the archiver.
EVAL_VENV := .venv-eval

eval-tools: $(EVAL_VENV)/.installed

$(EVAL_VENV)/.installed:
	$(PYTHON) -m venv $(EVAL_VENV)
	$(EVAL_VENV)/bin/pip install -q --upgrade pip
	$(EVAL_VENV)/bin/pip install -q 'trafilatura==2.3.1' 'newspaper4k==0.9.6' 'goose3==3.1.22' \
		'readability-lxml==0.9' 'py3langid==0.4.0' lxml_html_clean
	touch $@

# Baselines' predictions on the real-page corpus, then the table beside ours (truth as published, then adjudicated).
eval-real: setup eval-tools
	mkdir -p .eval-cache
	for tool in trafilatura newspaper4k goose3; do \
		$(EVAL_VENV)/bin/python tests/extraction_baselines.py $$tool > .eval-cache/$$tool.jsonl || exit 1; done
	$(VENV)/bin/python tests/evaluate_extraction.py --real
	$(VENV)/bin/python tests/evaluate_extraction.py --real --adjudicated
	@if [ -f $(BODY_CORPUS)/manifest.jsonl ]; then $(MAKE) --no-print-directory eval-body; \
	else echo "no body corpus in $(BODY_CORPUS): make eval-corpus MIRRORS=DIR builds it (tests/body_corpus/build.py)"; fi

# The body corpus (tests/body_corpus/build.py): other people's pages and body truth, kept out of the
# repository in a git-ignored cache. MIRRORS is a folder of bare clones named owner+name/repo.
BODY_CORPUS := .eval-cache/body_corpus

eval-corpus: eval-tools
	@test -n "$(MIRRORS)" || { echo "usage: make eval-corpus MIRRORS=DIR (bare clones named owner+name/repo)"; exit 2; }
	$(EVAL_VENV)/bin/python tests/body_corpus/build.py $(MIRRORS) --out $(BODY_CORPUS)

# Body text per language and page type on the test half, ours beside the four baselines;
# trafilatura also on the dev half, which is the half the body finder is tuned on.
eval-body: setup eval-tools
	mkdir -p .eval-cache/body/test .eval-cache/body/dev
	for tool in trafilatura readability newspaper4k goose3; do \
		$(EVAL_VENV)/bin/python tests/extraction_baselines.py $$tool $(BODY_CORPUS)/manifest.jsonl test \
			> .eval-cache/body/test/$$tool.jsonl || exit 1; done
	$(EVAL_VENV)/bin/python tests/extraction_baselines.py trafilatura $(BODY_CORPUS)/manifest.jsonl dev \
		> .eval-cache/body/dev/trafilatura.jsonl
	$(VENV)/bin/python tests/evaluate_extraction.py --body $(BODY_CORPUS) --baselines .eval-cache/body/test --split test

demo: setup
	$(VENV)/bin/archiver demo

test: setup tools test-tools
	$(VENV)/bin/pytest

# Extraction, text export, WARC writing and verify, discovery, settings, CLI parsing and
# small plain-fetch crawls: no Chromium, no root (see the markers in pyproject.toml).
test-fast: $(VENV)/.installed tools
	$(VENV)/bin/pytest -n auto -m "not browser and not slow and not root"

# Rewrite the constraints from what the venvs hold (after changing a dependency in
# pyproject.toml; commit the files): a fresh machine then installs exactly what CI tested.
lock: python-venv
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	{ echo "# pip constraints of the project venv: written by 'make lock' (pip freeze), do not edit"; \
	  $(VENV)/bin/pip freeze --exclude-editable; } > $(CONSTRAINTS)
	$(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/pip install -q 'pywb>=2.9' 'wacz>=0.5' 'authsign>=0.6'
	$(TOOLS_VENV)/bin/pip install -q --no-deps 'wacz-signing>=0.4' python-dotenv
	{ echo "# pip constraints of the tools venv: written by 'make lock' (pip freeze), do not edit"; \
	  $(TOOLS_VENV)/bin/pip freeze; } > $(TOOLS_CONSTRAINTS)

# The archiver against bare Scrapy, wget and scrapy-playwright (see bench/run.py);
# options go in BENCH_ARGS, e.g. make bench BENCH_ARGS="--rounds 5 --json bench.json".
bench: setup bench-tools
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

# Where a page's CPU goes, by stage (cProfile on the CPU clock), and Redis operations per page
# (see bench/profile.py); e.g. make bench-profile PROFILE_ARGS="--articles 800 --keep /tmp/prof".
bench-profile: setup bench-tools
	$(VENV)/bin/python bench/profile.py $(PROFILE_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS_VENV) $(EVAL_VENV) .eval-cache
