"""Start page ("Mijn taken") and the practice switcher."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.models import Practice, Role
from patients.selectors import projects_for_practice, todos_for_user
from tapering.selectors import callbacks_due_count, reminders_for_user

from .access import ALL_ROLES, SESSION_PRACTICE_KEY, practice_view, user_memberships
from .models import WorkerHeartbeat
from .selectors import open_work

HEARTBEAT_STALE_MINUTES = 5


@practice_view(roles=ALL_ROLES)
def home(request):
    role = request.membership.role
    today = timezone.localdate()
    context = {
        "todos": todos_for_user(practice=request.practice, role=role, today=today),
        "today": today,
        "reminders": reminders_for_user(user=request.user, practice=request.practice,
                                        today=today),
        "work": open_work(practice=request.practice, role=role),
    }
    if role == Role.POH_GGZ:
        context["callbacks_due"] = callbacks_due_count(practice=request.practice, today=today)
    if role in (Role.POH_GGZ, Role.HUISARTS, Role.ASSISTENT):
        context["projects"] = projects_for_practice(practice=request.practice).exclude(
            status="closed")
    if role == Role.MONITOR:
        group = request.practice.fto_group
        context["group_practices"] = (
            Practice.objects.filter(fto_group=group) if group else [request.practice])
    if role == Role.BEHEERDER:
        beat = WorkerHeartbeat.objects.filter(name="beat").first()
        context["heartbeat"] = beat
        context["heartbeat_ok"] = bool(
            beat and (timezone.now() - beat.seen_at).total_seconds()
            < HEARTBEAT_STALE_MINUTES * 60)
        context["user_count"] = get_user_model().objects.filter(
            memberships__practice=request.practice).count()
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
