# Two commands for a fresh clone (see README):
#   make build   set up, then build the example agreements into output/
#   make test    set up (incl. LibreOffice and Chromium for the real-client checks), then run the tests
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: build test validate templates skemaer proofs lock clean

# The set-up installs the versions in constraints.txt, the ones the suite passed with, so a
# fresh machine gets what CI tested, not whatever is newest that day.
$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# --pdf: with LibreOffice installed the site's pages link a PDF of every Word file (else a warning).
build: $(VENV)/.installed
	$(PY) build.py build --pdf

validate: $(VENV)/.installed
	$(PY) build.py validate

test: $(VENV)/.installed
	./scripts/system-deps.sh
	PYTHON=$(PY) ./scripts/browser-deps.sh
	./scripts/editor-deps.sh
	$(PY) -m pytest

templates: $(VENV)/.installed
	$(PY) templates/make_templates.py

# The editor schemas the examples' first lines point at (.aftaler/skemaer/, as `aftaler init`
# writes them): after a change to schemas/ or catalogue/.
skemaer: $(VENV)/.installed
	$(PY) scripts/editor_schemas.py

# Page images of the examples' Word files (first pages, output/proofs/, not committed) and the
# layout check of tests/test_layout.py per document, for a reviewer without LibreOffice.
proofs: build
	./scripts/system-deps.sh
	$(PY) -m aftaler status agreements/amager -o output
	$(PY) scripts/proofs.py

# Refresh constraints.txt: the newest releases pyproject.toml's bounds allow, in a fresh venv.
# Run `make test` afterwards and commit the file only if the suite passes.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet '.[test]'
	{ sed -n '1,2p' constraints.txt; .venv-lock/bin/python -m pip freeze --exclude aftaler | sort -f; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .venv-lock

clean:
	rm -rf output $(VENV)
