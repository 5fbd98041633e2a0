# Benzoreductie: `make run` for a first look, `make test` for everything CI runs,
# `make test-fast` for the edit-test loop.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
APT_PACKAGES := chromium chromium-driver poppler-utils gettext libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The suite runs against the real services (docs/domain.md#quality-bars).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/benzoreductie
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# The smoke check's worker listens on a queue of its own, so sharing Redis is safe.
SMOKE_REDIS_URL ?= $(TEST_REDIS_URL)
TEST_ENV = DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)

# Locks (uv pip compile from pyproject.toml): base.txt is the runtime (Dockerfile,
# smoke check), dev.txt adds the test and dev extras (this virtualenv).
LOCK := requirements/base.txt
DEV_LOCK := requirements/dev.txt
LOCK_OPTS := --universal --python-version 3.11 --generate-hashes --quiet --custom-compile-command 'make lock'
FAST_MARKERS := not browser and not celery_live and not first_look
BANDIT_TARGETS := benzoproject patients letters tapering monitoring manage.py

.PHONY: install run test test-fast smoke lint security typecheck lock bench system-deps services messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Everything from the development lock, hashes checked; the project itself is not
# installed (no packages: it runs from this folder).
$(VENV)/.installed: $(DEV_LOCK) | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(DEV_LOCK)
	touch $@

# A first-look .env: DEBUG on, a fresh secret, no database or Redis URL (SQLite, file broker),
# and no second factor at login (every page says so; refused without DEBUG).
.env:
	@echo "DEBUG=true" > $@
	@echo "TWO_FACTOR_REQUIRED=false" >> $@
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> $@
	@echo "Wrote .env for a local first look (see .env.example for every variable)."

install: $(VENV)/.installed .env

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo "Open http://127.0.0.1:8000 and log in with a demo login above. Ctrl-C stops web, worker and beat."
	$(BIN)/honcho -f Procfile.dev start

# Debian packages for browser tests, PDFs and translations; installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# PostgreSQL and Redis must answer; start them (or install them) when they do not.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { \
	  command -v pg_ctlcluster >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }; \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; }; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	  for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 -p 6379 ping

# LOCK_ARGS="--upgrade" (or "--upgrade-package pandas") moves pins; without it
# the versions already locked are kept and only what pyproject.toml changed moves.
lock: install
	$(BIN)/uv pip compile pyproject.toml $(LOCK_OPTS) $(LOCK_ARGS) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev -c $(LOCK) $(LOCK_OPTS) $(LOCK_ARGS) -o $(DEV_LOCK)

# ruff, and the import-linter contracts of pyproject.toml (docs/architecture.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

# bandit over the app code ([tool.bandit] in pyproject.toml); a finding fails the build.
# Its parser warns about the words of each `# nosec B### - reason` and about a nosec on a
# multi-line statement it matched elsewhere; those lines are noise and filtered out.
security: install
	$(BIN)/bandit -c pyproject.toml -r $(BANDIT_TARGETS) -q 2> >(grep -v -e "Test in comment:" -e "but no failed test on file" >&2)

# mypy with django-stubs: strict for the plain modules, the default level elsewhere.
typecheck: install
	$(TEST_ENV) $(BIN)/mypy

# A fresh virtualenv from the runtime lock alone serves /inloggen/ with gunicorn
# and runs a task on a Celery worker: the Docker image's install, without Docker.
smoke: services
	PYTHON=$(PYTHON) SMOKE_REDIS_URL=$(SMOKE_REDIS_URL) scripts/smoke_install.sh

messages: install
	$(PY) manage.py makemessages -l nl --no-obsolete --ignore='.venv/*' --ignore='staticfiles/*' --ignore='var/*'
	$(PY) manage.py compilemessages -l nl --ignore='.venv/*'

# Production settings as a deployment has them, without the first-look .env: DEBUG off, a
# fresh 50+ character secret; the deploy checks must pass without any extra variable.
DEPLOY_ENV = ENV_FILE=/nonexistent/.env DEBUG=false ALLOWED_HOSTS=benzo.example.nl \
  SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  PSEUDONYM_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')"

test: install system-deps services lint security typecheck smoke
	$(TEST_ENV) $(PY) manage.py check --fail-level WARNING
	$(TEST_ENV) $(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest $(PYTEST_ARGS)

# The edit-test loop: no browser, no live Celery, no first look, no smoke check,
# and the test database kept between runs (--create-db rebuilds it after a migration).
test-fast: install services
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true \
	  $(BIN)/pytest -m "$(FAST_MARKERS)" --reuse-db $(PYTEST_ARGS)

# BENCH_ARGS="--only letters" (or "--only import", "--only load") runs one part; the load
# test uses Redis as the cache, as in production.
bench: install services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .import_linter_cache .mypy_cache staticfiles var test-artifacts
