"""The evaluation in a real browser (docs/domain.md#evaluation-report): the POH-GGZ opens
the evaluation page from the project, chooses a month, writes the reflection, and downloads
the Excel workbook with every table of the dashboard and the PDF evaluation report (page 1
kept as a PNG in test-artifacts/)."""

import re
import subprocess

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from monitoring.models import EvaluationReflection
from patients.models import Role
from tests.monitoring.scenario import build

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser


def test_poh_writes_the_reflection_and_downloads_workbook_and_report(
        transactional_db, live_server, page: Page, users, practice, project, artifacts_dir,
        tmp_path):
    build(practice, project, users[Role.POH_GGZ])
    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.goto(live_server.url + project.get_absolute_url())
    page.get_by_role("link", name="Evaluatie", exact=True).click()
    expect(page.get_by_role("heading", name="Evaluatie", exact=True)).to_be_visible()

    page.get_by_label("Cijfers tot en met het einde van").fill("2026-07")
    page.get_by_role("button", name="Maand kiezen").click()
    expect(page).to_have_url(re.compile(r"\?maand=2026-07$"))
    expect(page.locator("#downloads")).to_contain_text("31 juli 2026")

    page.get_by_label("Hoe reageerden patiënten?").fill("Vooral opgelucht; een paar boos.")
    page.get_by_label("Bewustzijn in de praktijk").fill("Er wordt vaker doorgevraagd.")
    page.get_by_label("Hoe ging de samenwerking?").fill("Vlot, wekelijks kort overleg.")
    page.get_by_label("De werkbelasting").fill("Terugbellen kostte veel tijd.")
    page.get_by_label("ja", exact=True).check()
    page.get_by_label("Waarom (niet)?").fill("Over een jaar, met de tweede lijst.")
    page.get_by_role("button", name="Reflectie opslaan").click()
    expect(page.get_by_text("Reflectie opgeslagen.")).to_be_visible()
    expect(page.get_by_label("De werkbelasting")).to_have_value("Terugbellen kostte veel tijd.")
    page.screenshot(path=artifacts_dir / "evaluation-page.png", full_page=True)
    saved = EvaluationReflection.objects.get(project=project)
    assert (saved.another_round, saved.version) == ("yes", 1)

    with page.expect_download() as workbook_info:
        page.locator("#werkmap").click()
    workbook = workbook_info.value
    assert workbook.suggested_filename == "dashboard-benzoreductie-najaar-2026-07.xlsx"
    workbook.save_as(tmp_path / workbook.suggested_filename)
    book = load_workbook(tmp_path / workbook.suggested_filename)
    assert len(book.sheetnames) == 6
    assert book.worksheets[-1].cell(row=2, column=1).value == "101"

    with page.expect_download() as report_info:
        page.locator("#rapport-pdf").click()
    report = report_info.value
    assert report.suggested_filename == "evaluatierapport-benzoreductie-najaar-2026-07.pdf"
    pdf_path = tmp_path / report.suggested_filename
    report.save_as(pdf_path)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf_path).pages)
    assert "31 juli 2026" in text and "Over een jaar, met de tweede lijst." in text
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(artifacts_dir / "evaluation-report-browser-page-1")],
                   check=True)
    assert (artifacts_dir / "evaluation-report-browser-page-1.png").stat().st_size > 5_000
