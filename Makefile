# Two commands for a fresh clone (see README):
#   make build   set up, then build the example agreements into output/
#   make test    set up (incl. LibreOffice and Chromium for the real-client checks), then run the tests
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: build test validate templates clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

build: $(VENV)/.installed
	$(PY) build.py build

validate: $(VENV)/.installed
	$(PY) build.py validate

test: $(VENV)/.installed
	./scripts/system-deps.sh
	PYTHON=$(PY) ./scripts/browser-deps.sh
	$(PY) -m pytest

templates: $(VENV)/.installed
	$(PY) templates/make_templates.py

clean:
	rm -rf output $(VENV)
