# leaflet — the two commands the README gives:
#   make demo   set everything up and render the examples into out/
#   make test   set everything up and run the checks and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test lint bench gallery clean

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	mkdir -p out
	$(BIN)/leaflet render examples/en-free-transit.md -f a4 -o out/en-free-transit-a4.pdf
	$(BIN)/leaflet render examples/en-free-transit.md -f a5 -o out/en-free-transit-a5.pdf
	$(BIN)/leaflet render examples/uk-labour-rights.md -f a5 -o out/uk-labour-rights-a5.pdf
	$(BIN)/leaflet render examples/es-vivienda.md -f a5 -o out/es-vivienda-a5.pdf
	$(BIN)/leaflet render examples/en-free-transit.md -f a5-fold -o out/en-free-transit-a5-fold.pdf
	$(BIN)/leaflet render examples/uk-labour-rights.md -f poster-a3 -t bold -o out/uk-posters-a3.pdf
	$(BIN)/leaflet gallery -o out/gallery
	@echo "Rendered PDFs are in out/, template previews in out/gallery/"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n auto --dist loadgroup

bench: setup
	$(BIN)/python bench/bench_render.py

clean:
	rm -rf $(VENV) out build dist .pytest_cache .mypy_cache .ruff_cache
