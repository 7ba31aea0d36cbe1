# Two entry points, both safe on a fresh machine: each creates the local
# virtual environment when pyproject.toml is newer than the last install.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: build test fuzz wheel-check clean messages

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

# Every printed string into handouts.pot (English, the source), then into each language's catalog,
# where a new string waits, untranslated, for a translator (the build refuses it until then).
messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -o handouts/data/locale/handouts.pot --project handouts \
		--no-location --sort-output --omit-header handouts
	$(BIN)/pybabel update -i handouts/data/locale/handouts.pot -d handouts/data/locale -D handouts \
		--width 120 --ignore-obsolete

wheel-check:
	PYTHON=$(PYTHON) .ci/wheel-check

clean:
	rm -rf $(VENV) output/*.pdf output/class-example .pytest_cache build dist
