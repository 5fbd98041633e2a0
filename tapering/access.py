"""Fetching a consultation for the user of a request: scoped to the practice chosen in the
session (404 across practices) and named in the access log, as the core's
``get_*_for_user`` helpers do (``benzoproject/access.py``)."""

from benzoproject.access import PracticeRequest, fetch_for_user

from .models import Consultation


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
