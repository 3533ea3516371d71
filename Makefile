# Tributary's front door. `make run` serves the product; `make test` runs every check.
# Both install what they need into .venv and frontend/node_modules first.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
WEB_BUILD := frontend/dist/index.html
WITH_SERVICES := $(BIN)/python -m backend.devservices exec --
WORKERS ?= 2
PORT ?= 8000

.PHONY: run test lint fmt schema schema-check bench install lock audit frontend chromium test-python test-frontend test-e2e clean

install: $(PY_STAMP) $(NODE_STAMP)

# Python packages come from the hashed lock (requirements/dev.lock: runtime, embedded services,
# dev tools), then torch from its one pin, then the project itself without resolving again.
$(PY_STAMP): pyproject.toml requirements/dev.lock requirements/torch.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet -r requirements/torch.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILD): $(NODE_STAMP) $(shell find frontend/src frontend/index.html frontend/vite.config.ts -type f 2>/dev/null)
	cd frontend && npm run build

frontend: $(WEB_BUILD)

# Debian's chromium for the browser tests (playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: $(PY_STAMP) $(WEB_BUILD)
	$(WITH_SERVICES) $(BIN)/python manage.py runstack --port $(PORT) --workers $(WORKERS)

lint: $(PY_STAMP) $(NODE_STAMP)
	$(BIN)/python requirements/check.py
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(WITH_SERVICES) $(BIN)/python manage.py makemigrations --check --dry-run
	cd frontend && npm run --silent lint && npm run --silent typecheck
	$(MAKE) --no-print-directory schema-check

test: lint test-python test-frontend test-e2e

# Reliability tests kill their own workers, so they get a pytest process of their own.
test-python: $(PY_STAMP)
	$(WITH_SERVICES) $(BIN)/pytest tests --ignore=tests/e2e --ignore=tests/reliability
	$(WITH_SERVICES) $(BIN)/pytest tests/reliability

test-frontend: $(NODE_STAMP)
	cd frontend && npm run --silent test

test-e2e: $(PY_STAMP) $(WEB_BUILD) chromium
	$(WITH_SERVICES) $(BIN)/pytest tests/e2e

# Benchmarks: reported as ratios against a baseline measured in the same run. Never in `test`.
# The `bench` extra (profilers, peers) is installed on demand, outside the locks.
bench: $(PY_STAMP) $(NODE_STAMP) $(WEB_BUILD) chromium
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(WITH_SERVICES) $(BIN)/python -m bench.orchestration
	$(WITH_SERVICES) $(BIN)/python -m bench.pipeline
	$(WITH_SERVICES) $(BIN)/python -m bench.log_stream
	$(WITH_SERVICES) $(BIN)/python -m bench.predict
	$(WITH_SERVICES) $(BIN)/python -m bench.editor
	$(WITH_SERVICES) $(BIN)/python -m bench.load
	$(WITH_SERVICES) $(BIN)/python -m bench.big_table

# Rewrite the hashed locks from pyproject.toml (keeping every pin that still fits; `make lock
# LOCK_FLAGS=--upgrade` moves them all to the newest allowed). torch stays in requirements/torch.txt.
LOCK_FLAGS ?=
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
	--no-emit-find-links --unsafe-package torch $(LOCK_FLAGS)
lock: $(PY_STAMP)
	$(PIP_COMPILE) --extra embedded --extra dev -o requirements/dev.lock pyproject.toml
	$(PIP_COMPILE) --extra s3 -o requirements/docker.lock pyproject.toml

# Known vulnerabilities in the locked packages, when an advisory database answers (CI runs it).
audit: $(PY_STAMP) $(NODE_STAMP)
	$(BIN)/python requirements/audit.py

fmt: $(PY_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The OpenAPI schema, the frontend's API types generated from it, and the block catalogue the
# frontend tests use (built-in blocks only: BLOCK_PLUGINS is emptied).
schema: $(PY_STAMP) $(NODE_STAMP)
	$(BIN)/python manage.py spectacular --file frontend/openapi.json --format openapi-json --validate --fail-on-warn
	cd frontend && OPENAPI_SCHEMA=openapi.json npm run --silent gen:api
	BLOCK_PLUGINS= $(BIN)/python manage.py export_blocks --file frontend/src/test/blocks.json

# Fails when the committed API types or block catalogue are stale (run `make schema`).
schema-check: schema
	@git diff --quiet -- frontend/src/api/schema.d.ts frontend/src/test/blocks.json || { \
	  echo "frontend/src/api/schema.d.ts or frontend/src/test/blocks.json is stale:" \
	    "run 'make schema' and commit them"; \
	  git --no-pager diff --stat -- frontend/src/api/schema.d.ts frontend/src/test/blocks.json; \
	  exit 1; }

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var
