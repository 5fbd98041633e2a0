"""Fetching a print run or a letter for the user of a request: scoped to the practice
chosen in the session (404 across practices) and named in the access log, as the
core's ``get_*_for_user`` helpers do (``benzoproject/access.py``)."""

from django.shortcuts import get_object_or_404

from benzoproject.access import PracticeRequest, set_audit_target

from .models import Letter, LetterRun


def get_letter_run_for_user(request: PracticeRequest, run_uuid) -> LetterRun:
    run = get_object_or_404(LetterRun.objects.select_related("project"), uuid=run_uuid,
                            project__practice=request.practice)
    set_audit_target(request, run)
    return run


def get_letter_for_user(request: PracticeRequest, letter_uuid) -> Letter:
    letter = get_object_or_404(
        Letter.objects.select_related("participation__patient", "participation__project"),
        uuid=letter_uuid, participation__project__practice=request.practice)
    set_audit_target(request, letter)
    return letter
