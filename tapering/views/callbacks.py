"""The call-back list and call screen (POH-GGZ), and the assistant's phone note (docs/domain.md,
steps 5-6)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import (
    CALLBACK_USERS,
    PHONE_NOTE_USERS,
    audit_shown,
    get_due_item_for_user,
    get_participation_for_user,
    practice_view,
)
from patients.dates import call_again_on
from patients.links import link_partner

from .. import scripts, services
from ..access import get_phone_note_participation_for_user
from ..consult_selectors import consultations_of
from ..forms import CallAttemptForm, PhoneNoteForm
from ..models import CallAttempt
from ..outcome_forms import HandOutForm, RelativeForm
from ..selectors import (
    callback_list,
    callback_rows,
    participation_timeline,
    phone_note_candidates,
    phone_notes_earlier,
    reserve_for,
)


def _poh_name(project) -> str:
    return project.lead.get_full_name() or project.lead.username


@practice_view(roles=CALLBACK_USERS)
def callbacks(request):
    today = timezone.localdate()
    lists = callback_list(practice=request.practice, today=today)
    audit_shown(request, lists.patient_ids())
    return render(request, "tapering/callbacks.html", {"lists": lists, "today": today})


@practice_view(roles=CALLBACK_USERS)
def call(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    project = participation.project
    today = timezone.localdate()
    due_from = services.call_due_from(participation=participation, today=today)
    form = CallAttemptForm(request.POST or None, today=today, due_from=due_from)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.call_attempt_log(
                participation=participation, user=request.user, outcome=data["outcome"],
                today=today, response=data["response"], next_step=data["next_step"],
                agreed_on=data["agreed_on"], consult_at=data.get("consult_at"),
                note=data["note"], minutes=data["minutes"], call_now=data["call_now"])
        except services.CallError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Call with %(name)s logged.")
                             % {"name": participation.patient.display_name})
            return redirect("tapering:callbacks")
    return render(request, "tapering/call.html", {
        **_call_words(project), "participation": participation, "project": project,
        "form": form, "row": callback_rows([participation])[0], "due_from": due_from,
        "attempts_counted": services.attempts_counted(participation),
        "default_later": call_again_on(today, project.call_later_months), "today": today,
    }, status=400 if form.errors else 200)


def _call_words(project) -> dict[str, object]:
    """The call guide on the call page: opening, replies, voicemail (tapering/scripts.py)."""
    poh, practice = _poh_name(project), project.practice
    return {
        "opening": scripts.opening_line(poh=poh, practice=practice.name),
        "opening_hint": scripts.OPENING_HINT,
        "replies": [(r.value, r.label, scripts.REPLIES[r], services.NEXT_FOR_RESPONSE[r])
                    for r in CallAttempt.Response],
        "voicemail": scripts.voicemail_text(poh=poh, practice=practice.name,
                                            phone=practice.phone),
    }


@practice_view(roles=PHONE_NOTE_USERS)
def phone_note_search(request):
    query = request.GET.get("zoek", "")
    results = phone_note_candidates(practice=request.practice, query=query)
    # The search term too: what was looked for says why these patients were shown.
    audit_shown(request, [p.patient_id for p in results],
                detail=f"search {query.strip()!r}" if query.strip() else "")
    return render(request, "tapering/phone_note_search.html",
                  {"query": query, "results": results})


@practice_view(roles=PHONE_NOTE_USERS)
def phone_note(request, project_uuid, participation_uuid):
    participation = get_phone_note_participation_for_user(request, project_uuid, participation_uuid)
    project = participation.project
    initial = {"called_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = PhoneNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_note_create(participation=participation, user=request.user,
                                       **form.cleaned_data)
        except services.CallError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Call of %(name)s noted: %(poh)s will call back.")
                             % {"name": participation.patient.display_name,
                                "poh": _poh_name(project)})
            return redirect("tapering:phone-note-search")
    return render(request, "tapering/phone_note.html", {
        "participation": participation, "form": form,
        "desk_reply": scripts.DESK_REPLY % {"poh": _poh_name(project)},
        "earlier": phone_notes_earlier(participation=participation),
    }, status=400 if form.errors else 200)


@practice_view(roles=CALLBACK_USERS)
@require_POST
def reserve_replace(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    reserve = None
    if request.POST.get("reserve"):
        reserve = reserve_for(participation=participation, reserve_uuid=request.POST["reserve"])
        if reserve is None:
            raise Http404
    try:
        services.reserve_replace(participation=participation, user=request.user,
                                 reserve=reserve)
    except services.CallError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is now on the mailing list.")
                         % {"name": reserve.patient.display_name} if reserve
                         else _("No reserve taken."))
    return redirect("tapering:callbacks")


@practice_view(roles=CALLBACK_USERS + PHONE_NOTE_USERS)
@require_POST
def reminder_done(request, item_uuid):
    item = get_due_item_for_user(request, item_uuid)
    if services.due_item_done(item=item, user=request.user):
        messages.success(request, _("Marked as done."))
    return redirect("home")


@practice_view(roles=CALLBACK_USERS)
def timeline(request, project_uuid, participation_uuid):
    """The participation's steps with date and who (issue #6, point 6)."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    return timeline_page(request, participation)


def timeline_page(request, participation, *, relative_form=None, hand_out_form=None,
                  status: int = 200):
    """The timeline page; the relatives' and hand-outs' views show it again with their bound
    form when it does not validate."""
    timeline = participation_timeline(participation=participation)
    today = timezone.localdate()
    return render(request, "tapering/timeline.html", {
        "participation": participation, "row": callback_rows([participation])[0],
        "events": timeline.events, "due_items": timeline.planned,
        "consultations": consultations_of(participation=participation),
        "can_plan_consult": bool(services.kinds_for(participation.status)),
        "relatives": participation.relatives.filter(removed_at__isnull=True),
        "hand_outs": participation.hand_outs.filter(removed_at__isnull=True),
        "relative_form": relative_form or RelativeForm(),
        "hand_out_form": hand_out_form or HandOutForm(initial={"given_on": today}),
        "linked_to": link_partner(patient=participation.patient),
        "today": today}, status=status)

