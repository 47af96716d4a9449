# SignDesk: `make run` serves the demo, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8080
export SIGNDESK_HOST := $(HOST)
export SIGNDESK_PORT := $(PORT)

.PHONY: run test lint typecheck unit bench install install-dev browser clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[dev,quality]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium drives the browser tests; Playwright never downloads a browser of its own.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then npm ci --no-audit --no-fund --silent; fi

run: install
	@mkdir -p var
	$(PY) -m signdesk migrate
	$(PY) -m signdesk.seed
	@echo ""
	@echo "SignDesk demo on http://$(HOST):$(PORT)/"
	@echo "  citizen booking:   http://$(HOST):$(PORT)/"
	@echo "  staff console:     http://$(HOST):$(PORT)/staff        (log in as a staff account above)"
	@echo "  live queue:        http://$(HOST):$(PORT)/live          (no booking; during service hours)"
	@echo "  interpreter home:  http://$(HOST):$(PORT)/interpreter  (log in as an interpreter above)"
	@echo "  staff wallboard:   http://$(HOST):$(PORT)/staff/wallboard"
	@echo "  supervisor:        http://$(HOST):$(PORT)/staff/records, /staff/statistics, /staff/audit"
	@echo "  admin:             http://$(HOST):$(PORT)/admin/accounts  (log in as the admin account above)"
	@echo "  a citizen's data:  the 'what is kept about me' link on each booking's page"
	@echo "  logins are kept in var/demo-logins.txt"
	@echo ""
	$(PY) -m signdesk serve

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install-dev
	$(VENV)/bin/mypy

test: install-dev browser lint typecheck
	$(VENV)/bin/pytest -q

bench: install-dev browser
	$(PY) -m bench.availability
	$(PY) -m bench.booking_race
	$(PY) -m bench.signaling_relay
	$(PY) -m bench.ws_memory
	$(PY) -m bench.call_media
	$(PY) -m bench.routing
	$(PY) -m bench.queue_ws
	$(PY) -m bench.quality
	$(PY) -m bench.relay
	$(PY) -m bench.statistics

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
