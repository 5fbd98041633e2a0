"""manage.py stopletters: the merged PDF of the letters not yet mailed, for automation."""

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from letters.models import LetterRun
from patients.models import AuditEvent, Participation, Project

from .helpers import on_mailing_list, pdf_pages_text


@pytest.fixture
def running(letter_project):
    letter_project.status = Project.Status.RUNNING
    letter_project.save()
    return letter_project


def test_writes_the_merged_pdf_without_marking_anything_mailed(running, gp, tmp_path, capsys):
    on_mailing_list(running, gp, rank=1, sex="V", initials="T.", prefix="van den",
                    surname="Berg")
    on_mailing_list(running, gp, rank=2, sex="M", initials="J.", prefix="", surname="Jansen",
                    atc="N05BA04", strength="10")
    out = tmp_path / "brieven.pdf"
    call_command("stopletters", "--practice", "delinde", "--out", str(out))
    assert "2 brieven van project" in capsys.readouterr().out
    data = out.read_bytes()
    assert len(PdfReader(out).pages) == 2
    first, second = pdf_pages_text(data)
    assert "Geachte mevrouw Van den Berg," in first and "temazepam 20 mg" in first
    assert "Geachte heer Jansen," in second and "oxazepam 10 mg" in second
    assert set(Participation.objects.values_list("status", flat=True)) == {"mailing"}
    assert not Participation.objects.filter(letter_sent_on__isnull=False).exists()
    assert not LetterRun.objects.exists()
    assert AuditEvent.objects.filter(action="export", object_type="participation").count() == 2
    assert [p.name for p in tmp_path.iterdir()] == ["brieven.pdf"]  # no temporary file left


@pytest.mark.parametrize(("args", "message"), [
    (["--practice", "ONBEKEND"], "Praktijk 'ONBEKEND' bestaat niet."),
    (["--practice", "DELINDE", "--project", "niet-een-uuid"], "bestaat niet in"),
])
def test_unknown_practice_or_project_is_refused(running, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("stopletters", *args, "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_nothing_to_print_or_no_running_project_writes_nothing(letter_project, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="heeft geen lopend project"):
        call_command("stopletters", "--practice", "DELINDE", "--out", str(out))
    letter_project.status = Project.Status.RUNNING
    letter_project.save()
    with pytest.raises(CommandError, match="niemand op de verzendlijst"):
        call_command("stopletters", "--practice", "DELINDE", "--out", str(out))
    assert not out.exists()
