"""`make run`'s first look: web, worker and beat from Procfile.dev on SQLite and the file broker.

Nothing but Python is needed; the test runs the real processes, logs in with a
demo login, and sees a task travel through the file broker to the worker.
"""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def first_look(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    port = _free_port()
    # As the .env `make run` writes: DEBUG on, two-step verification off (every page says so).
    env.update(DEBUG="true", TWO_FACTOR_REQUIRED="false", ENV_FILE=str(tmp_path / "absent.env"),
               WEB_PORT=str(port),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               CELERY_DATA_DIR=str(tmp_path / "celery"), PATH=f"{BIN}:{env['PATH']}")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    demo = subprocess.run([*manage, "demo"], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    assert "poh" in demo.stdout and "demo-benzo-2026" in demo.stdout
    proc = subprocess.Popen([BIN / "honcho", "-f", "Procfile.dev", "start"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    yield {"url": f"http://127.0.0.1:{port}", "env": env, "db": tmp_path / "db.sqlite3",
           "proc": proc}
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)


def _log_in(base: str, username: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    html = opener.open(f"{base}/inloggen/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": username, "password": "demo-benzo-2026",
                                   "csrfmiddlewaretoken": token}).encode()
    response = opener.open(urllib.request.Request(f"{base}/inloggen/", data=data,
                                                  headers={"Referer": f"{base}/inloggen/"}))
    return opener, response


@pytest.mark.first_look
def test_make_run_serves_the_app_with_worker_and_beat_and_stops_on_ctrl_c(first_look):
    base = first_look["url"]
    _wait(lambda: urllib.request.urlopen(f"{base}/inloggen/").status == 200, 60, "web")

    for username in ("poh", "huisarts", "assistent", "apotheker", "monitor", "beheerder"):
        opener, response = _log_in(base, username)
        assert response.geturl() == f"{base}/", username
        page = response.read().decode()
        assert 'id="mijn-taken"' in page and 'id="tweestap-uit"' in page, username
    opener, _ = _log_in(base, "assistent")
    project = re.search(r'href="(/projecten/[0-9a-f-]+/)"',
                        opener.open(f"{base}/").read().decode()).group(1)
    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(f"{base}{project}bewerken/")
    assert refused.value.code == 403

    # A task sent through the file broker reaches the running worker.
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "from benzoproject.tasks import heartbeat; heartbeat.delay('first-look')"],
                   cwd=ROOT, env=first_look["env"], check=True, capture_output=True)

    def heartbeat_row():
        with sqlite3.connect(first_look["db"]) as db:
            return db.execute("SELECT worker FROM benzoproject_workerheartbeat "
                              "WHERE name = 'first-look'").fetchone()

    assert _wait(heartbeat_row, 60, "the worker")[0].startswith("celery@")

    proc = first_look["proc"]
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
    output = proc.communicate(timeout=60)[0].decode()
    for name in ("web", "worker", "beat"):
        assert f"{name}.1 stopped" in output, output[-2000:]
    assert "beat: Starting" in output
