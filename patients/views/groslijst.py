"""The groslijst page: chronic users on a reference date, filters, chart, export, to screening."""

from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benzoproject.access import GROSLIJST_VIEWERS, audit_shown, practice_view
from benzoproject.exports import csv_response, xlsx_response

from ..audit import audit_log
from ..forms import GroslijstForm, ToScreeningForm
from ..groslijst import GroslijstRow
from ..groslijst_cache import groslijst_rows_cached
from ..models import AuditEvent, Project
from ..selectors import (
    groslijst_details,
    groslijst_source_default,
    lasting_exclusions,
    patients_in_open_projects,
    projects_open,
)
from ..services import participations_from_groslijst

PAGE_SIZE = 50


def _filtered(rows: list[GroslijstRow], data: dict, lasting: dict) -> list[GroslijstRow]:
    # A lasting exclusion from an earlier project carries over (docs/domain.md, step 3).
    if not data["uitgesloten"]:
        rows = [r for r in rows if r.patient_id not in lasting]
    if not data["alle"]:
        rows = [r for r in rows if r.meets(data["criterium"])]
    if data["huisarts"]:
        rows = [r for r in rows if r.gp_name == data["huisarts"]]
    if data["zoek"]:
        needle = data["zoek"].lower()
        rows = [r for r in rows if needle in r.name.lower() or needle in r.number.lower()]
    if data["complex"]:
        rows = [r for r in rows if r.complex_comedication]
    if data["hoge_ddd"]:
        rows = [r for r in rows if r.over_ddd_threshold]
    sort = data["sorteer"]
    key = GroslijstForm.SORTS[sort.lstrip("-")]

    def sort_key(row: GroslijstRow):
        value = getattr(row, key)
        return (value is None, "" if value is None else value)

    return sorted(rows, key=sort_key, reverse=sort.startswith("-"))


def _per_gp(rows: list[GroslijstRow], criterion: str) -> list[tuple[str, int, int]]:
    """(GP, chronic users, bar width in %) for the chart, most users first."""
    counts = Counter(r.gp_name or _("unknown") for r in rows if r.meets(criterion))
    most = max(counts.values(), default=0)
    return [(gp, n, round(100 * n / most)) for gp, n in counts.most_common()]


def _groslijst_shown(practice, query) -> tuple[GroslijstForm, dict, list[GroslijstRow],
                                                 dict, list[GroslijstRow]]:
    """The groslijst as the page with ``query`` (its filters) shows it, over all pages."""
    form = GroslijstForm(query, source=groslijst_source_default(practice=practice))
    data = form.values()
    rows = groslijst_rows_cached(practice=practice, reference_date=data["peildatum"],
                                 ddd_threshold=int(data["drempel"]), source=data["bron"])
    lasting = lasting_exclusions(practice=practice)
    return form, data, rows, lasting, _filtered(rows, data, lasting)


@practice_view(roles=GROSLIJST_VIEWERS)
def groslijst(request):
    form, data, rows, lasting, shown = _groslijst_shown(request.practice, request.GET)
    reference = data["peildatum"]
    threshold = int(data["drempel"])
    fmt = request.GET.get("formaat")
    if fmt in ("csv", "xlsx"):
        return _export(request, fmt, shown, reference, data["bron"])
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("pagina"))
    audit_shown(request, [r.patient_id for r in page.object_list],
                detail=f"search {data['zoek']!r}" if data["zoek"] else "")
    groslijst_details(practice=request.practice, rows=list(page.object_list),
                      reference_date=reference, source=data["bron"])
    projects = projects_open(practice=request.practice)
    in_projects = patients_in_open_projects(
        practice=request.practice, patient_ids=[r.patient_id for r in page.object_list])
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "patients/groslijst.html", {
        "form": form, "page": page, "reference": reference, "criterion": data["criterium"],
        "shown_count": len(shown),
        "criterion_label": Project.Criterion(data["criterium"]).label,
        "source": data["bron"], "source_label": Project.Source(data["bron"]).label,
        "total": len(rows), "chronic": sum(1 for r in rows if r.meets(data["criterium"])),
        "per_gp": _per_gp(rows, data["criterium"]), "gps": sorted({r.gp_name for r in rows}),
        "projects": projects, "in_projects": in_projects, "query": query.urlencode(),
        "threshold": threshold, "sort_links": _sort_links(request, data["sorteer"]),
        "lasting": {r.patient_id: lasting[r.patient_id] for r in page.object_list
                    if r.patient_id in lasting},
        "hidden_lasting": 0 if data["uitgesloten"] else sum(
            1 for r in rows if r.patient_id in lasting and r.meets(data["criterium"])),
    })


def _sort_links(request, current: str) -> dict[str, str]:
    """For each sortable column, the query string that sorts by it (again: reversed)."""
    links = {}
    for key in GroslijstForm.SORTS:
        query = request.GET.copy()
        query.pop("pagina", None)
        query["sorteer"] = f"-{key}" if current == key else key
        links[key] = query.urlencode()
    return links


EXPORT_HEADER = ["patiëntnummer", "naam", "geboortedatum", "huisarts", "middelen",
                 "laatste voorschrift", "product", "gebruik", "eenheden 12 mnd", "DDD per dag",
                 "recent en eerder", "meer dan 90 eenheden", "complexe comedicatie",
                 "DDD onbekend", "waarom op de lijst"]


def _export(request, fmt: str, rows: list[GroslijstRow], reference, source: str):
    groslijst_details(practice=request.practice, rows=rows, reference_date=reference,
                      source=source)
    audit_log(user=request.user, action=AuditEvent.Action.EXPORT, practice=request.practice,
              object_type="groslijst", patients=[r.patient_id for r in rows],
              detail=f"{fmt}, {len(rows)} patients, R={reference}, source={source}")

    def yes(value: bool) -> str:
        return "ja" if value else "nee"

    records = [[r.number, r.name, r.birth_date, r.gp_name, ", ".join(r.substances), r.last_date,
                r.last_description, r.last_dosage, r.units_12m, r.ddd_per_day,
                yes(r.recent_and_past), yes(r.over_90_units), yes(r.complex_comedication),
                yes(r.ddd_unknown), "; ".join(r.why())] for r in rows]
    name = f"groslijst-{request.practice.code}-{reference:%Y-%m-%d}"
    if fmt == "csv":
        return csv_response(f"{name}.csv", EXPORT_HEADER, records)
    return xlsx_response(f"{name}.xlsx", "Groslijst", EXPORT_HEADER,
                         [[float(r.ddd_per_day) if i == 9 else v for i, v in enumerate(rec)]
                          for r, rec in zip(rows, records, strict=True)])


@practice_view(roles=GROSLIJST_VIEWERS)
@require_POST
def to_screening(request):
    back = request.POST.get("terug", "")
    posted = request.POST.copy()
    if posted.get("bereik") == "alle":
        # "All on the list": every patient the list shows under its filters, on every
        # page, as the page itself counts them (docs/domain.md, step 2).
        _form, data, _rows, _lasting, shown = _groslijst_shown(request.practice,
                                                               QueryDict(back))
        posted.setlist("patients", [row.patient_uuid for row in shown])
        posted["peildatum"] = data["peildatum"].isoformat()
    form = ToScreeningForm(posted, practice=request.practice)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{_groslijst_url()}?{back}")
    project = form.cleaned_data["project"]
    patients = list(form.cleaned_data["patients"])
    added = participations_from_groslijst(
        user=request.user, project=project, patients=patients,
        reference_date=form.cleaned_data["peildatum"])
    messages.success(request, ngettext(
        "%(n)s patient added to the screening of “%(project)s”.",
        "%(n)s patients added to the screening of “%(project)s”.", added)
        % {"n": added, "project": project.name})
    if added < len(patients):
        messages.info(request, _("%(n)s were already in this project and were left as they are.")
                      % {"n": len(patients) - added})
    return redirect(f"{_groslijst_url()}?{back}")


def _groslijst_url() -> str:
    from django.urls import reverse

    return reverse("patients:groslijst")
