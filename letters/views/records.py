"""A patient's letters with their PDFs, and sending a stop letter again."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benzoproject.access import (
    LETTER_SENDERS,
    LETTER_VIEWERS,
    get_participation_for_user,
    get_patient_for_user,
    practice_view,
)
from benzoproject.exports import file_stamp

from .. import selectors, services
from ..access import get_letter_for_user
from ..forms import ResendForm
from . import pdf_download


@practice_view(roles=LETTER_VIEWERS)
def patient_letters(request, patient_uuid):
    patient = get_patient_for_user(request, patient_uuid)
    can_send = request.membership.role in LETTER_SENDERS
    participations = selectors.patient_participations(practice=request.practice,
                                                      patient=patient)
    requests = list(selectors.resend_requests_for_patient(practice=request.practice,
                                                          patient=patient))
    waiting = {r.participation_id for r in requests if r.mailed_on is None}
    resendable = [p for p in participations
                  if not services.resend_problem(p) and p.pk not in waiting]
    return render(request, "letters/patient_letters.html", {
        "patient": patient,
        "letters": selectors.letters_for_patient(practice=request.practice, patient=patient),
        "requests": requests,
        "resendable": resendable if can_send else [],
        "form": ResendForm(),
    })


@practice_view(roles=LETTER_VIEWERS)
def letter_pdf(request, letter_uuid):
    letter = get_letter_for_user(request, letter_uuid)
    patient = letter.participation.patient
    made = file_stamp(letter.created_at, "%Y%m%d")
    return pdf_download(request, letter.pdf, obj=letter, inline=True,
                        filename=f"brief-{patient.number}-{made}.pdf",
                        detail=f"PDF of {letter.get_kind_display()}")


@practice_view(roles=LETTER_SENDERS)
@require_POST
def letter_resend(request, project_uuid, participation_uuid):
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    form = ResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
    else:
        try:
            resend, new = services.letter_resend(participation=participation,
                                                 user=request.user,
                                                 reason=form.cleaned_data["reason"])
        except services.LettersRefused as refused:
            messages.error(request, refused.message)
        else:
            if new:
                messages.success(request, _(
                    "The stop letter will be sent again: it goes with the next print run of "
                    "letters to send again. The wait period starts again once that run is "
                    "marked as mailed."))
            else:
                messages.info(request, _(
                    "This letter is already waiting to be sent again (asked for on "
                    "%(date)s); nothing changed.") % {
                        "date": date_format(timezone.localtime(resend.requested_at),
                                            "j F Y")})
            return redirect(f"{_patient_url(participation)}#opnieuw-{resend.uuid}")
    return redirect(_patient_url(participation))


def _patient_url(participation) -> str:
    return reverse("letters:patient-letters",
                   kwargs={"patient_uuid": participation.patient.uuid})
