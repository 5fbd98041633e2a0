"""Relatives involved and hand-outs given (docs/domain.md#relatives): small forms on the
timeline page, removal after a confirmation page. The POH-GGZ and the GP only."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import CONSULT_USERS, get_participation_for_user, practice_view

from .. import services
from ..models import HandOut, Relative
from ..outcome_forms import HandOutForm, RelativeForm
from .callbacks import timeline_page


def _back(participation, anchor: str) -> str:
    url = reverse("tapering:timeline", args=[participation.project.uuid, participation.uuid])
    return f"{url}#{anchor}"


@practice_view(roles=CONSULT_USERS)
@require_POST
def relative_add(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    form = RelativeForm(request.POST)
    if not form.is_valid():
        return timeline_page(request, participation, relative_form=form, status=400)
    relative = services.relative_add(participation=participation, user=request.user,
                                     **form.cleaned_data)
    messages.success(request, _("%(name)s added.") % {"name": relative.name})
    return redirect(_back(participation, "naasten"))


@practice_view(roles=CONSULT_USERS)
@require_POST
def hand_out_add(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    form = HandOutForm(request.POST)
    if form.is_valid():
        try:
            services.hand_out_add(participation=participation, user=request.user,
                                  today=timezone.localdate(), **form.cleaned_data)
        except services.RelativeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Hand-out recorded."))
            return redirect(_back(participation, "meegegeven"))
    return timeline_page(request, participation, hand_out_form=form, status=400)


def _remove(request, participation, obj, *, label: str, remove, anchor: str):
    """GET: the confirmation page; POST: remove (a second time says so and changes nothing)."""
    if request.method == "POST":
        try:
            remove(obj, request.user)
        except services.RelativeError as error:
            messages.info(request, error.message)
        else:
            messages.success(request, _("Removed: %(what)s.") % {"what": label})
        return redirect(_back(participation, anchor))
    return render(request, "tapering/remove_confirm.html", {
        "participation": participation, "project": participation.project, "label": label,
        "removed": obj.removed_at is not None, "back": _back(participation, anchor)})


@practice_view(roles=CONSULT_USERS)
def relative_remove(request, project_uuid, participation_uuid, relative_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    relative = get_object_or_404(Relative, participation=participation, uuid=relative_uuid)
    return _remove(request, participation, relative, label=str(relative), anchor="naasten",
                   remove=lambda obj, user: services.relative_remove(relative=obj, user=user))


@practice_view(roles=CONSULT_USERS)
def hand_out_remove(request, project_uuid, participation_uuid, hand_out_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    hand_out = get_object_or_404(HandOut, participation=participation, uuid=hand_out_uuid)
    return _remove(request, participation, hand_out, label=hand_out.label, anchor="meegegeven",
                   remove=lambda obj, user: services.hand_out_remove(hand_out=obj, user=user))
