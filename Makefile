# Family Hubs Front Door. The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
VENV_RASA := .venv-rasa
PY        := $(VENV)/bin/python
RASA      := $(VENV_RASA)/bin/rasa
PIP_FLAGS := --quiet --disable-pip-version-check

# Python 3.11+ for the app; Python 3.10 for Rasa 3.6 (found on PATH or under pyenv).
PYTHON_APP  ?= $(shell for p in python3.11 python3.12 python3 ; do command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; } ; done)
PYTHON_RASA ?= $(shell for p in python3.10 $(HOME)/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10 ; do $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1 && { echo $$p; break; } ; done)

.PHONY: help install browser run test lint typecheck pytest db train bench eval clean

help:
	@echo "make run    start the whole stack on this machine (installs, seeds and trains on first run)"
	@echo "make test   install what the tests need and run every test"
	@echo "make bench  speed and memory figures -> docs/benchmarks.md"
	@echo "make eval   quality figures -> docs/"

$(VENV)/.installed: requirements.txt pyproject.toml
	@test -n "$(PYTHON_APP)" || { echo "Python 3.11 or newer is needed for the app: install python3.11 and run make again." >&2; exit 1; }
	$(PYTHON_APP) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements.txt
	$(VENV)/bin/pip install $(PIP_FLAGS) --no-deps -e .
	@touch $@

$(VENV_RASA)/.installed: requirements-rasa.txt
	@test -n "$(PYTHON_RASA)" || { echo "Python 3.10 is needed for Rasa 3.6.21: install it (for example 'pyenv install 3.10.13' or Debian's python3.10) and run make again." >&2; exit 1; }
	$(PYTHON_RASA) -m venv $(VENV_RASA)
	$(VENV_RASA)/bin/pip install $(PIP_FLAGS) -r requirements-rasa.txt
	@touch $@

install: $(VENV)/.installed $(VENV_RASA)/.installed

db: $(VENV)/.installed
	$(PY) -m directory migrate
	$(PY) -m directory seed --if-empty

# The Rasa model and the safeguarding classifier, each rebuilt only when its inputs changed.
train: install
	@$(PY) scripts/train_if_changed.py
	@$(PY) -c "from channels.safeguarding.classifier import main; main()"

run: install db train
	@$(PY) scripts/run_stack.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# Debian's Chromium and axe-core for the browser tests (skipped with a reason if impossible).
browser:
	@bash scripts/install_browser.sh

pytest: install browser train
	@source scripts/test_services.sh && $(PY) -m pytest -q -rs $(PYTEST_ARGS)

test: install lint typecheck pytest

bench: install db
	$(PY) scripts/bench.py

eval: install db
	$(PY) scripts/eval.py

clean:
	rm -rf $(VENV) $(VENV_RASA) var models .mypy_cache .ruff_cache .pytest_cache
