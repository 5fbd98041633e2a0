"""The consult pages (docs/domain.md, step 7): the consult page (record it as held, mark a
no-show and rebook, cancel), planning a consult or monitoring contact, and recording a
contact that already took place. For the POH-GGZ and the GP only: consult notes are
clinical and never shown to the assistant."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import CONSULT_USERS, get_participation_for_user, practice_view
from benzoproject.formats import format_datetime
from patients.dates import call_again_on
from patients.models import Participation

from .. import services
from ..access import get_consultation_for_user
from ..consult_forms import (
    CancelForm,
    ConsultOutcomeForm,
    ConsultPlanForm,
    ContactForm,
    NoShowForm,
    RebookForm,
)
from ..consult_selectors import consult_holders, consultations_of, current_benzodiazepines
from ..models import Consultation
from ..selectors import callback_rows

C = Consultation


def _timeline_url(participation: Participation) -> str:
    return reverse("tapering:timeline", args=[participation.project.uuid, participation.uuid])


def _consult_url(consult: Consultation) -> str:
    participation = consult.participation
    return reverse("tapering:consult", args=[participation.project.uuid, participation.uuid,
                                             consult.uuid])


def _after_schedule_start(participation: Participation) -> str:
    """Where the user goes once a consult agreed to start a tapering schedule: making it."""
    return reverse("tapering:schedule-new", args=[participation.project.uuid, participation.uuid])


def _after_recording(consult: Consultation) -> str:
    if consult.next_step == C.Next.START:
        return _after_schedule_start(consult.participation)
    return _timeline_url(consult.participation)


def _consult_page(request, consult: Consultation, *, form=None, no_show_form=None,
                  rebook_form=None, cancel_form=None, unsaved_notes: str = "",
                  status: int = 200) -> HttpResponse:
    """The consult page: the patient in short, the consult and what can be done with it."""
    participation = consult.participation
    project = participation.project
    today = timezone.localdate()
    holders = consult_holders(practice=project.practice)
    if form is None:
        form = ConsultOutcomeForm(holders=holders,
                                  next_steps=services.next_steps_for(participation.status),
                                  today=today, initial={"held_by": str(consult.held_by_id)})
    return render(request, "tapering/consult.html", {
        "consult": consult, "participation": participation, "project": project,
        "patient": participation.patient, "row": callback_rows([participation])[0],
        "benzodiazepines": current_benzodiazepines(participation=participation, today=today),
        "earlier": [other for other in consultations_of(participation=participation)
                    if other.pk != consult.pk],
        "form": form, "no_show_form": no_show_form or NoShowForm(today=today),
        "rebook_form": rebook_form or RebookForm(today=today),
        "cancel_form": cancel_form or CancelForm(),
        "recordable": timezone.localdate(consult.at) <= today,
        "rebooked": C.objects.filter(rebooked_from=consult).first(),
        "default_ask_again": call_again_on(today, project.call_later_months),
        "unsaved_notes": unsaved_notes, "today": today,
    }, status=status)


@practice_view(roles=CONSULT_USERS)
def consult(request, project_uuid, participation_uuid, consult_uuid):
    consult = get_consultation_for_user(request, project_uuid, participation_uuid, consult_uuid)
    participation = consult.participation
    today = timezone.localdate()
    if request.method != "POST":
        return _consult_page(request, consult)
    form = ConsultOutcomeForm(request.POST, holders=consult_holders(
        practice=request.practice), next_steps=services.next_steps_for(participation.status),
        today=today)
    if not form.is_valid():
        return _consult_page(request, consult, form=form, status=400)
    try:
        services.consultation_record(consultation=consult, user=request.user, today=today,
                                     outcome=form.outcome())
    except services.ConsultError as error:
        messages.error(request, error.message)
        consult.refresh_from_db()
        return _consult_page(request, consult, form=form,
                             unsaved_notes=form.cleaned_data["notes"])
    consult.refresh_from_db()
    messages.success(request, _("Consult with %(name)s recorded: %(step)s.") % {
        "name": participation.patient.display_name, "step": consult.get_next_step_display()})
    return redirect(_after_recording(consult))


def _when(consult: Consultation) -> str:
    return format_datetime(consult.at)


def _consult_step(request, consult: Consultation, *, form, form_name: str,
                  step: Callable[[dict], tuple[str, str]]) -> HttpResponse:
    """A small form on the consult page: invalid, the page again with its errors; valid,
    ``step(cleaned_data)`` runs the service and returns where to go and what to say. A
    refusal (a second click, a stale page) is said on the consult page."""
    if not form.is_valid():
        return _consult_page(request, consult, status=400, **{form_name: form})
    try:
        url, message = step(form.cleaned_data)
    except services.ConsultError as error:
        messages.error(request, error.message)
        return redirect(_consult_url(consult))
    messages.success(request, message)
    return redirect(url)


@practice_view(roles=CONSULT_USERS)
@require_POST
def consult_no_show(request, project_uuid, participation_uuid, consult_uuid):
    consult = get_consultation_for_user(request, project_uuid, participation_uuid, consult_uuid)
    today = timezone.localdate()
    name = consult.participation.patient.display_name

    def step(data: dict) -> tuple[str, str]:
        new = services.consultation_no_show(consultation=consult, user=request.user,
                                            today=today, rebook_at=data["rebook_at"])
        if new is None:
            return _consult_url(consult), _(
                "Recorded that %(name)s did not come. Rebook the consult when a new date is "
                "agreed.") % {"name": name}
        return _consult_url(new), _("Recorded that %(name)s did not come; new consult on "
                                    "%(when)s.") % {"name": name, "when": _when(new)}

    return _consult_step(request, consult, form=NoShowForm(request.POST, today=today),
                         form_name="no_show_form", step=step)


@practice_view(roles=CONSULT_USERS)
@require_POST
def consult_rebook(request, project_uuid, participation_uuid, consult_uuid):
    consult = get_consultation_for_user(request, project_uuid, participation_uuid, consult_uuid)
    today = timezone.localdate()

    def step(data: dict) -> tuple[str, str]:
        new = services.consultation_rebook(consultation=consult, user=request.user,
                                           at=data["rebook_at"], today=today)
        return _consult_url(new), _("New consult on %(when)s.") % {"when": _when(new)}

    return _consult_step(request, consult, form=RebookForm(request.POST, today=today),
                         form_name="rebook_form", step=step)


@practice_view(roles=CONSULT_USERS)
@require_POST
def consult_cancel(request, project_uuid, participation_uuid, consult_uuid):
    consult = get_consultation_for_user(request, project_uuid, participation_uuid, consult_uuid)

    def step(data: dict) -> tuple[str, str]:
        services.consultation_cancel(consultation=consult, user=request.user,
                                     reason=data["reason"])
        return (_timeline_url(consult.participation),
                _("Consult of %(when)s cancelled.") % {"when": _when(consult)})

    return _consult_step(request, consult, form=CancelForm(request.POST),
                         form_name="cancel_form", step=step)


@practice_view(roles=CONSULT_USERS)
def consult_plan(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    today = timezone.localdate()
    kinds = services.kinds_for(participation.status)
    holders = consult_holders(practice=request.practice)
    form = ConsultPlanForm(request.POST or None, kinds=kinds, holders=holders, today=today,
                           initial={"kind": kinds[0] if kinds else "",
                                    "held_by": str(request.user.pk)})
    if request.method == "POST" and kinds and form.is_valid():
        data = form.cleaned_data
        try:
            consult = services.consultation_plan(
                participation=participation, user=request.user, at=data["at"],
                kind=data["kind"], held_by=data["held_by"], today=today)
        except services.ConsultError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(kind)s planned on %(when)s.") % {
                "kind": consult.get_kind_display().capitalize(), "when": _when(consult)})
            return redirect(_timeline_url(participation))
    return render(request, "tapering/consult_plan.html", {
        "participation": participation, "project": participation.project, "form": form,
        "kinds": kinds, "today": today,
    }, status=400 if form.errors else 200)


@practice_view(roles=CONSULT_USERS)
def consult_record_contact(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    today = timezone.localdate()
    kinds = services.kinds_for(participation.status)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ContactForm(request.POST or None, kinds=kinds,
                       holders=consult_holders(practice=request.practice),
                       next_steps=services.next_steps_for(participation.status), today=today,
                       initial={"kind": kinds[0] if kinds else "",
                                # The input fields' own formats (not text for people).
                                "contact_date": now.date().isoformat(),
                                "contact_time": f"{now:%H:%M}", "held_by": str(request.user.pk)})
    if request.method == "POST" and kinds and form.is_valid():
        data = form.cleaned_data
        try:
            consult = services.consultation_record_contact(
                participation=participation, user=request.user, at=data["at"],
                kind=data["kind"], today=today, outcome=form.outcome())
        except services.ConsultError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Contact with %(name)s recorded: %(step)s.") % {
                "name": participation.patient.display_name,
                "step": consult.get_next_step_display()})
            return redirect(_after_recording(consult))
    return render(request, "tapering/consult_contact.html", {
        "participation": participation, "project": participation.project, "form": form,
        "kinds": kinds, "today": today,
        "default_ask_again": call_again_on(today, participation.project.call_later_months),
    }, status=400 if form.errors else 200)
