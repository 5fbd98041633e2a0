"""Progress of work that runs on the worker (an import, a print run): the worker stores a
percentage in the cache, the page shows it as a bar that htmx polls, and a finished job
makes the page reload.

The cache is only a faster view of what the database holds: while it cannot be
reached (Redis down) a page shows the percentage stored on the row and a job goes on
without reporting (the cache's timeouts in settings are short, so nothing hangs)."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .background import pause_point

logger = logging.getLogger(__name__)

KEEP_SECONDS = 3600  # longer than the longest job, so a bar never falls back to 0


def progress_reporter(key: str) -> Callable[[int], None]:
    """The callback a job reports its percentage to; a cache that cannot be reached is
    skipped. (Between 0 and 100 it is also the process tests' pause point.)"""
    def report(percent: int) -> None:
        try:
            cache.set(key, percent, KEEP_SECONDS)
        except Exception as error:  # the cache's client raises its own connection errors
            logger.warning("progress %s not reported: %s", key, error)
        if 0 < percent < 100:
            pause_point(key)
    return report


def progress_now(key: str, stored: int) -> int:
    """The latest percentage reported, or the one stored on the row (also when the cache
    cannot be reached)."""
    try:
        value = cache.get(key, stored)
    except Exception as error:  # redis.exceptions.ConnectionError, TimeoutError, …
        logger.warning("progress %s not read: %s", key, error)
        return stored
    return int(value) if isinstance(value, int) else stored


def progress_bar(request: HttpRequest, *, running: bool, template: str,
                 context: dict[str, Any]) -> HttpResponse:
    """The bar while the job runs; once it has finished, an empty answer that tells htmx
    to reload the whole page (which then shows the result)."""
    if not running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, template, context)
