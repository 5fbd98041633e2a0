"""Download file names carry the practice's local time, never UTC (issue 11, point 13)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from letters.models import Letter, LetterRun

from .helpers import on_mailing_list

UTC = ZoneInfo("UTC")
# 22:30 UTC on 31 March is 00:30 on 1 April in Amsterdam (summer time): date and hour differ.
LATE_EVENING_UTC = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)


def test_print_run_and_letter_downloads_are_named_in_amsterdam_time(client_for, assistant,
                                                                    letter_project, gp):
    on_mailing_list(letter_project, gp, rank=1)
    client = client_for(assistant)
    client.post(reverse("letters:run-create", args=[letter_project.uuid]), {"kind": "stop"})
    run = LetterRun.objects.get()
    LetterRun.objects.filter(pk=run.pk).update(created_at=LATE_EVENING_UTC)
    Letter.objects.filter(run=run).update(created_at=LATE_EVENING_UTC)
    letter = Letter.objects.get(run=run)

    merged = client.get(reverse("letters:run-pdf", args=[run.uuid]))
    assert 'filename="brieven-20260401-0030.pdf"' in merged["Content-Disposition"]
    labels = client.get(reverse("letters:run-labels", args=[run.uuid]))
    assert 'filename="etiketten-20260401-0030.pdf"' in labels["Content-Disposition"]
    one = client_for(gp).get(reverse("letters:letter-pdf", args=[letter.uuid]))
    number = letter.participation.patient.number
    assert f'filename="brief-{number}-20260401.pdf"' in one["Content-Disposition"]
