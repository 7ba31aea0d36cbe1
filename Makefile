# Two entry points, both safe on a fresh machine: each creates the local
# virtual environment when pyproject.toml is newer than the last install.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: build test fuzz wheel-check clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/.installed
	$(BIN)/handouts build && $(BIN)/handouts card --sheet a4

test: $(BIN)/.installed
	$(BIN)/python -m pytest

# A long randomised pass over the models (every test run makes a short, fixed one).
fuzz: $(BIN)/.installed
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/hostile/test_hostile_fuzz.py $(FUZZ_ARGS)

wheel-check:
	PYTHON=$(PYTHON) .ci/wheel-check

clean:
	rm -rf $(VENV) output/*.pdf output/class-example .pytest_cache build dist
