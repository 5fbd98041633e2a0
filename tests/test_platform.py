"""The suite runs on the real components (docs/domain.md#quality-bars)."""

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
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "benzoproject.settings",
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


def _locked(lock: str) -> dict[str, str]:
    """Package name (normalised) → pinned version in a lock under requirements/."""
    from packaging.utils import canonicalize_name

    pins = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split(" ")[0].split(";")[0].split("==")
            pins[canonicalize_name(name.split("[")[0])] = version
    return pins


def _declared(*extras: str, runtime: bool = True) -> list:
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"]) if runtime else []
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    return [Requirement(spec) for spec in specs]


def test_the_runtime_lock_pins_every_runtime_dependency():
    from packaging.utils import canonicalize_name

    pins = _locked("base.txt")
    for req in _declared():
        version = pins.get(canonicalize_name(req.name))
        assert version, f"{req.name} is missing from requirements/base.txt: run `make lock`"
        assert req.specifier.contains(version, prereleases=True), (req, version)


def test_the_development_lock_pins_every_extra_with_the_runtime_versions():
    from packaging.utils import canonicalize_name

    runtime, dev = _locked("base.txt"), _locked("dev.txt")
    for req in _declared("test", "dev"):
        version = dev.get(canonicalize_name(req.name))
        assert version, f"{req.name} is missing from requirements/dev.txt: run `make lock`"
        assert req.specifier.contains(version, prereleases=True), (req, version)
    assert {name: dev[name] for name in runtime} == runtime


def test_the_runtime_lock_brings_no_test_or_dev_tool():
    from packaging.utils import canonicalize_name

    runtime = _locked("base.txt")
    tools = {canonicalize_name(req.name) for req in _declared("test", "dev", runtime=False)}
    assert tools and not tools & set(runtime)


def test_the_image_installs_the_runtime_lock_and_no_extra():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-r requirements/base.txt" in dockerfile
    assert "--require-hashes" in dockerfile
    assert "[test]" not in dockerfile and "dev.txt" not in dockerfile


def test_make_test_runs_the_import_contracts_the_type_check_and_the_smoke_check():
    makefile = (ROOT / "Makefile").read_text()
    assert "lint-imports" in makefile
    assert "$(BIN)/mypy" in makefile
    test_rule = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert {"lint", "typecheck", "smoke"} <= set(test_rule.split())
