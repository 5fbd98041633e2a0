"""The GP's screening queue, the mailing and reserve lists, and the overview (docs/domain.md,
step 3)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benzoproject.access import (
    SCREENING_DECIDERS,
    SCREENING_VIEWERS,
    audit_shown,
    get_participation_for_user,
    get_project_for_user,
    practice_view,
)
from benzoproject.exports import csv_response

from .. import services
from ..forms import ScreeningForm
from ..models import AuditEvent, ExclusionReason, Participation, ScreeningDecision
from ..selectors import (
    project_funnel,
    project_list_entries,
    screening_facts,
    screening_last_decision,
    screening_overview,
    screening_queue,
)

# Keys 1-9 pick a reason on the screening screen, in this order.
REASON_KEYS = [(str(n), value, label)
               for n, (value, label) in enumerate(ExclusionReason.choices, start=1)]


def _skipped(request, project) -> list[str]:
    return request.session.get(f"skipped-{project.uuid}", [])


def _last_decision(request, project) -> ScreeningDecision | None:
    """This user's newest standing decision in the project, while it can still be undone."""
    return screening_last_decision(project=project, user=request.user,
                                   undoable=services.UNDOABLE)


def _screen(request, project, participation, form=None):
    queue = screening_queue(project=project, skipped=_skipped(request, project))
    funnel = project_funnel(project=project)
    last_decision = _last_decision(request, project)
    if last_decision is not None:  # the bar names the patient of the last decision
        audit_shown(request, [last_decision.participation.patient_id])
    context = {
        "project": project, "funnel": funnel, "form": form or ScreeningForm(),
        "queue_left": len(queue), "skipped_count": len(_skipped(request, project)),
        "may_decide": request.membership.role in SCREENING_DECIDERS,
        "reason_keys": REASON_KEYS, "last_decision": last_decision,
        "progress": round(100 * funnel.screened / funnel.on_list) if funnel.on_list else 0,
    }
    if participation is not None:
        facts = screening_facts(participation=participation, today=timezone.localdate())
        context["facts"] = facts
        context["participation"] = participation
        if facts.differences is not None:  # the linked record of the other source is shown
            audit_shown(request, [p for pair in facts.differences.pairs for p in pair])
    return render(request, "patients/screening.html", context,
                  status=400 if form is not None and form.errors else 200)


@practice_view(roles=SCREENING_VIEWERS)
def screening(request, project_uuid):
    """The next patient to screen (or the end of the queue)."""
    project = get_project_for_user(request, project_uuid)
    queue = screening_queue(project=project, skipped=_skipped(request, project))
    participation = queue[0] if queue else None
    if participation is not None:
        request.audit_target = participation  # the patient shown is what is logged
    return _screen(request, project, participation)


@practice_view(roles=SCREENING_VIEWERS)
def screening_patient(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    return _screen(request, participation.project, participation)


@practice_view(roles=SCREENING_VIEWERS)
@require_POST
def screening_decide(request, project_uuid, participation_uuid):
    """A GP's decision, or (for the POH-GGZ) a proposal for the GP."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    project = participation.project
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        return _screen(request, project, participation, form=form)
    data = form.cleaned_data
    deciding = request.membership.role in SCREENING_DECIDERS
    try:
        if deciding:
            services.screening_decide(participation=participation, user=request.user,
                                      decision=data["decision"], reason=data["reason"],
                                      note=data["note"])
            messages.success(request, _("%(name)s: %(decision)s.") % {
                "name": participation.patient.display_name,
                "decision": _decision_text(data["decision"], data["reason"])})
        else:
            services.screening_propose(participation=participation, user=request.user,
                                       proposal=data["decision"], reason=data["reason"],
                                       note=data["note"])
            messages.success(request, _("Proposal for %(name)s saved for the GP.")
                             % {"name": participation.patient.display_name})
    except services.ScreeningError as error:
        messages.error(request, error.message)
    # A proposal leaves the patient in the queue: the POH-GGZ moves on to the next one.
    _set_skipped(request, participation, skip=not deciding)
    return redirect("patients:screening", project_uuid=project.uuid)


def _decision_text(decision: str, reason: str) -> str:
    if decision == ScreeningDecision.Decision.APPROACH:
        return _("approach")
    return _("do not approach (%(reason)s)") % {"reason": ExclusionReason(reason).label}


def _set_skipped(request, participation, *, skip: bool) -> None:
    """Put a patient at the end of this user's queue, or take them off the skipped list."""
    key = f"skipped-{participation.project.uuid}"
    skipped = [u for u in request.session.get(key, []) if u != str(participation.uuid)]
    request.session[key] = [*skipped, str(participation.uuid)] if skip else skipped


@practice_view(roles=SCREENING_VIEWERS)
@require_POST
def screening_skip(request, project_uuid, participation_uuid):
    """Leave a patient for later: the queue shows them again after the others."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    _set_skipped(request, participation, skip=True)
    messages.info(request, _("%(name)s skipped; they come back at the end of the queue.")
                  % {"name": participation.patient.display_name})
    return redirect("patients:screening", project_uuid=participation.project.uuid)


@practice_view(roles=SCREENING_DECIDERS)
@require_POST
def screening_undo(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    try:
        services.screening_undo(participation=participation, user=request.user)
        messages.info(request, _("Decision on %(name)s undone; decide again.")
                      % {"name": participation.patient.display_name})
    except services.ScreeningError as error:
        messages.error(request, error.message)
    return redirect("patients:screening-patient", project_uuid=participation.project.uuid,
                    participation_uuid=participation.uuid)


@practice_view(roles=SCREENING_VIEWERS)
def screening_overview_page(request, project_uuid):
    """Every decision of the project: on screen, printable, or as CSV for the HIS."""
    project = get_project_for_user(request, project_uuid)
    rows = screening_overview(project=project)
    if request.GET.get("formaat") == "csv":
        services.audit_log(user=request.user, action=AuditEvent.Action.EXPORT, obj=project,
                           patients=[p.patient_id for p, _d in rows],
                           detail=f"screening selection csv, {len(rows)} patients")
        return csv_response(
            f"screening-{project.practice.code}-{timezone.localdate():%Y-%m-%d}.csv",
            ["patiëntnummer", "naam", "besluit", "reden", "toelichting", "status"],
            [[p.patient.number, p.patient.display_name,
              d.get_decision_display() if d else _("not screened yet"),
              d.get_reason_display() if d and d.reason else "", d.note if d else "",
              p.get_status_display()] for p, d in rows])
    audit_shown(request, [p.patient_id for p, _d in rows])
    return render(request, "patients/screening_overview.html", {
        "project": project, "rows": rows, "funnel": project_funnel(project=project),
        "today": timezone.localdate()})


@practice_view(roles=SCREENING_VIEWERS)
def project_lists(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    S = Participation.Status
    lists = {key: project_list_entries(project=project, status=status) for key, status in
             (("mailing", S.MAILING), ("reserve", S.RESERVE), ("approved", S.APPROVED))}
    # The approached patients not on a list yet are only counted, not named.
    audit_shown(request, [entry.participation.patient_id
                          for entries in (lists["mailing"], lists["reserve"])
                          for entry in entries])
    return render(request, "patients/project_lists.html", {
        "project": project, "funnel": project_funnel(project=project), **lists,
        "today": timezone.localdate()})


@practice_view(roles=SCREENING_VIEWERS)
@require_POST
def lists_split(request, project_uuid):
    project = get_project_for_user(request, project_uuid)
    mailing, reserve = services.lists_split(project=project, user=request.user,
                                            today=timezone.localdate())
    messages.success(request, _("%(m)s added to the mailing list and %(r)s to the reserve list.")
                     % {"m": mailing, "r": reserve})
    return redirect("patients:project-lists", project_uuid=project.uuid)


@practice_view(roles=SCREENING_VIEWERS)
@require_POST
def lists_refill(request, project_uuid):
    """The next batch: the mailing list filled up to the letter target from the reserves."""
    project = get_project_for_user(request, project_uuid)
    moved = services.lists_refill(project=project, user=request.user)
    if moved:
        messages.success(request, ngettext(
            "%(n)s reserve moved to the mailing list.",
            "%(n)s reserves moved to the mailing list.", moved) % {"n": moved})
    else:
        messages.info(request, _("Nothing moved: the mailing list is full or there are no "
                                 "reserves."))
    return redirect("patients:project-lists", project_uuid=project.uuid)


@practice_view(roles=SCREENING_VIEWERS)
@require_POST
def list_move(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    services.list_move(participation=participation, user=request.user,
                       up=request.POST.get("richting") != "omlaag")
    url = reverse("patients:project-lists", kwargs={"project_uuid": participation.project.uuid})
    return redirect(f"{url}#p-{participation.uuid}")


@practice_view(roles=SCREENING_VIEWERS)
@require_POST
def list_transfer(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    to = request.POST.get("naar", "")
    try:
        services.list_transfer(participation=participation, user=request.user, to=to)
        messages.success(request, (_("%(name)s is now on the mailing list.")
                                   if to == Participation.Status.MAILING
                                   else _("%(name)s is now on the reserve list."))
                         % {"name": participation.patient.display_name})
    except services.ScreeningError as error:
        messages.error(request, error.message)
    return redirect("patients:project-lists", project_uuid=participation.project.uuid)
