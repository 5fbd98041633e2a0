"""The patient's printout of a tapering schedule (docs/domain.md#tapering-schedules):
a week calendar with a tick box per day and the tablets drawn as fractions, what to
do when it gets hard, and a diary page per week. Plain Dutch (B1), the practice's
logo and the POH-GGZ's phone number. HTML from ``templates/tapering/print/``,
PDF through the one WeasyPrint helper (``letters.pdf``).

API (fixed; the schedule pages call it):

- ``schedule_pdf(*, steps, patient_name, practice, poh_name, poh_phone, made_on) -> bytes``
  where ``steps`` are ``tapering.schedule.Step`` rows (the last one dose 0) and
  ``practice`` is ``letters.render.PracticeData`` (``letters.selectors.practice_data``).
"""

from collections.abc import Sequence
from datetime import date

from letters.render import PracticeData

from .schedule import Step


def schedule_pdf(*, steps: Sequence[Step], patient_name: str, practice: PracticeData,
                 poh_name: str, poh_phone: str, made_on: date) -> bytes:
    raise NotImplementedError
