"""Start page ("Mijn taken", gathered through ``startpage``) and the practice switcher."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.models import Role

from .access import (
    ALL_ROLES,
    SESSION_PRACTICE_KEY,
    audit_shown,
    practice_view,
    user_memberships,
)
from .selectors import beat_heartbeat, group_practices, practice_user_count
from .startpage import start_page


@practice_view(roles=ALL_ROLES)
def home(request):
    role = request.membership.role
    today = timezone.localdate()
    # Each app's part of "Mijn taken" comes through the registry its AppConfig fills.
    start = start_page(user=request.user, practice=request.practice, role=role, today=today)
    audit_shown(request, start.patients)
    context = {"today": today, "start": start}
    if role == Role.MONITOR:
        context["group_practices"] = group_practices(practice=request.practice)
    if role == Role.BEHEERDER:
        context["heartbeat"], context["heartbeat_ok"] = beat_heartbeat()
        context["user_count"] = practice_user_count(practice=request.practice)
    return render(request, "home.html", context)


@practice_view(roles=ALL_ROLES)
@require_POST
def practice_switch(request):
    wanted = request.POST.get("practice")
    membership = next(
        (m for m in user_memberships(request.user) if str(m.practice.uuid) == wanted), None)
    if membership is None:
        messages.error(request, _("You are not a member of that practice."))
    else:
        request.session[SESSION_PRACTICE_KEY] = str(membership.practice.uuid)
        messages.success(request, _("You now work in %(practice)s.")
                         % {"practice": membership.practice.name})
    # Back home: the page the user was on may belong to the other practice.
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target if membership is None else "home")
