"""The patient's printout of the relapse-prevention plan (docs/domain.md#relapse-plan):
one or two A4 pages in plain Dutch (B1) with the practice's name and logo. HTML from
``templates/tapering/print/relapse_plan.html``, PDF through the one WeasyPrint helper
(``letters.pdf.html_to_pdf``).

API: ``relapse_pdf(*, content, patient_name, practice, made_on, reviewed_on) -> bytes``
with ``content`` a ``tapering.relapse.PlanContent`` and ``practice`` a
``letters.render.PracticeData`` (``letters.selectors.practice_data``).
"""

from datetime import date

from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from benzoproject.formats import format_date
from letters.pdf import html_to_pdf
from letters.render import PracticeData, css_string

from .printout import page_number_css
from .relapse import PHASE_FIELDS, PHASES, PlanContent

# What the patient reads above each phase: the phase in their own words.
PHASE_INTRO = {
    "stable": _("This is how I notice that things are going well."),
    "early": _("These are the first signs that things are going less well. Then I act "
               "early."),
    "worse": _("These are the signs that things are going badly. Then I ask for help at "
               "once."),
}


def relapse_html(*, content: PlanContent, patient_name: str, practice: PracticeData,
                 made_on: date, reviewed_on: date | None) -> str:
    phases = content.phases_json()
    footer = gettext("Relapse-prevention plan of %(name)s · %(practice)s") % {
        "name": patient_name, "practice": practice.name}
    return render_to_string("tapering/print/relapse_plan.html", {
        "patient_name": patient_name, "practice": practice,
        "made_on": format_date(made_on),
        "reviewed_on": format_date(reviewed_on) if reviewed_on else "",
        "update_on": format_date(content.update_on) if content.update_on else "",
        "phases": [{"key": key, "title": title, "intro": str(PHASE_INTRO[key]),
                    "rows": [(label, phases[key][name]) for name, label
                             in PHASE_FIELDS.items()]}
                   for key, title in PHASES.items()],
        "safety": content.safety.strip(), "people": content.people_json(),
        "footer_css": css_string(footer),
        "page_number_css": page_number_css(),
    })


def relapse_pdf(*, content: PlanContent, patient_name: str, practice: PracticeData,
                made_on: date, reviewed_on: date | None) -> bytes:
    return html_to_pdf(relapse_html(content=content, patient_name=patient_name,
                                    practice=practice, made_on=made_on,
                                    reviewed_on=reviewed_on))
