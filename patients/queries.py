"""Query building blocks made from the clinical rules in ``patients/clinical.py``.

Each takes ``via``, the relation through which the prescriptions are reached
(``""`` on ``Prescription`` itself, ``"prescriptions__"`` from ``Patient``).
"""

from collections.abc import Iterable
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import DecimalField, Expression, F, Func, Q

from .clinical import BENZO_ATC_PREFIXES


def atc_prefix_filter(prefixes: Iterable[str], via: str = "") -> Q:
    """Prescriptions whose ATC code starts with one of ``prefixes``; none if there are none."""
    parts = [Q(**{f"{via}atc__startswith": p}) for p in prefixes]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def benzo_filter(via: str = "") -> Q:
    """Benzodiazepine prescriptions (``clinical.BENZO_ATC_PREFIXES``)."""
    return atc_prefix_filter(BENZO_ATC_PREFIXES, via)


def complex_filter(prefixes: Iterable[str], exceptions: Iterable[str], via: str = "") -> Q:
    """Complex comedication as ``clinical.is_complex`` defines it, for the given lists."""
    prefixes, exceptions = list(prefixes), list(exceptions)
    if not prefixes:
        return Q(pk__in=[])
    return atc_prefix_filter(prefixes, via) & ~Q(**{f"{via}atc__in": exceptions})


def ddd_known_filter(via: str = "") -> Q:
    """Prescriptions of a substance with a WHO DDD."""
    return Q(**{f"{via}substance__ddd_mg__isnull": False})


class _NotInteger(Func):
    """The value unchanged, except on SQLite, where it becomes a REAL.

    SQLite stores a whole-number decimal (10.000) as an integer, so ``30 * 10 / 15``
    would be an integer division there. PostgreSQL computes in exact numerics.
    """

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)",
                              **extra)


def ddd_per_prescription(via: str = "") -> Expression:
    """``clinical.ddd_of_prescription`` in SQL: units × strength ÷ WHO DDD, NULL without a DDD."""
    return (_NotInteger(F(f"{via}units"), output_field=DecimalField())
            * F(f"{via}strength_mg") / F(f"{via}substance__ddd_mg"))
