"""The suite runs on the real components (SPEC.md "Quality bars")."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from benzoproject.celery import app

ROOT = Path(__file__).resolve().parent.parent


def test_the_suite_runs_on_postgresql():
    # `make test` (and so CI) sets DATABASE_URL to PostgreSQL; SQLite is for a first look only.
    assert connection.vendor == "postgresql"


def test_celery_uses_redis_when_redis_url_is_set():
    assert settings.REDIS_URL.startswith("redis://")
    assert app.conf.broker_url == settings.REDIS_URL


def test_celery_is_configured_for_safe_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_reject_on_worker_lost is True
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def _settings_in_subprocess(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL")}
    clean.update(env, ENV_FILE="/nonexistent/.env")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT / "tests", env={**clean, "DJANGO_SETTINGS_MODULE": "benzoproject.settings",
                                 "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = _settings_in_subprocess({"DEBUG": "false"}, "pass")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_nothing_set_the_app_uses_sqlite_and_a_file_broker():
    result = _settings_in_subprocess(
        {"DEBUG": "true"},
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["django.db.backends.sqlite3", "filesystem://"]
