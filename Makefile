# Two entry points for a fresh clone: `make run` and `make test`.
# Each creates .venv from the lock file on first use (and when the lock changes).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= data/out

.PHONY: run test test-fast chromium clean

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/tradeclaims run --input seeds --out $(OUT)

# The browser tests need Debian's chromium; installed here when missing (CI runs as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.installed chromium
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not slow"

clean:
	rm -rf $(VENV) data .prefect .pytest_cache
