"""manage.py letter_preview: one patient's letter as a PDF, stored nowhere
(docs/domain.md#cli-letter-preview)."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from letters.models import Letter, LetterRun
from letters.services import gp_signature_set
from patients.models import (
    AuditEvent,
    DueItem,
    Participation,
    ParticipationEvent,
    Project,
)
from tests.factories import PatientFactory

from .helpers import on_mailing_list, pdf_pages_text, png_bytes

MODELS = (Letter, LetterRun, Participation, ParticipationEvent, DueItem)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


@pytest.fixture
def patient_on_list(letter_project, gp):
    return on_mailing_list(letter_project, gp, sex="V", initials="T.", prefix="van den",
                           surname="Berg", number="4711", gp_name="M. Öztürk",
                           atc="N05BA04", strength="10")


def run(*args) -> None:
    call_command("letter_preview", *args)


@pytest.mark.parametrize(("kind", "pages", "words"), [
    (None, 1, ["Betreft: Uw gebruik van oxazepam", "oxazepam 10 mg."]),
    ("stop", 1, ["Ik raad u aan"]),
    ("invitation", 1, ["Betreft: Uitnodiging voor een gesprek over oxazepam",
                       "U hebt nog geen afspraak."]),
    # The re-send is the cover note with the stop letter behind it.
    ("resend", 2, ["Betreft: Nogmaals onze brief over oxazepam"]),
])
def test_writes_the_letter_and_stores_nothing(patient_on_list, gp, poh, practice, tmp_path,
                                              capsys, kind, pages, words):
    gp_signature_set(practice=practice, user=gp, data=png_bytes(300, 80, "handtekening"))
    before, files = counts(), media_files()
    audit_before = AuditEvent.objects.count()
    (tmp_path / "uit").mkdir()
    out = tmp_path / "uit" / "brief.pdf"
    run("--practice", "delinde", "--patient", "4711", "--out", str(out),
        *(["--kind", kind] if kind else []))
    text = pdf_pages_text(out.read_bytes())
    assert len(text) == pages
    assert "Geachte mevrouw Van den Berg," in text[0]
    for expected in words:
        assert expected in text[0], expected
    assert "M. Öztürk, huisarts Sanne Visser, praktijkondersteuner GGZ" in text[-1]
    assert "niets opgeslagen" in capsys.readouterr().out
    # Nothing stored or marked: no rows, no files; only the export is in the audit log.
    assert counts() == before and media_files() == files
    assert Participation.objects.get().status == Participation.Status.MAILING
    assert Participation.objects.get().letter_sent_on is None
    assert AuditEvent.objects.count() == audit_before + 1
    assert AuditEvent.objects.latest("id").action == AuditEvent.Action.EXPORT
    assert [p.name for p in out.parent.iterdir()] == ["brief.pdf"]  # no temporary file left


def test_the_invitation_gives_the_planned_consult(patient_on_list, tmp_path):
    Participation.objects.filter(pk=patient_on_list.pk).update(
        status=Participation.Status.CONSULT_PLANNED,
        consult_at=datetime(2026, 11, 3, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))
    out = tmp_path / "uitnodiging.pdf"
    run("--practice", "DELINDE", "--patient", "4711", "--kind", "invitation", "--out", str(out))
    [page] = pdf_pages_text(out.read_bytes())
    assert "Op dinsdag 3 november 2026 om 10.30 uur, in de praktijk." in page


def refused(tmp_path, *args, message: str) -> None:
    folder = tmp_path / "uit"
    folder.mkdir(exist_ok=True)
    before = counts()
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(folder / "brief.pdf"))
    assert list(folder.iterdir()) == []
    assert counts() == before


def test_an_unknown_practice_or_patient_is_refused(patient_on_list, tmp_path):
    refused(tmp_path, "--practice", "ONBEKEND", "--patient", "4711",
            message="Praktijk 'ONBEKEND' bestaat niet.")
    refused(tmp_path, "--practice", "DELINDE", "--patient", "9999",
            message="Huisartsenpraktijk De Linde heeft geen patiënt met nummer '9999'.")
    # The known number on the other side of the edge.
    run("--practice", "DELINDE", "--patient", "4711", "--out", str(tmp_path / "ok.pdf"))


def test_a_patient_in_no_active_project_is_refused(letter_project, patient_on_list, practice,
                                                   tmp_path):
    PatientFactory(practice=practice, number="5000")  # known, but in no project at all
    refused(tmp_path, "--practice", "DELINDE", "--patient", "5000",
            message="Patiënt 5000 doet niet mee aan een actief project")
    letter_project.status = Project.Status.CLOSED
    letter_project.save()
    refused(tmp_path, "--practice", "DELINDE", "--patient", "4711",
            message="Patiënt 4711 doet niet mee aan een actief project")
    letter_project.status = Project.Status.RUNNING
    letter_project.save()
    run("--practice", "DELINDE", "--patient", "4711", "--out", str(tmp_path / "ok.pdf"))


def test_a_practice_without_a_phone_number_gets_no_letter(patient_on_list, practice, tmp_path):
    practice.phone = ""
    practice.save()
    refused(tmp_path, "--practice", "DELINDE", "--patient", "4711",
            message="De praktijk heeft nog geen telefoonnummer")
    practice.phone = "0317-123456"
    practice.save()
    run("--practice", "DELINDE", "--patient", "4711", "--out", str(tmp_path / "ok.pdf"))


def test_a_project_without_a_gp_or_a_broken_text_gets_no_letter(letter_project,
                                                                 patient_on_list, practice,
                                                                 poh, tmp_path):
    from letters.models import LetterTemplate

    letter_project.gps.clear()
    refused(tmp_path, "--practice", "DELINDE", "--patient", "4711",
            message="Dit project heeft nog geen huisarts")
    letter_project.gps.add(poh)  # anyone will do for the next check
    LetterTemplate.objects.create(practice=practice, kind="stop", subject="Over {bsn}",
                                  body="{aanhef}", updated_by=poh)
    refused(tmp_path, "--practice", "DELINDE", "--patient", "4711",
            message="Onbekend invulveld: {bsn}")


def test_a_missing_output_folder_is_refused(patient_on_list, tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        run("--practice", "DELINDE", "--patient", "4711",
            "--out", str(tmp_path / "geen-map" / "brief.pdf"))
