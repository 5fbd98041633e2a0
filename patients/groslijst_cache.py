"""A practice's groslijst kept in the cache until its next import (docs/security.md#under-load).

``groslijst_rows`` is one aggregate over all of a practice's prescriptions, the heaviest
read of the pages people open most (the groslijst, and the dashboard's chronic users at
the project's start and now). Its answer changes only when the practice's prescriptions
or patients change, which only an import does, or when the practice's complex-
comedication rule changes. So the rows are kept in the cache under a key made of:

- the practice's uuid (never another practice's rows; a uuid is not reused, as a primary
  key of a test database is);
- the practice's *generation*: a random token kept in the cache, replaced by
  :func:`groslijst_forget` when an import of the practice finishes (in the import's
  transaction, and again once it has committed, so that a page read between the two
  cannot keep the rows from before the import);
- the source (the HIS, the pharmacy, or both combined: docs/domain.md#his-and-pharmacy;
  a link made or undone calls :func:`groslijst_forget` as an import does),
- the reference date, and the complex-comedication rule (prefixes and exceptions), so a
  changed setting finds other keys and never the old list;
- ``VERSION``, raised when the rows' arithmetic changes.

A token, not a counter: when the cache loses the generation (evicted, Redis restarted)
while older lists survive, a new token cannot meet them. The DDD threshold is not part of
the key (it only sets a field of each row). A cache that cannot be reached is skipped:
the rows are computed as before.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from datetime import date
from typing import TypeVar, cast

from django.core.cache import cache
from django.db import transaction

from .groslijst import GroslijstRow
from .models import GroslijstSource, Practice
from .selectors import groslijst_rows

logger = logging.getLogger(__name__)
T = TypeVar("T")

VERSION = 1
KEEP_SECONDS = 3600  # a bound only (a lost forget): an import makes the old rows unreachable


def _generation_key(practice: Practice) -> str:
    return f"groslijst:generation:{practice.uuid}"


def _generation(practice: Practice) -> str:
    key = _generation_key(practice)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)  # the first of two racing requests wins
        token = cache.get(key)
    return token


def _rows_key(practice: Practice, generation: str, reference_date: date,
              source: str = GroslijstSource.COMBINED) -> str:
    prefixes, exceptions = practice.complex_rule()
    rule = hashlib.sha256(" ".join([*prefixes, "|", *exceptions]).encode()).hexdigest()[:16]
    return (f"groslijst:v{VERSION}:{practice.uuid}:{generation}:{source}:"
            f"{reference_date.isoformat()}:{rule}")


def cached_under_generation(*, practice: Practice, key: Callable[[str], str],
                            compute: Callable[[], T], seconds: int, what: str) -> T:
    """``compute()``, kept in the cache under ``key(generation)``: figures made from the
    practice's patients and prescriptions (the groslijst, the new starters, the suggested
    links) stay valid until the next import or link decision replaces the generation. A
    cache that cannot be reached is skipped (``what`` names the figures in the log)."""
    try:
        # The generation is read before computing: figures computed from data an import is
        # just replacing go under the generation that import makes unreachable.
        full_key = key(_generation(practice))
        found = cache.get(full_key)
    except Exception as error:  # the cache's client raises its own connection errors
        logger.warning("%s not read from the cache: %s", what, error)
        full_key, found = None, None
    if found is not None:
        return cast(T, found)
    value = compute()
    if full_key is not None:
        try:
            cache.set(full_key, value, seconds)
        except Exception as error:
            logger.warning("%s not written to the cache: %s", what, error)
    return value


def groslijst_rows_cached(*, practice: Practice, reference_date: date,
                          ddd_threshold: int = 1,
                          source: str = GroslijstSource.COMBINED) -> list[GroslijstRow]:
    """``groslijst_rows`` of the whole practice, from the cache when the practice has not
    imported since it was computed. Each call gets rows of its own to change."""
    rows = cached_under_generation(
        practice=practice, what="groslijst", seconds=KEEP_SECONDS,
        key=lambda generation: _rows_key(practice, generation, reference_date, source),
        compute=lambda: groslijst_rows(practice=practice, reference_date=reference_date,
                                       source=source))
    for row in rows:
        row.ddd_threshold = ddd_threshold
    return rows


def groslijst_forget(*, practice: Practice) -> None:
    """Make every cached groslijst of the practice unreachable: now, and once the current
    transaction (an import) has committed."""
    def forget() -> None:
        try:
            cache.set(_generation_key(practice), uuid.uuid4().hex, None)
        except Exception as error:
            logger.warning("groslijst cache of %s not forgotten: %s", practice.code, error)

    forget()
    transaction.on_commit(forget)
