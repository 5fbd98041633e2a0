"""The simulated users of the load benchmark (``bench/load.py`` runs locust headless on it).

Reads the plan ``BENCH_LOAD_PLAN`` names (written by ``python -m bench.load setup``): each
locust user takes the next entry, sends that entry's session cookie and opens its pages
one after another, ``BENCH_LOAD_THINK`` seconds apart, for as long as locust runs. With
``BENCH_LOAD_KIND=base`` every user opens the plan's base page (the login page) without a
session instead. On quitting it writes the seconds each page's answers took, leaving out
those of the first ``BENCH_LOAD_WARM_UP`` seconds, and every answer that was not a 200, as
JSON to ``BENCH_LOAD_TIMES``.
"""

import itertools
import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

from locust import FastHttpUser, constant, events, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
KIND = os.environ.get("BENCH_LOAD_KIND", "pages")
WARM_UP = float(os.environ.get("BENCH_LOAD_WARM_UP", "10"))
THINK = float(os.environ.get("BENCH_LOAD_THINK", "1"))

_next_user = itertools.count()
_clock = {"started": time.monotonic()}
_times: defaultdict[str, list[float]] = defaultdict(list)
_failures: Counter[str] = Counter()


@events.test_start.add_listener
def _started(**_kwargs) -> None:
    _clock["started"] = time.monotonic()


@events.quitting.add_listener
def _write(**_kwargs) -> None:
    Path(os.environ["BENCH_LOAD_TIMES"]).write_text(
        json.dumps({"times": _times, "failures": _failures}))


class PracticeUser(FastHttpUser):
    wait_time = constant(THINK)

    def on_start(self) -> None:
        entry = PLAN["users"][next(_next_user) % len(PLAN["users"])]
        if KIND == "base":
            self.pages, self.headers = itertools.cycle(PLAN["base"]), {}
        else:
            self.pages = itertools.cycle(entry["pages"])
            self.headers = {"Cookie": f"{PLAN['cookie']}={entry['session']}"}

    @task
    def open_page(self) -> None:
        label, url = next(self.pages)
        begun = time.monotonic()
        with self.client.get(url, name=label, headers=self.headers, catch_response=True,
                             allow_redirects=False) as answer:
            seconds = time.monotonic() - begun
            if answer.status_code != 200:
                _failures[f"{label}: {answer.status_code}"] += 1
                answer.failure(f"{answer.status_code}")
            elif begun - _clock["started"] >= WARM_UP:
                _times[label].append(seconds)
