"""New starters per GP per month and the share with an agreement, for the dashboard
(docs/domain.md#new-starters, #dashboard). The practice's figure, outside any project: the
project's dashboard shows it for the practice the project belongs to. The counts come from
``patients.prevention_selectors.starter_month_counts``; GP names are the export's, and no
patient is named."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from patients.models import Practice
from patients.new_starters import MonthCount
from patients.prevention_selectors import starter_month_counts

from .tables import Table

MONTHS_SHOWN = 12


def new_starters_table(*, practice: Practice, month: date,
                       months: int = MONTHS_SHOWN) -> Table:
    """The ``months`` months through ``month`` (a first day): per month one row per GP with
    new starters, then the practice's row for that month (also when it had none)."""
    first = month - relativedelta(months=months - 1)
    counts = starter_month_counts(practice=practice, first_month=first, last_month=month)
    rows: list[list] = []
    current = first
    while current <= month:
        of_month = [c for c in counts if c.month == current]
        for c in of_month:
            rows.append([current, c.gp or _("(no GP in the export)"), c.starters,
                         c.with_agreement, c.share])
        total = MonthCount(current, "", sum(c.starters for c in of_month),
                           sum(c.with_agreement for c in of_month))
        rows.append([current, _("Practice total"), total.starters, total.with_agreement,
                     total.share])
        current += relativedelta(months=1)
    return Table(key="new_starters", title=_("New starters"),
                 columns=[_("Month"), _("GP"), _("New starters"), _("With an agreement"),
                          _("With an agreement (%)")], rows=rows)
