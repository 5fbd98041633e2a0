"""Fetching a consultation for the user of a request: scoped to the practice chosen in the
session (404 across practices) and named in the access log, as the core's
``get_*_for_user`` helpers do (``benzoproject/access.py``)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from benzoproject.access import PracticeRequest, fetch_for_user, get_participation_for_user
from patients.models import Participation

from .models import Consultation
from .services import AFTER_LETTER


def get_consultation_for_user(request: PracticeRequest, project_uuid, participation_uuid,
                              consult_uuid) -> Consultation:
    consult: Consultation = fetch_for_user(
        request,
        Consultation.objects.select_related("participation__patient",
                                            "participation__project__lead", "held_by",
                                            "recorded_by"),
        uuid=consult_uuid, participation__uuid=participation_uuid,
        participation__project__uuid=project_uuid,
        practice_path="participation__project__practice")
    return consult


def get_phone_note_participation_for_user(request: PracticeRequest, project_uuid,
                                          participation_uuid) -> Participation:
    """A patient the desk may note a call of: one who was sent a letter in this project
    (docs/security.md#least-privilege). Any other patient of the practice is refused with
    the reason, so the phone-note page is no way to look up the practice's patients."""
    participation = get_participation_for_user(request, project_uuid, participation_uuid)
    if participation.status not in AFTER_LETTER:
        raise PermissionDenied(_("A phone note is only for patients who were sent a letter "
                                 "in this project. Look the patient up through “Note a "
                                 "phone call”."))
    return participation
