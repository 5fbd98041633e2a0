"""The beheerder acknowledges an alert of the access log's daily check (docs/security.md)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import practice_view

from ..auditverify import audit_chain_alerts_acknowledge
from ..models import Role


@practice_view(roles=(Role.BEHEERDER,))
@require_POST
def audit_alerts_acknowledge(request):
    try:
        up_to = int(request.POST.get("tot", ""))
    except ValueError:
        messages.error(request, _("The alert could not be acknowledged: reload the start "
                                  "page and try again."))
        return redirect("home")
    if audit_chain_alerts_acknowledge(user=request.user, practice=request.practice,
                                      up_to=up_to):
        messages.success(request, _("Alert acknowledged. The check keeps running every "
                                    "night and reports any new break."))
    return redirect("home")
