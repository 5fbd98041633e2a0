"""New starters (prevention, docs/domain.md#new-starters): the list per GP for the GPs and
the POH-GGZ, one new starter with the agreement the GP records, and the review done or
moved. The assistant, the pharmacist and the monitor see none of it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import audit_shown, fetch_for_user, practice_view

from ..links import link_partner
from ..models import Patient, Prescription, Role, StarterAgreement
from ..new_starters import lookback_start
from ..prevention_forms import AgreementForm, NewDateForm, StarterFilterForm
from ..prevention_selectors import (
    StarterRow,
    history_starts_late,
    last_benzo_prescriptions,
    rows_for_gp,
    starter_rows,
)
from ..prevention_services import (
    AgreementRefused,
    starter_agreement_save,
    starter_review_done,
    starter_review_move,
)
from ..queries import benzo_filter
from ..selectors import practice_gps

STARTER_VIEWERS = (Role.HUISARTS, Role.POH_GGZ)
AGREEMENT_RECORDERS = (Role.HUISARTS,)
PAGE_SIZE = 50
SHOWN = {"zonder-afspraak": lambda r: r.new_starter and r.without_agreement,
         "evaluatie": lambda r: r.review_due, "doorgebruik": lambda r: r.flagged}


@practice_view(roles=STARTER_VIEWERS)
def new_starters(request):
    today = timezone.localdate()
    gps = [(gp.pk, gp.get_full_name() or gp.username)
           for gp in practice_gps(practice=request.practice)]
    form = StarterFilterForm(request.GET, gps=gps)
    if not form.is_valid():
        messages.error(request, _("That filter does not exist; everyone is shown."))
        form = StarterFilterForm({}, gps=gps)
        form.is_valid()
    data = form.cleaned_data
    rows = rows_for_gp(starter_rows(practice=request.practice, today=today), data["huisarts"])
    if data["toon"]:
        rows = [r for r in rows if SHOWN[data["toon"]](r)]
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(data["pagina"] or 1)
    audit_shown(request, [r.patient for r in page.object_list])  # NEN 7513
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(request, "patients/new_starters.html", {
        "form": form, "page": page, "today": today, "query": query.urlencode(),
        "history_from": history_starts_late(practice=request.practice, today=today),
        "may_record": request.membership.role in AGREEMENT_RECORDERS})


def _starter_for_user(request, patient_uuid) -> StarterRow:
    """The patient's row of the list, or 404: the page is no way to look up other patients."""
    patient = fetch_for_user(request, Patient, uuid=patient_uuid, practice_path="practice")
    row = next((r for r in starter_rows(practice=request.practice, today=timezone.localdate())
                if r.patient.pk == patient.pk), None)
    if row is None:
        agreement = (StarterAgreement.objects.filter(patient=patient).select_related("gp")
                     .order_by("started_on", "id").last())
        if agreement is None:
            raise Http404
        today = timezone.localdate()
        last = last_benzo_prescriptions(practice=request.practice, patient_ids=[patient.pk],
                                        today=today)
        row = StarterRow(patient=patient, gp_user_id=None, started_on=agreement.started_on,
                         new_starter=False, agreement=agreement,
                         last_prescription=last.get(patient.pk), today=today)
    return row


def _page(request, row: StarterRow, form=None, date_form=None, status=200):
    partner = link_partner(patient=row.patient)  # the pharmacy's dispensings too, if linked
    patients = [row.patient] + ([partner] if partner else [])
    audit_shown(request, patients)
    prescriptions = (Prescription.objects.filter(patient__in=patients)
                     .filter(benzo_filter(), date__gt=lookback_start(row.started_on))
                     .order_by("-date", "batch_id", "line"))
    may_record = request.membership.role in AGREEMENT_RECORDERS
    if form is None and may_record:
        initial = AgreementForm.initial_of(row.agreement) if row.agreement else {}
        form = AgreementForm(initial=initial, started_on=row.started_on)
    if date_form is None and may_record and row.agreement is not None:
        date_form = NewDateForm(started_on=row.started_on)
    return render(request, "patients/new_starter.html", {
        "row": row, "agreement": row.agreement, "prescriptions": prescriptions[:50],
        "form": form, "date_form": date_form, "may_record": may_record,
        "editing": request.GET.get("wijzigen") == "1" or row.agreement is None,
    }, status=status)


@practice_view(roles=STARTER_VIEWERS)
def new_starter(request, patient_uuid):
    return _page(request, _starter_for_user(request, patient_uuid))


@practice_view(roles=AGREEMENT_RECORDERS)
@require_POST
def agreement_save(request, patient_uuid):
    row = _starter_for_user(request, patient_uuid)
    form = AgreementForm(request.POST, started_on=row.started_on)
    if not form.is_valid():
        return _page(request, row, form=form, status=400)
    try:
        starter_agreement_save(user=request.user, practice=request.practice,
                               patient=row.patient, started_on=row.started_on,
                               data=form.agreement_data(), agreement=row.agreement)
    except AgreementRefused as refused:
        messages.error(request, str(refused))
        return redirect("patients:new-starter", patient_uuid=row.patient.uuid)
    messages.success(request, _("The agreement is saved."))
    return redirect("patients:new-starter", patient_uuid=row.patient.uuid)


def _agreement_for_user(request, patient_uuid) -> tuple[StarterRow, StarterAgreement]:
    row = _starter_for_user(request, patient_uuid)
    if row.agreement is None:
        raise Http404
    return row, row.agreement


@practice_view(roles=AGREEMENT_RECORDERS)
@require_POST
def review_done(request, patient_uuid):
    row, agreement = _agreement_for_user(request, patient_uuid)
    if starter_review_done(user=request.user, agreement=agreement):
        messages.success(request, _("The review is marked as done."))
    else:
        messages.info(request, _("The review was already marked as done."))
    return redirect("patients:new-starter", patient_uuid=row.patient.uuid)


@practice_view(roles=AGREEMENT_RECORDERS)
@require_POST
def review_move(request, patient_uuid):
    row, agreement = _agreement_for_user(request, patient_uuid)
    form = NewDateForm(request.POST, started_on=row.started_on)
    if not form.is_valid():
        return _page(request, row, date_form=form, status=400)
    try:
        starter_review_move(user=request.user, agreement=agreement,
                            end_on=form.cleaned_data["end_on"])
    except AgreementRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The new date is saved; the GP is reminded then."))
    return redirect("patients:new-starter", patient_uuid=row.patient.uuid)
