#!/usr/bin/env bash
# Clean-install smoke check: what the Docker image does, without Docker.
#
# 1. A fresh virtualenv gets the runtime lock (requirements/base.txt) and nothing
#    else: no test or dev extras. It is cached by the lock's hash and the Python
#    version, so a second run skips the install but still uses exactly the lock.
# 2. A copy of the tracked files (the image's `COPY . .`) runs with production
#    settings (DEBUG off) on a throwaway SQLite database: check, migrate,
#    collectstatic.
# 3. gunicorn from that virtualenv serves /inloggen/ on a free localhost port: 200.
# 4. A Celery worker from that virtualenv, on its own queue in Redis, answers
#    `inspect ping` and runs the heartbeat task (which writes to the database).
#
# Environment: PYTHON (default python3), SMOKE_REDIS_URL (default
# redis://127.0.0.1:6379/15), SMOKE_CACHE (where the cached virtualenvs live).
# Every process it starts is stopped on exit, and the temporary folder removed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
LOCK="$ROOT/requirements/base.txt"
REDIS_URL="${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/15}"
CACHE="${SMOKE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/benzoreductie-smoke}"

say() { echo "smoke: $*"; }

# --- 1. the virtualenv from the runtime lock --------------------------------
py_version="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
key="$( { cat "$LOCK"; echo "$py_version"; } | sha256sum | cut -c1-16)"
VENV="$CACHE/venv-$key"
if [ ! -f "$VENV/.complete" ]; then
    say "building $VENV from requirements/base.txt (Python $py_version)"
    mkdir -p "$CACHE"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    # Every package of the lock has a hash and --no-deps adds nothing to it, so
    # pip check shows that the lock alone is complete.
    "$VENV/bin/python" -m pip install --quiet --require-hashes --no-deps -r "$LOCK"
    "$VENV/bin/python" -m pip check
    touch "$VENV/.complete"  # only a finished install is reused
else
    say "reusing $VENV (same lock, same Python)"
fi
BIN="$VENV/bin"
# The runtime lock must not bring test or dev tools along.
for tool in pytest playwright honcho mypy ruff; do
    if "$BIN/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$tool') is None)"; then
        say "FAIL: $tool is installed from the runtime lock"; exit 1
    fi
done

# --- 2. the application, as the image has it --------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/benzo-smoke.XXXXXX")"
PIDS=()
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ "$status" -ne 0 ]; then
        for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -40 "$log"; }; done
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT INT TERM

APP="$WORK/app"
mkdir -p "$APP"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked files plus new, not ignored ones: the working tree as it is now.
    # (Files deleted but not yet committed are skipped by --ignore-failed-read.)
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard \
        | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$APP"
else
    tar -C "$ROOT" --exclude=.venv --exclude=.git -cf - . | tar -xf - -C "$APP"
fi

export DEBUG=false
export SECRET_KEY="smoke-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export ENV_FILE=/nonexistent/.env
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
export REDIS_URL
export ALLOWED_HOSTS=127.0.0.1
# As behind the TLS proxy of a deployment: the proxy's header says the request came over HTTPS
# (without it the production defaults redirect plain HTTP to HTTPS).
export SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto
export MEDIA_ROOT="$WORK/media"
export CELERY_QUEUE="smoke-$$-$RANDOM"
export LOG_LEVEL=WARNING
unset PYTHONPATH DJANGO_SETTINGS_MODULE VIRTUAL_ENV
cd "$APP"

say "manage.py check, migrate, collectstatic"
"$BIN/python" manage.py check --fail-level ERROR
"$BIN/python" manage.py migrate --noinput >"$WORK/migrate.log"
"$BIN/python" manage.py collectstatic --noinput >"$WORK/collectstatic.log"

# --- 3. gunicorn -------------------------------------------------------------
port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN/gunicorn" benzoproject.wsgi:application --bind "127.0.0.1:$port" --workers 1 \
    >"$WORK/gunicorn.log" 2>&1 &
PIDS+=($!)
say "gunicorn on 127.0.0.1:$port"
code=""
for _ in $(seq 1 120); do
    code="$("$BIN/python" - "$port" <<'EOF' || true
import sys, urllib.error, urllib.request
try:
    request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/inloggen/",
                                     headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=5) as r:
        print(r.status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError:
    print("down")
EOF
)"
    [ "$code" = down ] || break
    kill -0 "${PIDS[0]}" 2>/dev/null || { say "FAIL: gunicorn exited"; exit 1; }
    sleep 0.5
done
if [ "$code" != 200 ]; then
    say "FAIL: GET /inloggen/ answered $code"; exit 1
fi
say "GET /inloggen/ -> 200"

# --- 4. a Celery worker ------------------------------------------------------
node="smoke-$$@$(hostname)"
"$BIN/celery" -A benzoproject worker --pool solo --queues "$CELERY_QUEUE" -n "$node" \
    --without-mingle --without-gossip --loglevel WARNING >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
say "celery worker $node on queue $CELERY_QUEUE ($REDIS_URL)"
pong=""
for _ in $(seq 1 30); do
    kill -0 "${PIDS[1]}" 2>/dev/null || { say "FAIL: the worker exited"; exit 1; }
    if pong="$("$BIN/celery" -A benzoproject inspect ping -d "$node" --timeout 2 2>&1)"; then
        break
    fi
    pong=""
    sleep 1
done
if [ -z "$pong" ]; then
    say "FAIL: the worker did not answer ping"; exit 1
fi
say "ping -> pong"
"$BIN/python" manage.py shell --no-imports -c "
from benzoproject.models import WorkerHeartbeat
from benzoproject.tasks import heartbeat
worker = heartbeat.apply_async(kwargs={'name': 'smoke'}, queue='$CELERY_QUEUE').get(timeout=60)
assert WorkerHeartbeat.objects.get(name='smoke').worker == worker == '$node', worker
"
say "heartbeat task ran on $node"
say "OK"
