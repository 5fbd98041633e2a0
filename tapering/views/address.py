"""Correcting a patient's postal address from the call screen (docs/domain.md, step 6): the
POH-GGZ asks "klopt uw adres nog?" and fixes it here. The write is
``patients.services.patient_address_correct``."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from benzoproject.access import CALLBACK_USERS, get_participation_for_user, practice_view
from patients.forms import ADDRESS_FIELDS, PatientAddressForm
from patients.services import patient_address_correct


@practice_view(roles=CALLBACK_USERS)
def address_correct(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    patient = participation.patient
    form = PatientAddressForm(request.POST or None,
                              initial={name: getattr(patient, name) for name in ADDRESS_FIELDS})
    if request.method == "POST" and form.is_valid():
        if patient_address_correct(patient=patient, user=request.user,
                                   participation=participation, **form.cleaned_data):
            messages.success(request, _("Address saved: %(address)s.")
                             % {"address": patient.address_line})
        else:
            messages.info(request, _("The address is the same as before; nothing changed."))
        return redirect(reverse("tapering:call", args=[participation.project.uuid,
                                                       participation.uuid]) + "#adres")
    return render(request, "tapering/address.html", {
        "participation": participation, "project": participation.project, "form": form,
    }, status=400 if form.errors else 200)
