# opis — the two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= opis.db
CORPUS ?= examples/corpus

.PHONY: demo test install lint bench clean

$(BIN)/opis: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/opis

install: $(BIN)/opis

demo: install
	$(BIN)/opis ingest $(CORPUS) --db $(DB)
	$(BIN)/opis list --db $(DB)

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search.py --docs 100000

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm build *.egg-info src/*.egg-info
