"""Real worker, beat and command processes for tests, on the test database and Redis."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def process_env(**extra: str) -> dict:
    """The environment of a child process that uses the test database and Redis.

    The second factor is required as in production: this process's environment holds the
    first-look .env's values (settings.py reads .env into it), where it is switched off."""
    db = connection.settings_dict
    return {**os.environ, "DATABASE_URL":
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL, "TWO_FACTOR_REQUIRED": "true", **extra}


def start_celery(*args: str, env: dict) -> subprocess.Popen:
    """``celery -A benzoproject <args>`` in the project root, quiet unless it fails."""
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "benzoproject", *args,
                             "--loglevel", "WARNING"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def start_worker(queue: str, env: dict) -> subprocess.Popen:
    return start_celery("worker", "--pool", "solo", "--queues", queue, "--without-mingle",
                        "--without-gossip", env=env)


def stop(*procs: subprocess.Popen) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
