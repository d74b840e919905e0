# Planboard's two everyday commands:
#   make run    set up .venv, migrate, load the demo plans and serve http://127.0.0.1:8000/
#   make test   set up .venv with the test tools, lint (ruff, import-linter), run Django's checks and the test suite
#   make lint   only the linters: ruff check, ruff format --check, lint-imports (the layers in pyproject.toml)
# Neither needs anything but python3.11: with no DATABASE_URL the database is a SQLite file
# under var/, and with no REDIS_URL Celery tasks run inline.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-x -k settings"`.
PYTEST_ARGS ?=

# pip runs again only when pyproject.toml is newer than the stamp it left behind.
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help run test lint clean system-deps

help:
	@echo "make run     install, migrate, load the demo plans, serve http://127.0.0.1:8000/"
	@echo "make test    install with test tools, lint, check, verify migrations, run pytest"
	@echo "make lint    ruff check, ruff format --check and the import-linter layer contracts"
	@echo "make clean   remove .venv, var/ (the SQLite database, media, static) and caches"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Planboard needs $(PYTHON) on PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The dev extra includes everything `pip install -e .` does, so it satisfies `make run` too.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

system-deps:
	@bin/system-deps

var:
	mkdir -p var

run: $(RUN_STAMP) system-deps | var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: lint system-deps | var
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache planboard.egg-info build dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The recalculation benchmark (bench/recalculation.py, not a test): generates the "big city" at
# BENCH_SCALES (default 0.1,1; add 10 with BENCH_SCALES=0.1,1,10) into DATABASE_URL, by default
# the local PostgreSQL database planboard_bench (created when missing), and prints PASS/FAIL.
# Then the import benchmark (bench/import_updates.py): a 5,000-row status update file, at most 30 s,
# in IMPORT_BENCH_DATABASE_URL (default: the local PostgreSQL database planboard_importbench).
# Then, on the scale-1 plan in DATABASE_URL (reused, generated if missing), Planboard under gunicorn
# with DEBUG off and the local Redis as its shared cache (CACHE_URL, default redis://127.0.0.1:6379/2):
# API list throughput against a hello-world view, with the response cache and without (bench/api_throughput.py, wrk),
# read p95/p99 and throughput of 16 readers of plan-filtered API lists with no writes and with one
# status update a second in another plan or in the same one (bench/reads_during_writes.py; adds a
# small plan, bench-cache, when missing),
# dashboard and initiative page latency (bench/pages.py, wrk: BENCH_REPEATS runs, default 3, as
# min/median/max of p50 and p95, for a Viewer and a department liaison; also at scale 10 when the
# plan bench-10 exists, which BENCH_SCALES=0.1,1,10 makes: target dashboard p95 <= 150 ms at scale
# 1 and 10), the report card's seconds and peak memory against WeasyPrint on the same HTML
# (bench/report_card.py) at scales 1 and 10 (bench-10 when BENCH_SCALES has made it, skipped
# otherwise; BENCH_REPORT_CARD_SCALES=1 leaves it out; the card is bounded, so scale 10 renders in
# about the time of scale 1, ~10 s), BENCH_REPEATS runs each as min/median/max with the load
# average, the plan export's seconds, bytes and peak memory: the streamed answer's serving
# process at scale 1 and, when BENCH_SCALES made it, the background job's worker at scale 10 with
# the 202 that starts it (bench/export.py, Django's test client in a fresh child), and fifty editors saving at once beside a Celery worker under each
# gunicorn setup (bench/saves.py; broker: database 3 of the local Redis, BENCH_BROKER_URL).
# Every benchmark runs even when
# an earlier one reports a FAIL; make fails at the end if any did. wrk comes from Debian: installed
# here when missing and make runs as root.
.PHONY: bench
bench: $(RUN_STAMP)
	@command -v wrk >/dev/null || if [ "$$(id -u)" = 0 ]; then \
		apt-get install -y --no-install-recommends wrk || { apt-get update && apt-get install -y --no-install-recommends wrk; }; \
	else echo "make bench needs wrk (HTTP load generator): run 'apt-get install -y wrk' as root." >&2; exit 1; fi
	@url="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/planboard_bench}"; status=0; \
	echo "make bench: DATABASE_URL=$$(echo "$$url" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')"; \
	DATABASE_URL="$$url" $(BIN)/python bench/recalculation.py || status=1; \
	DATABASE_URL="$${IMPORT_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/planboard_importbench}" $(BIN)/python bench/import_updates.py || status=1; \
	for script in api_throughput reads_during_writes pages report_card export saves; do \
		DATABASE_URL="$$url" $(BIN)/python bench/$$script.py || status=1; \
	done; exit $$status
