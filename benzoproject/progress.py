"""Progress of work that runs on the worker (an import, a print run): the worker stores a
percentage in the cache, the page shows it as a bar that htmx polls, and a finished job
makes the page reload."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

KEEP_SECONDS = 3600  # longer than the longest job, so a bar never falls back to 0


def progress_reporter(key: str) -> Callable[[int], None]:
    """The callback a job reports its percentage to."""
    return lambda percent: cache.set(key, percent, KEEP_SECONDS)


def progress_now(key: str, stored: int) -> int:
    """The latest percentage reported, or the one stored on the row."""
    value: int = cache.get(key, stored)
    return value


def progress_bar(request: HttpRequest, *, running: bool, template: str,
                 context: dict[str, Any]) -> HttpResponse:
    """The bar while the job runs; once it has finished, an empty answer that tells htmx
    to reload the whole page (which then shows the result)."""
    if not running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, template, context)
