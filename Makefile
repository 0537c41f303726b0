# The few verbs a person types. `make book` and `make test` do their own set-up.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# Reproducible output: pin every timestamp to the last commit when git knows it.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || true)
export SOURCE_DATE_EPOCH
# Material 9.8 announces its successor at every build; the notice is not ours to act on.
export NO_MKDOCS_2_WARNING := 1

.PHONY: book serve test lint lock clean setup system-deps

## book: build the whole site (and downloads) into site/
# BOOK_EXPORTS=1 whatever the shell says: the PDFs are made, or the build stops saying why.
book: setup
	BOOK_EXPORTS=1 $(BIN)/mkdocs build --strict

## serve: preview with live reload at http://127.0.0.1:8000 (no PDFs, so reloads stay instant)
serve: setup
	BOOK_EXPORTS=0 $(BIN)/mkdocs serve --strict

## test: run the whole test suite
test: setup
	$(BIN)/python -m pytest

## lock: regenerate requirements.txt (pinned, with hashes) from requirements.in
lock: setup
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header \
	  --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

setup: $(INSTALLED) system-deps

# The virtual environment, reinstalled only when requirements.txt changes.
$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	touch $@

# The programs the PDFs and their tests need, from the system's packages.
system-deps:
	@bash scripts/system-deps.sh

clean:
	rm -rf site .pytest_cache

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'
