# Two commands for a newcomer: `make serve` and `make test`. Every target sets up .venv
# from the pinned requirements first, and again whenever they change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed
PORT ?= 8000
N ?= 1000

.PHONY: serve build check test test-fast torture lint lock bench audit clean messages

$(STAMP): requirements.txt
	@echo "installing the Python packages into $(VENV) (first run, or requirements changed): about 20 s"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# The lock files, after editing a requirements*.in (README, "Dependencies"): pip-compile writes
# requirements.txt, requirements-dev.txt and requirements-tools.txt, every package pinned with
# its hashes, for this machine's Python (3.11). Versions already locked stay unless an .in asks
# for another; UPGRADE=1 takes the newest each .in allows. pip-tools runs from .venv-tools, its
# own venv: the site and its tests never need it. PIP_CONFIG_FILE=/dev/null and no
# PIP_FIND_LINKS: only the package index is asked, never a machine's own folders of wheels,
# so the hashes are those every machine is served.
TOOLS := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
	$(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)

$(TOOLS_STAMP): requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-tools.txt
	touch $@

lock: $(TOOLS_STAMP)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) --output-file requirements-tools.txt requirements-tools.in

# axe-core, the Nu HTML Checker and Lighthouse, pinned in package-lock.json. Scripts stay off:
# vnu-jar's postinstall would download a Java runtime, and we use the system's Java 17.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

serve: $(STAMP)
	$(BIN)/python build.py serve --port $(PORT)

build: $(STAMP)
	$(BIN)/python build.py build

# FORMAT=github prints annotations for a pull request, FORMAT=json a list for other tools.
FORMAT ?= text
check: $(STAMP)
	$(BIN)/python build.py check --format $(FORMAT)

# After changing a message in sitegen/: adds it to the Russian catalogue (empty, or fuzzy with the
# old Russian), drops the ones no longer said. tests/test_messages.py fails until each has its Russian.
messages: $(STAMP)
	$(BIN)/python -m sitegen.commands.catalogue

# ruff (with its security rules, S) over the code; zizmor over the workflows and Dependabot's
# configuration, offline (no token, no network), failing on any finding.
lint: $(DEV_STAMP)
	$(BIN)/ruff check sitegen tests bench build.py
	$(BIN)/zizmor --offline --no-progress --quiet .github/

test: $(DEV_STAMP) $(NODE_STAMP) lint
	$(BIN)/python -m pytest

test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest -m "not browser"

# Kills a real build with SIGKILL at TORTURE_KILLS random moments (make test does 4) and checks
# each time that the output is the old site or the new one, whole, and the next build a clean one.
TORTURE_KILLS ?= 200
torture: $(DEV_STAMP)
	TORTURE_KILLS=$(TORTURE_KILLS) $(BIN)/python -m pytest tests/test_lock.py

# Builds a generated corpus of N articles with sitegen, a bare floor, Pelican and Hugo
# (these two in bench/.work/venv, made on first use); writes bench/results.md.
# REV=HEAD measures a clean export of that commit instead of the working tree.
bench: $(DEV_STAMP)
	$(BIN)/python -m bench.run --n $(N) $(if $(REV),--rev $(REV))

audit: $(DEV_STAMP) $(NODE_STAMP)
	bash audit/run.sh

clean:
	rm -rf _site .cache .pytest_cache .ruff_cache
