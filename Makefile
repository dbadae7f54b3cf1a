# Every target creates .venv and installs ipstat into it first: a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint render demo bench fuzz docs pictures reference clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,docs]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest

# Every Word document of the year rendered by LibreOffice and checked on the page (A4, nothing
# cut or overlapping, the header's lines whole); `make test` runs them too. Needs `soffice`
# (apt-get install -y libreoffice-writer-nogui) and Poppler's pdftotext.
render: install
	$(BIN)/python -m pytest -q -m slow

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

demo: install
	$(BIN)/ipstat aggregate sample_data/2016 --out ket-qua/2016

# The site of docs/ into site/ (open site/index.html in a browser). --strict: a broken link, a
# missing page or any other warning fails the build.
docs: install
	$(BIN)/python scripts/docs_reference.py --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The pages of docs/reference/ written again from the code and data (the commands' --help,
# rules.toml); tests/test_docs.py fails while the committed pages differ.
reference: install
	$(BIN)/python scripts/docs_reference.py

# The pictures of docs/ from the sample data's real outputs (LibreOffice, Poppler, Chromium;
# the portal's only where `ipstat serve` exists).
pictures: install
	$(BIN)/python scripts/docs_pictures.py

bench: install
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_portal.py

# The fuzz test of tests/test_fuzz.py with many random examples (CI runs a fixed 100).
FUZZ_EXAMPLES ?= 3000
fuzz: install
	IPSTAT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) IPSTAT_FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/test_fuzz.py

clean:
	rm -rf $(VENV) ket-qua site build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
