# Prism's developer loop. Everything installs into .venv; the two set-up commands are
# `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ./prism-data
PORT ?= 8000
export HF_HUB_OFFLINE := 1

.PHONY: demo test lint bench messages system-deps pango clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	# torch first, from the CPU wheel on this disk: any other torch pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP) pango
	$(BIN)/prism demo --data-dir $(DATA) --port $(PORT)

# Debian packages the tests need: Chromium for the browser test, wrk for benchmarks, LibreOffice
# (Impress, Writer, Calc) and poppler to prove rendered decks, documents and answered workbooks
# open, Pango for WeasyPrint's PDF rendering.
# WeasyPrint (PDF rendering) needs Pango even to serve the demo.
pango:
	@if ! ldconfig -p | grep -q libpangoft2; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

system-deps:
	@# Only what is missing: a machine whose Node.js comes with its own npm (NodeSource) cannot
	@# take Debian's npm package beside it.
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-impress libreoffice-writer"; \
	dpkg -s libreoffice-calc >/dev/null 2>&1 || missing="$$missing libreoffice-calc"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check prism tests bench
	$(BIN)/ruff format --check prism tests bench
	$(BIN)/mypy prism

# The PostgreSQL half runs too: on PRISM_TEST_DATABASE_URL, the local server, or a throw-away
# cluster tests/pgcluster.py starts (and removes) for the run.
# Test-only tools from the npm registry, into a throw-away folder: axe-core for the
# accessibility test, oidc-provider (a certified OpenID provider) for company sign-in. One
# install for both: a later `npm install --no-save` removes what an earlier one added. Nothing
# is fetched while the tests run.
NPM_DIR := .cache/npm
NPM_TOOLS := axe-core@4.11.0 oidc-provider@9.13.3
NPM_STAMP := $(NPM_DIR)/.installed-$(subst @,-,$(subst $(eval) ,_,$(NPM_TOOLS)))
$(NPM_STAMP): | system-deps
	npm install --prefix $(NPM_DIR) --no-save --no-audit --no-fund --loglevel=error $(NPM_TOOLS)
	touch $@

test: $(STAMP) system-deps $(NPM_STAMP) lint
	$(BIN)/python -m tests.pgcluster $(BIN)/pytest -n 2 -p xdist tests

# The interface's sentences into the Chinese catalog (prism/i18n.py): new ones arrive empty, to
# translate; `make test` fails until every one is.
messages: $(STAMP)
	$(BIN)/python -m prism.web.terms
	mkdir -p .cache
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
	  --omit-header -o .cache/messages.pot .
	$(BIN)/pybabel update -i .cache/messages.pot -d prism/locale -l zh --no-fuzzy-matching \
	  --ignore-obsolete --no-wrap

bench: $(STAMP) system-deps
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
