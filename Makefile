# Two commands on a fresh machine: `make demo` and `make test`. Each creates the virtual
# environment in .venv if needed and installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SCENARIO ?= donbas-recognition-2022

.PHONY: demo test bench clean install install-test notebooks notebook-outputs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	@echo "== scenarios validate $(SCENARIO)"
	@$(BIN)/scenarios validate $(SCENARIO)
	@echo; echo "== scenarios show $(SCENARIO)"
	@$(BIN)/scenarios show $(SCENARIO)
	@echo; echo "== scenarios evaluate $(SCENARIO) --top 5"
	@$(BIN)/scenarios evaluate $(SCENARIO) --top 5
	@echo; echo "== scenarios solve $(SCENARIO) --top 3"
	@$(BIN)/scenarios solve $(SCENARIO) --top 3
	@mkdir -p build/demo
	@echo; echo "== scenarios draw $(SCENARIO) -o build/demo/$(SCENARIO).png --highlight likely"
	@$(BIN)/scenarios draw $(SCENARIO) -o build/demo/$(SCENARIO).png --highlight likely
	@echo; echo "== scenarios report $(SCENARIO) -o build/demo/briefing"
	@$(BIN)/scenarios report $(SCENARIO) -o build/demo/briefing
	@echo; echo "The diagram is build/demo/$(SCENARIO).png; the briefing pack is build/demo/briefing.pdf and build/demo/briefing/ (briefing.md with its images)."

test: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

# JupyterLab on the notebooks (from the optional extra scenarios[notebooks]).
$(VENV)/.installed-notebooks: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@

notebooks: $(VENV)/.installed-notebooks
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

# Re-execute the notebooks and save them with their outputs (after editing one).
notebook-outputs: $(VENV)/.installed-notebooks
	$(BIN)/python notebooks/refresh_outputs.py

bench: install
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
