"""The GP names of the exports and the GP users they stand for: suggested by the app,
confirmed by the POH-GGZ (docs/domain.md, step 4, the signer)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benzoproject.access import PROJECT_EDITORS, fetch_for_user, practice_view

from .. import services
from ..forms import GpNameForm
from ..models import GpNameMapping
from ..selectors import gp_name_rows


@practice_view(roles=PROJECT_EDITORS)
def gp_names(request):
    rows = gp_name_rows(practice=request.practice)
    forms = [(row, GpNameForm(practice=request.practice, prefix=str(row.mapping.uuid),
                              initial={"gp": row.mapping.user if row.mapping.confirmed
                                       else row.suggested}))
             for row in rows]
    return render(request, "patients/gp_names.html", {
        "forms": forms,
        "open_count": sum(1 for row in rows if not row.mapping.confirmed),
        "suggested_count": sum(1 for row in rows if row.suggested is not None),
    })


@practice_view(roles=PROJECT_EDITORS)
@require_POST
def gp_name_confirm(request, name_uuid):
    mapping = fetch_for_user(request, GpNameMapping, uuid=name_uuid, practice_path="practice")
    form = GpNameForm(request.POST, practice=request.practice, prefix=str(mapping.uuid))
    if form.is_valid():
        gp = form.cleaned_data["gp"]
        services.gp_name_confirm(user=request.user, mapping=mapping, gp=gp)
        messages.success(request, _("“%(name)s” is confirmed.") % {"name": mapping.export_name})
    else:
        messages.error(request, _("Choose one of the practice's GPs, or “none of our GPs”."))
    return redirect(f"{reverse('patients:gp-names')}#naam-{mapping.uuid}")


@practice_view(roles=PROJECT_EDITORS)
@require_POST
def gp_names_confirm_suggestions(request):
    count = services.gp_names_confirm_suggestions(user=request.user, practice=request.practice)
    messages.success(request, ngettext("%(n)s suggestion confirmed.",
                                       "%(n)s suggestions confirmed.", count) % {"n": count})
    return redirect("patients:gp-names")
