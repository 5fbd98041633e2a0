"""The printable blank form of a questionnaire asked in the app (the BWSQ), for the patient
to fill in at home (docs/domain.md#questionnaires): the instruction, and per item a box to
tick for each answer, with the practice's name. Only instruments worded by this project
have items, so a licensed instrument can never be printed with invented items."""

from django.template.loader import render_to_string

from letters.pdf import html_to_pdf

from .questionnaires import Definition


def blank_form_html(definition: Definition, *, practice_name: str) -> str:
    options = definition.items[0].options if definition.items else ()
    return render_to_string("tapering/print/questionnaire_blank.html", {
        "definition": definition, "practice_name": practice_name, "options": options})


def blank_form_pdf(definition: Definition, *, practice_name: str) -> bytes:
    return html_to_pdf(blank_form_html(definition, practice_name=practice_name))
