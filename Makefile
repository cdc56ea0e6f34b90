# `make run` starts everything locally, `make test` runs every check; both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: reinstall only when pyproject.toml changes.
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean

run: $(STAMP)
	$(BIN)/quietude up

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy domain workflows activities store api quietude
	$(BIN)/pytest -q

bench: $(STAMP)
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench; \
	elif [ -f bench/run.py ]; then $(BIN)/python bench/run.py; \
	else echo "Aucun banc d'essai : ajouter bench/run.py ou bench/__main__.py." >&2; exit 1; fi

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]'
	touch $(STAMP)

# Keeps var/: it holds the procedures, the read model and the token secret.
clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
