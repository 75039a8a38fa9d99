# LunarShare — the two commands a newcomer needs:
#   make demo   install, migrate an SQLite database, load the demo data, serve http://127.0.0.1:8000
#   make test   the whole suite (unit, API, browser) on DATABASE_URL (unset: SQLite)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000
export LUNARSHARE_DATA_DIR ?= $(CURDIR)/data

.PHONY: install install-prod demo serve serve-prod test test-fast bench lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Production: runtime pins only (no test runner, browser driver or linter).
install-prod: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python scripts/compile_messages.py

# Development: runtime pins plus the test and lint tools.
install: install-prod
	$(BIN)/pip install --quiet -r requirements-dev.lock

demo: install
	DEBUG=1 $(BIN)/lunarshare migrate --no-input -v0
	DEBUG=1 LUNARSHARE_SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/lunarshare demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@# Served with DEBUG off: the styled 404/500 pages show and WhiteNoise serves the static files;
	@# plain-http cookies for 127.0.0.1 (SECURE_COOKIES=0). Private files are never served by address.
	SECURE_COOKIES=0 LUNARSHARE_SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/lunarshare runserver 127.0.0.1:$(PORT)

# The production shape on this machine: gunicorn (WEB_CONCURRENCY workers), a Celery worker
# and Celery beat from the Procfile, against DATABASE_URL, REDIS_URL and (STORAGE_BACKEND=s3)
# an S3-compatible bucket. WEB=2 starts two gunicorns on PORT and PORT+1.
WEB ?= 1
serve-prod: install-prod
	@test -n "$$DATABASE_URL" || { echo "serve-prod: set DATABASE_URL (postgres://...)"; exit 2; }
	@test -n "$$REDIS_URL" || { echo "serve-prod: set REDIS_URL (redis://...)"; exit 2; }
	$(BIN)/lunarshare migrate --no-input -v0
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start --port $(PORT) --concurrency web=$(WEB),worker=1,beat=1

test: install
	$(BIN)/python -m pytest -q -n auto $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check src bench

messages: install
	cd src/lunarshare && ../../$(BIN)/lunarshare makemessages -l zh_Hans --ignore=tests --no-obsolete

clean:
	rm -rf $(VENV) data
