# Two entry points, both safe on a fresh machine: each creates the local
# virtual environment when pyproject.toml is newer than the last install.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: build test wheel-check clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/.installed
	$(BIN)/handouts build && $(BIN)/handouts card --sheet a4

test: $(BIN)/.installed
	$(BIN)/python -m pytest

wheel-check:
	PYTHON=$(PYTHON) .ci/wheel-check

clean:
	rm -rf $(VENV) output/*.pdf output/class-example .pytest_cache build dist
