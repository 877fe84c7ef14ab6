# Two commands on a fresh machine:  `make run`  and  `make test`.  Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve worker test lint migrations-check setup setup-dev demo eval calibration screenshots clean

# A fresh venv with a current pip: the stock pip 23 mis-resolves some extras (lxml's, which
# trafilatura needs), so it is upgraded before anything is installed.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Setting up also builds the extractor's gazetteer, once, into var/cache/ (or
# SOURCES_EXTRACTION_CACHE_DIR) rather than at every process start; when it is fresh, a check.
# A cache that cannot be written is no reason to stop: each process then builds its own.
setup: $(VENV)/.installed
	-$(BIN)/python -m sources.extraction.gazetteer --build
setup-dev: $(VENV)/.installed-dev
	-$(BIN)/python -m sources.extraction.gazetteer --build

demo: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Serving http://$(HOST):$(PORT)/admin/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production shape on this machine: gunicorn and a Celery worker against PostgreSQL
# (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/seizures) and Redis (REDIS_URL,
# default redis://127.0.0.1:6379/0). See bin/serve and docs/deploy.md.
serve: setup
	bin/serve

# One more worker for background work (batch ingests), e.g. on another machine.
worker: setup
	bin/serve worker

# The browser tests drive Debian's Chromium through Playwright, which never downloads a
# browser here. Installed once, with apt (through sudo unless already root).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	@echo "Installing Debian's chromium package for the browser tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# GDAL's ogrinfo, which the partner-client tests open the GeoJSON export with as QGIS and
# ogr2ogr do (tests/partners/test_partner_clients.py). Debian's gdal-bin, installed once.
OGRINFO := /usr/bin/ogrinfo
$(OGRINFO):
	@echo "Installing Debian's gdal-bin package for the partner-client tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin

# axe-core, the accessibility engine the browser tests inject into pages, comes from the npm
# registry at the version package-lock.json pins (with its checksum), into ./node_modules. npm
# comes with this machine's Node.js; where it is missing, Debian's package brings it.
NPM := $(shell command -v npm || echo /usr/bin/npm)
$(NPM):
	@echo "Installing Debian's npm package for the accessibility tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm

# Touched: whatever dates npm gives the files it unpacks, only a newer lock file reinstalls.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json | $(NPM)
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

# One test process per core (pytest-xdist); TEST_WORKERS=0 runs the suite in this one process.
# xdist's default `load` order, never `worksteal`: pytest-django runs the tests that flush the
# database after the others, and a worker that steals must not run one of those first.
TEST_WORKERS ?= auto
test: setup-dev $(CHROMIUM) $(OGRINFO) $(AXE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The README's pictures of the review page and the overview, as the browser tests take them.
screenshots: setup-dev $(CHROMIUM) $(AXE)
	$(BIN)/python -m pytest -q tests/browser/test_field_review.py tests/browser/test_overview.py
	mkdir -p docs/screenshots
	cp var/screenshots/review-page.png var/screenshots/overview.png docs/screenshots/

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: setup-dev
	$(BIN)/python manage.py makemigrations --check --dry-run

# Extraction quality on a corpus folder (default the shared dev set), scored by the corpus's own
# scorer, then how far the extractor's confidences hold there. EXTRACTOR=dotted.path.Class runs
# another extractor than settings.SOURCES_EXTRACTOR. It runs once: the calibration table judges
# the same output the scorer scored (var/extraction.json).
CORPUS ?= ../shared/corpus
CORPUS_DEV ?= $(CORPUS)/dev
EXTRACTOR ?=
EXTRACTOR_OPTION := $(if $(EXTRACTOR),--extractor $(EXTRACTOR))
eval: setup
	@mkdir -p var
	$(BIN)/python manage.py extract $(filter-out %.gold.json,$(wildcard $(CORPUS_DEV)/*.json)) $(EXTRACTOR_OPTION) --format json --full var/extraction.json > var/predictions.json
	$(BIN)/python $(CORPUS)/score.py --gold $(CORPUS_DEV) --pred var/predictions.json
	@echo
	$(BIN)/python manage.py calibration $(CORPUS_DEV) --predictions var/extraction.json --agencies $(CORPUS)/agencies.csv

# How often the values proposed at each confidence are right, over every corpus folder with gold
# we have: the shared dev and real-dev sets and our own (sources/extraction/README.md).
# CALIBRATION_ARGS=--strict fails when values shown at 90% and up are right less than 90% of the time.
CALIBRATION_CORPORA ?= $(wildcard $(CORPUS)/dev $(CORPUS)/real-dev) $(sort $(wildcard tests/sources/extraction/heldout*))
calibration: setup
	$(BIN)/python manage.py calibration $(CALIBRATION_CORPORA) $(EXTRACTOR_OPTION) --agencies $(CORPUS)/agencies.csv $(CALIBRATION_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles node_modules
