"""The pages of the product in words, for the access log viewer.

A page view is logged under its URL name (``tapering:timeline``); the privacy officer
reads "Tijdlijn". tests/patients/test_audit_log_views.py checks that every page that can be
opened (every GET of tests/url_cases.py) has a name here.
"""

from django.utils.translation import gettext_lazy as _

PAGE_NAMES = {
    "home": _("My tasks"),
    "patients:import-upload": _("Import prescriptions"),
    "patients:import-list": _("Import history"),
    "patients:import-detail": _("Import result"),
    "patients:import-preview": _("Import preview"),
    "patients:import-progress": _("Import result"),
    "patients:import-rejections-csv": _("Rejected rows of an import"),
    "patients:substance-list": _("Substances"),
    "patients:gp-names": _("GP names in the exports"),
    "patients:groslijst": _("Groslijst"),
    "patients:differences": _("HIS and pharmacy differences"),
    "patients:audit-log": _("Access log"),
    "patients:audit-log-export": _("Access log"),
    "patients:audit-event": _("Access log"),
    "patients:patient-access": _("Who has seen this record"),
    "patients:project-list": _("Projects"),
    "patients:project-create": _("New project"),
    "patients:project-detail": _("Project"),
    "patients:project-edit": _("Edit project"),
    "patients:plan-step-add": _("Plan of approach"),
    "patients:plan-step-edit": _("Plan of approach"),
    "patients:screening": _("Screening"),
    "patients:screening-overview": _("Screening overview"),
    "patients:screening-patient": _("Screening"),
    "patients:project-lists": _("Lists"),
    "letters:index": _("Letters"),
    "letters:mailing": _("Mailing list"),
    "letters:run-detail": _("Print run"),
    "letters:run-progress": _("Print run"),
    "letters:run-pdf": _("Letters of a print run (PDF)"),
    "letters:run-labels": _("Address labels (PDF)"),
    "letters:letter-pdf": _("Letter (PDF)"),
    "letters:patient-letters": _("Letters of a patient"),
    "letters:template-list": _("Letter texts"),
    "letters:template-edit": _("Letter texts"),
    "letters:logo": _("Practice logo"),
    "letters:signature": _("Signature"),
    "tapering:callbacks": _("Call-backs"),
    "tapering:call": _("Call"),
    "tapering:address-correct": _("Address"),
    "tapering:phone-note-search": _("Phone calls"),
    "tapering:phone-note": _("Phone calls"),
    "tapering:timeline": _("Timeline"),
    "tapering:outcome": _("Outcome"),
    "tapering:relative-remove": _("Timeline"),
    "tapering:hand-out-remove": _("Timeline"),
    "tapering:consult": _("Consult"),
    "tapering:consult-plan": _("Consult"),
    "tapering:consult-record-contact": _("Consult"),
    "tapering:schedule": _("Tapering schedule"),
    "tapering:schedule-new": _("Tapering schedule"),
    "tapering:schedule-preview": _("Tapering schedule"),
    "tapering:schedule-version": _("Tapering schedule"),
    "tapering:schedule-print": _("Tapering schedule (printout)"),
    "tapering:relapse-plan": _("Relapse-prevention plan"),
    "tapering:relapse-plan-edit": _("Relapse-prevention plan"),
    "tapering:relapse-plan-version": _("Relapse-prevention plan"),
    "tapering:relapse-plan-print": _("Relapse-prevention plan (printout)"),
    "tapering:questionnaires": _("Questionnaires"),
    "tapering:questionnaire-fill": _("Questionnaires"),
    "tapering:questionnaire-blank": _("Questionnaires"),
    "monitoring:targets": _("Result targets"),
    "monitoring:dashboard": _("Dashboard"),
    "monitoring:evaluation": _("Evaluation"),
    "monitoring:report-pdf": _("Evaluation"),
    "monitoring:dashboard-export": _("Dashboard"),
    "monitoring:dashboard-workbook": _("Dashboard"),
    "monitoring:snapshots": _("Monthly figures"),
    "monitoring:group": _("FTO group"),
    "monitoring:group-csv": _("FTO group"),
    "monitoring:group-xlsx": _("FTO group"),
}


def page_name(detail: str) -> str | None:
    """The page an event's detail names (its URL name, maybe followed by filters)."""
    name = PAGE_NAMES.get(detail.split(" ", 1)[0])
    return str(name) if name is not None else None
