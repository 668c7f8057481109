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

.PHONY: serve build check test test-fast torture lint bench audit clean messages

$(STAMP): requirements.txt
	@echo "installing the Python packages into $(VENV) (first run, or requirements changed): about 20 s"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

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
	$(BIN)/python -m sitegen.catalogue

lint: $(DEV_STAMP)
	$(BIN)/ruff check sitegen tests bench build.py

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
