"""Fetching a print run or a letter for the user of a request: scoped to the practice
chosen in the session (404 across practices) and named in the access log, as the
core's ``get_*_for_user`` helpers do (``benzoproject/access.py``)."""

from benzoproject.access import PracticeRequest, fetch_for_user

from .models import Letter, LetterRun


def get_letter_run_for_user(request: PracticeRequest, run_uuid) -> LetterRun:
    run: LetterRun = fetch_for_user(request, LetterRun.objects.select_related("project"),
                                    uuid=run_uuid, practice_path="project__practice")
    return run


def get_letter_for_user(request: PracticeRequest, letter_uuid) -> Letter:
    letter: Letter = fetch_for_user(
        request,
        Letter.objects.select_related("participation__patient", "participation__project"),
        uuid=letter_uuid, practice_path="participation__project__practice")
    return letter
