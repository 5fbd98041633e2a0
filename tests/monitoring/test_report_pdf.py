"""The PDF evaluation report (monitoring/report.py): every section is in it, no patient is
named, page numbers, the month from the URL; page 1 kept as a PNG in test-artifacts."""

import io
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from monitoring.models import EvaluationReflection, ResultTarget
from monitoring.report import Chart, report_pdf
from monitoring.snapshots import snapshot_take
from patients.models import AuditEvent, PlanStep, Role
from tests.conftest import ARTIFACTS

from .scenario import E, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(practice, project, users):
    practice.list_size = 4000
    practice.save()
    scenario = build(practice, project, users[Role.POH_GGZ])
    for part in scenario.parts.values():  # names the report must never show
        patient = part.patient
        patient.surname, patient.initials = f"Achternaam{patient.number}", "Q."
        patient.save()
    ResultTarget.objects.create(project=project, measure="stopped_share", value=20,
                                deadline=date(2026, 12, 31))
    EvaluationReflection.objects.create(
        project=project, patients_reaction="Patiënten reageerden opgelucht.",
        awareness="Meer bewustzijn bij de assistenten.", collaboration="Soepel.",
        workload="Zwaar in maand 4.", another_round="yes",
        another_round_why="Over een jaar opnieuw.", version=1)
    return scenario


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_report_holds_every_section_and_no_patient(scenario, project, artifacts_dir):
    step = PlanStep.objects.filter(project=project).first()
    with translation.override("nl"):
        pdf = report_pdf(project=project, as_of=E, charts=[
            Chart(title="Gestopt per maand", svg='<svg xmlns="http://www.w3.org/2000/svg" '
                  'width="200" height="40"><text x="5" y="20">grafiektekst</text></svg>')])
    ARTIFACTS.mkdir(exist_ok=True)
    (artifacts_dir / "evaluation-report.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(artifacts_dir / "evaluation-report.pdf"),
                    str(artifacts_dir / "evaluation-report-page-1")], check=True)
    assert (artifacts_dir / "evaluation-report-page-1.png").stat().st_size > 1000
    pages = pages_text(pdf)
    text = " ".join(pages)
    title = pages[0]
    assert "Evaluatierapport" in title and project.practice.name in title
    assert project.name in title and "31 juli 2026" in title
    for heading in ("Van groslijst naar resultaat", "Resultaten", "Grafieken",
                    "Referentiecijfers uit de literatuur", "Resultaatdoelen",
                    "Plan van aanpak", "Bestede tijd", "Reflectie"):
        assert heading in text, heading
    # The scenario's figures: 4 evaluated (P4 died), 1 stopped, 1 reduced.
    assert "25,0% van 4 geëvalueerd" in text
    assert "Dr A" in text and "Dr B" in text  # per GP
    assert "grafiektekst" in text
    assert "Gorgels" in text  # a reference figure's source
    assert "Aandeel gestopt ≥ 20 31-12-2026 25 bereikt" in text
    if step is not None:
        assert step.what in text
    assert "Patiënten reageerden opgelucht." in text and "Over een jaar opnieuw." in text
    assert "pagina 2 van" in pages[1]
    for part in scenario.parts.values():
        assert f"Achternaam{part.patient.number}" not in text
    assert "Achternaam" not in text


def test_an_empty_project_still_makes_a_report(project):
    with translation.override("nl"):
        text = " ".join(pages_text(report_pdf(project=project, as_of=date(2026, 9, 30))))
    assert "Nog geen doelen gesteld." in text or "Geen doelen gesteld." in text
    assert "Geen grafieken" in text
    assert "noemer" in text  # stopped without a denominator says so


def report_url(project, month=None):
    base = reverse("monitoring:report-pdf", kwargs={"project_uuid": project.uuid})
    return f"{base}?maand={month}" if month else base


def test_the_download_takes_the_month_from_the_url_and_is_logged(scenario, project,
                                                                 client_for, users):
    response = client_for(users[Role.HUISARTS]).get(report_url(project, "2026-07"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="evaluatierapport-benzoreductie-najaar-2026-07.pdf"' in (
        response["Content-Disposition"])
    assert "31 juli 2026" in pages_text(response.content)[0]
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id) == ("export", str(project.uuid))
    assert "2026-07-31" in event.detail
    assert not AuditEvent.objects.filter(action="view", detail="monitoring:report-pdf").exists()


def test_a_month_after_today_is_clamped_to_today(project, client_for, users, monkeypatch):
    from monitoring import report_views
    monkeypatch.setattr(report_views.timezone, "localdate", lambda: date(2026, 8, 14))
    response = client_for(users[Role.POH_GGZ]).get(report_url(project, "2027-01"))
    assert "14 augustus 2026" in pages_text(response.content)[0]
    response = client_for(users[Role.POH_GGZ]).get(report_url(project, "geen-maand"))
    assert "14 augustus 2026" in pages_text(response.content)[0]


@pytest.mark.parametrize("role", [Role.ASSISTENT, Role.APOTHEKER, Role.MONITOR])
def test_other_roles_get_no_report(project, client_for, users, role):
    assert client_for(users[role]).get(report_url(project)).status_code == 403



def test_the_dashboards_charts_are_drawn_with_the_months_they_lack(scenario, project):
    snapshot_take(project=project, month=date(2026, 5, 1), today=date(2026, 8, 15))
    with translation.override("nl"):
        text = " ".join(pages_text(report_pdf(project=project, as_of=E)))
    assert "Aandeel gestopt, per maand" in text and "Gemiddelde DDD per dag, per maand" in text
    assert "Geen grafieken" not in text
    # May is stored and July is live: June is the gap.
    assert "Maanden zonder opgeslagen cijfers (een gat in de lijnen): jun" in text
    snapshot_take(project=project, month=date(2026, 6, 1), today=date(2026, 8, 15))
    with translation.override("nl"):
        text = " ".join(pages_text(report_pdf(project=project, as_of=E)))
    assert "Maanden zonder opgeslagen cijfers" not in text
