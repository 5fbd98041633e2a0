"""The links between the HIS's and the pharmacy's patients (docs/domain.md#his-and-pharmacy):
the suggestions to decide on, the links in force, the pairs found not the same person, the
history, and a link made by hand."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import PATIENT_LINKERS, audit_shown, fetch_for_user, practice_view

from ..link_forms import LinkPairForm, LinkSearchForm
from ..link_services import (
    LinkError,
    patient_link_confirm,
    patient_link_reject,
    patient_link_undo,
)
from ..links import (
    decisions_undone,
    link_candidates,
    link_counts,
    link_suggestions,
    links_in_force,
    rejections_in_force,
)
from ..models import Patient, PatientLink

PAGE_SIZE = 20
# The page's lists, by the query parameter ``weergave``.
LISTS = ("voorstellen", "koppelingen", "afgewezen", "geschiedenis")


def _suggestions_page(request, both_sources: bool):
    """The page of suggestions: (HIS patient, pharmacy patient) pairs."""
    pairs = link_suggestions(practice=request.practice) if both_sources else []
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("pagina"))
    people = Patient.objects.in_bulk([pk for pair in page.object_list for pk in pair])
    rows = [(people[his], people[pharmacy]) for his, pharmacy in page.object_list]
    return page, rows, [p for row in rows for p in row], len(pairs)


def _decisions_page(request, shown: str):
    """The page of one list of decisions (in force, rejected, undone)."""
    links = {"koppelingen": links_in_force, "afgewezen": rejections_in_force,
             "geschiedenis": decisions_undone}[shown](practice=request.practice)
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    return page, rows, [p for link in rows for p in (link.his_patient,
                                                       link.pharmacy_patient)]


@practice_view(roles=PATIENT_LINKERS)
def patient_links(request):
    shown = request.GET.get("weergave", LISTS[0])
    if shown not in LISTS:
        shown = LISTS[0]
    counts = link_counts(practice=request.practice)
    if shown == "voorstellen":
        page, rows, patients, suggested = _suggestions_page(request, counts.both_sources)
    else:
        page, rows, patients = _decisions_page(request, shown)
        suggested = len(link_suggestions(practice=request.practice)) \
            if counts.both_sources else 0
    audit_shown(request, patients)
    return render(request, "patients/links.html", {
        "counts": counts, "suggested": suggested, "shown": shown, "page": page,
        "rows": rows, "query": f"weergave={shown}"})


def _back(request) -> str:
    """Back to the list the button was on (only one of the page's own lists)."""
    shown = request.POST.get("weergave")
    url = reverse("patients:links")
    return f"{url}?weergave={shown}" if shown in LISTS else url


def _decide(request, service, done: str):
    form = LinkPairForm(request.POST, practice=request.practice)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect(_back(request))
    his, pharmacy = form.cleaned_data["his"], form.cleaned_data["apotheek"]
    try:
        service(user=request.user, practice=request.practice, his_patient=his,
                pharmacy_patient=pharmacy)
    except LinkError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"his": his.number, "pharmacy": pharmacy.number})
    return redirect(_back(request))


@practice_view(roles=PATIENT_LINKERS)
@require_POST
def patient_link_confirm_view(request):
    return _decide(request, patient_link_confirm,
                   _("HIS patient %(his)s and pharmacy patient %(pharmacy)s are linked."))


@practice_view(roles=PATIENT_LINKERS)
@require_POST
def patient_link_reject_view(request):
    return _decide(request, patient_link_reject,
                   _("HIS patient %(his)s and pharmacy patient %(pharmacy)s are marked as not "
                     "the same person; they are not suggested again."))


@practice_view(roles=PATIENT_LINKERS)
def patient_link_undo_view(request, link_uuid):
    """GET: what undoing means, with the button; POST: undo."""
    link = fetch_for_user(request, PatientLink.objects.select_related(
        "his_patient", "pharmacy_patient", "decided_by", "undone_by"),
        uuid=link_uuid, practice_path="practice")
    if request.method == "POST":
        try:
            patient_link_undo(user=request.user, link=link)
        except LinkError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision is undone."))
        back = "koppelingen" if link.decision == PatientLink.Decision.LINKED else "afgewezen"
        return redirect(f"{reverse('patients:links')}?weergave={back}")
    audit_shown(request, [link.his_patient, link.pharmacy_patient])
    return render(request, "patients/link_undo.html", {"link": link})


@practice_view(roles=PATIENT_LINKERS)
def patient_link_manual(request):
    """Link by hand: choose the HIS patient, then find the pharmacy patient (by default
    those born on the same day), for a person the rule cannot find (a move, a new name)."""
    search = LinkSearchForm(request.GET)
    criteria = search.criteria()
    his = None
    his_uuid = request.GET.get("his", "")
    if his_uuid:
        his = Patient.objects.filter(practice=request.practice, source=Patient.Source.HIS,
                                     uuid=his_uuid).first() if _is_uuid(his_uuid) else None
        if his is None:
            messages.error(request, _("This HIS patient was not found; search again."))
    if his is None:
        found = link_candidates(practice=request.practice, source=Patient.Source.HIS,
                                **criteria)
    else:
        if not criteria and his.birth_date:
            criteria = {"birth_date": his.birth_date}  # the first guess: born the same day
        found = link_candidates(practice=request.practice, source=Patient.Source.APOTHEEK,
                                **criteria)
    found = list(found)
    term = search.cleaned_data.get("zoek", "") if search.is_valid() else ""
    audit_shown(request, [*found, his], detail=f"search {term!r}" if term else "")
    return render(request, "patients/link_manual.html", {
        "search": search, "his": his, "found": found, "searched": bool(criteria)})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
