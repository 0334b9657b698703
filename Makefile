# The README's two commands: `make run` (the app) and `make test`.
# The model hub stays switched on for `make run`: the bundled models load from local folders without
# it, and the models page's one-click downloads need it. Tests switch it off themselves (conftest.py).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
export NUMBA_CACHE_DIR ?= $(HOME)/.cache/embedlab/numba

.PHONY: run test test-all lint typecheck browser-deps bench shipped-models clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt requirements-test-nodeps.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-test.txt
	$(PY) -m pip install -q --no-deps -r requirements-test-nodeps.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m streamlit run app.py --server.port $(PORT)

# Chromium and CJK fonts for the browser tests (Debian packages; installed when missing and root).
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then :; \
	elif [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "browser tests need: sudo apt-get install -y chromium fonts-noto-cjk"; fi

# The gates first (seconds), then every test that is not marked slow.
test: $(VENV)/.installed-test browser-deps lint typecheck
	$(PY) -m pytest -q

# The code gates: ruff (lint rules and formatting) and mypy, configured in pyproject.toml.
lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.installed-test
	$(PY) -m mypy

# Everything, including the slow-marked tests.
test-all: $(VENV)/.installed-test browser-deps
	$(PY) -m pytest -q -m "slow or not slow"

# Rebuild the word2vec models that ship in embedlab/data/models from the bundled books (a few minutes).
shipped-models: $(VENV)/.installed
	$(PY) -m embedlab build-shipped

bench: $(VENV)/.installed-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Build the Dockerfile with podman (a local Debian 12 stand-in for its base image), run it, and check
# /_stcore/health and two share links in Chromium from outside the container. Minutes; not in `make test`.
.PHONY: container-check
container-check: $(VENV)/.installed-test browser-deps
	PY=$(abspath $(PY)) deploy/build-local-image.sh

clean:
	rm -rf $(VENV) artifacts .pytest_cache
