"""The practice's HIS-versus-pharmacy differences: every linked patient, with filters and a
CSV export (docs/domain.md#his-and-pharmacy)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from benzoproject.access import DIFFERENCE_VIEWERS, audit_shown, practice_view
from benzoproject.exports import csv_streaming_response

from ..audit import audit_log
from ..differences import Difference, DifferenceKind, practice_differences
from ..forms import DifferencesForm
from ..models import AuditEvent
from ..selectors import open_participations

PAGE_SIZE = 50


def _filtered(rows: list[Difference], data: dict) -> list[Difference]:
    if data["soort"]:
        rows = [d for d in rows if d.kind == data["soort"]]
    if data["huisarts"]:
        rows = [d for d in rows if d.his_patient.gp_name == data["huisarts"]]
    if data["middel"]:
        rows = [d for d in rows if d.atc == data["middel"]]
    if data["van"]:
        rows = [d for d in rows if d.day >= data["van"]]
    if data["tot"]:
        rows = [d for d in rows if d.day <= data["tot"]]
    if data["zoek"]:
        needle = data["zoek"].casefold()
        rows = [d for d in rows if any(
            needle in text.casefold() for text in (
                d.his_patient.display_name, d.his_patient.number, d.pharmacy_patient.number))]
    return rows


@practice_view(roles=DIFFERENCE_VIEWERS)
def differences(request):
    form = DifferencesForm(request.GET)
    data = form.values()
    found = practice_differences(practice=request.practice)
    shown = _filtered(found.rows, data)
    if request.GET.get("formaat") == "csv":
        return _export(request, shown)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("pagina"))
    audit_shown(request, [p.pk for d in page.object_list
                          for p in (d.his_patient, d.pharmacy_patient)],
                detail=f"search {data['zoek']!r}" if data["zoek"] else "")
    query = request.GET.copy()
    query.pop("pagina", None)
    screening = open_participations(practice=request.practice,
                                    patient_ids={d.his_patient.pk for d in page.object_list})
    return render(request, "patients/differences.html", {
        "form": form, "data": data, "differences": found, "page": page,
        "shown_count": len(shown), "query": query.urlencode(), "screening": screening,
        "kinds": DifferenceKind.choices,
        "gps": sorted({d.his_patient.gp_name for d in found.rows} - {""}),
        "substances": sorted({(d.atc, d.substance) for d in found.rows}),
        "filtered": any(data.values()),
    })


EXPORT_HEADER = ["patiëntnummer HIS", "naam", "huisarts", "patiëntnummer apotheek", "datum",
                 "verschil", "ATC", "middel", "product", "eenheden", "gebruik",
                 "voorschrijver (apotheek)"]


def _export(request, rows: list[Difference]):
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, practice=request.practice,
              object_type="his-pharmacy differences",
              patients=sorted({p.pk for d in rows for p in (d.his_patient, d.pharmacy_patient)}),
              detail=f"csv, {len(rows)} differences")
    records = ([d.his_patient.number, d.his_patient.display_name, d.his_patient.gp_name,
                d.pharmacy_patient.number, d.day, d.kind_label, d.atc, d.substance,
                d.description, d.units, d.dosage, d.prescriber] for d in rows)
    return csv_streaming_response(f"verschillen-his-apotheek-{request.practice.code}.csv",
                                  EXPORT_HEADER, records)
