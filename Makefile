# The two commands a newcomer needs: `make run` and `make test`. Everything they need is
# installed by them; nothing is installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export HEARTH_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test install install-test browser lint format migrations-check serve clean bench bench-mix check-pages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

# Front-end packages from the npm registry, then `npm run build` bundles what the pages
# load (assets/build.mjs) into build/static/, which is git-ignored and served as static.
node_modules/.installed: package.json package-lock.json $(wildcard assets/*)
	npm ci --no-audit --no-fund --silent --ignore-scripts
	npm run --silent build
	touch $@

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here);
# nginx checks the shipped proxy config (deploy/nginx). RUNLEVEL=1 keeps the package from
# starting a server of its own: the tests run nginx on a port of theirs.
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 && [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; } || { \
	  echo "Installing Debian's chromium and nginx for the browser and deploy tests…"; \
	  (apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx-light fonts-dejavu-core fonts-noto-color-emoji >/dev/null) \
	  || echo "Could not install chromium and nginx: browser and proxy tests will be skipped."; }

install-test: install $(VENV)/.installed-test browser

run: install
	$(BIN)/hearth migrate --noinput -v0
	$(BIN)/hearth demo --if-empty
	$(BIN)/hearth serve

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	$(BIN)/hearth makemigrations --check --dry-run -v0

# The whole suite on SQLite, then again on PostgreSQL when it answers at 127.0.0.1:5432.
# --dist loadgroup keeps the tests of one xdist_group (one throwaway PostgreSQL cluster,
# hearth.testing.pgcluster) on one worker.
test: install-test lint migrations-check
	$(BIN)/pytest -n 2 --dist loadgroup -q
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== PostgreSQL =="; \
	  DATABASE_URL='$(PG_URL)' $(BIN)/pytest -n 2 --dist loadgroup -q --create-db -m 'not browser'; \
	else echo "PostgreSQL is not answering at 127.0.0.1:5432: skipped the PostgreSQL run."; fi

# The discussions benchmark (bench/README.md): seeds databases of its own (hearth_bench_*,
# never the test database) on the PostgreSQL at 127.0.0.1:5432, serves them with
# `hearth serve` as production runs it (granian, two processes, a psycopg pool, Redis
# databases 12 and 11 at 127.0.0.1:6379, emptied; BENCH_MODE=embedded for the earlier
# setup), loads them with Debian's wrk, then measures the health dashboard
# (bench.analytics --quick). Sizes and time: BENCH_POSTS (1000000), BENCH_MEMBERS
# (100000), BENCH_SMALL_POSTS (10000), BENCH_DURATION (10 s per page).
bench: install
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmark…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	  || echo "Could not install wrk: the benchmark uses its Python load generator."; }
	$(BIN)/python -m bench.run

# The mixed load (issue 17, bench/README.md "Issue 17: the mixed load"): production mode
# (granian, psycopg pool, Redis at BENCH_REDIS_URL, default redis://127.0.0.1:6379/13, a
# database of the bench's own that it empties) on the seeded 1M-post database, one wrk per
# request class plus held-open live streams, stepped up until p99 passes 250 ms, for 1 and 2
# processes. BENCH_POSTS, BENCH_MEMBERS, BENCH_STEP_SECONDS (10), BENCH_STREAMS (200).
bench-mix: install
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmark…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.mix

# Lighthouse (mobile preset) and the Nu HTML checker on the demo's pages, signed in where a
# page needs it, in one table (tools/check_pages/run.py; not part of `make test`). The two
# tools come from the npm registry into tools/check_pages/node_modules, apart from the app's
# own packages; the checker needs a Java runtime (Debian's default-jre-headless).
CHECK_PAGES := tools/check_pages

$(CHECK_PAGES)/node_modules/.installed: $(CHECK_PAGES)/package.json $(CHECK_PAGES)/package-lock.json
	cd $(CHECK_PAGES) && npm ci --no-audit --no-fund --silent --ignore-scripts
	touch $@

check-pages: install browser $(CHECK_PAGES)/node_modules/.installed
	@command -v java >/dev/null 2>&1 || { \
	  echo "Installing Debian's default-jre-headless for the Nu HTML checker…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null) \
	  || echo "Could not install a Java runtime: the Nu checker will not run."; }
	$(BIN)/python -m tools.check_pages $(CHECK_PAGES_ARGS)

clean:
	rm -rf $(VENV) node_modules $(CHECK_PAGES)/node_modules test-artifacts
