"""The project dashboard in a real browser (docs/domain.md#dashboard, issue 14 point 4): the
POH-GGZ opens it from the start page, chooses a month, sees the funnel and the
month-by-month charts with their reference lines, and downloads the Excel workbook and the
PDF evaluation report (page 1 kept as a PNG); screenshots at desktop and phone width,
and on a phone nothing makes the page wider than the screen."""

import importlib
import io
import re
import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.apps import apps
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from monitoring.models import MonthlySnapshot
from monitoring.snapshots import snapshots_rebuild
from patients.models import Role
from tests.conftest import make_project
from tests.monitoring.scenario import build

from .test_phone_width import LAYOUT_PROBLEMS
from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
AMS = ZoneInfo("Europe/Amsterdam")
TODAY = date(2026, 8, 15)


@pytest.fixture
def running_project(practice, users):
    """The hand-worked scenario (tests/monitoring/scenario.py) in a project that began in
    January, its months stored, except April's. The reference figures are loaded again:
    a transactional test before this one may have emptied the tables the migration
    filled."""
    importlib.import_module("monitoring.migrations.0001_measures").load_figures(apps, None)
    project = make_project(practice, users[Role.POH_GGZ], name="Ronde voorjaar",
                           planned_start=date(2026, 1, 5), planned_end=date(2026, 10, 30))
    build(practice, project, users[Role.POH_GGZ])
    snapshots_rebuild(project=project, today=TODAY)
    MonthlySnapshot.objects.filter(project=project, month=date(2026, 4, 1)).delete()
    return project


def test_poh_opens_the_dashboard_filters_a_month_and_sees_funnel_and_charts(
        transactional_db, live_server, page: Page, users, running_project, artifacts_dir):
    with time_machine.travel(datetime(2026, 8, 15, 10, tzinfo=AMS)):
        _log_in(page, live_server, users[Role.POH_GGZ].username)
        page.get_by_role("link", name="Cijfers van Ronde voorjaar").click()
        expect(page.get_by_role("heading", name="Dashboard: Ronde voorjaar")).to_be_visible()
        expect(page.locator("#peildatum")).to_contain_text("lopende maand")
        page.get_by_label("Maand", exact=True).fill("2026-07")
        page.get_by_role("button", name="Toon").click()
        expect(page).to_have_url(re.compile(r"maand=2026-07"))
        expect(page.locator("#peildatum")).to_contain_text("31-07-2026")
        funnel = page.locator("#trechter")
        expect(funnel.get_by_role("row", name=re.compile("Stopbrief gestuurd"))).to_contain_text(
            "62,5%")
        expect(page.locator("#verhoudingen")).to_contain_text("ongeveer 2/3")
        stopped = page.locator("#gestopt svg")
        expect(stopped).to_be_visible()
        expect(stopped.locator("text", has_text="Gorgels et al. 2005").first).to_be_attached()
        expect(page.locator("#gestopt .missing-months")).to_contain_text("apr 26")
        expect(page.locator("#ddd svg .reference").first).to_be_attached()
        # The "?" of a figure opens its definition with the keyboard.
        toggle = page.locator("#kerncijfers summary").first
        toggle.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#kerncijfers details[open] .definition-body")).to_contain_text(
            "Bron")
        page.keyboard.press("Enter")
        page.screenshot(path=artifacts_dir / "dashboard-1280.png", full_page=True)
        # A filter of the patient table keeps the month.
        page.get_by_label("Huisarts", exact=True).select_option("Dr A")
        page.get_by_role("button", name="Toon").click()
        expect(page).to_have_url(re.compile(r"maand=2026-07.*huisarts=Dr\+A"))
        expect(page.locator("#patienten-telling")).to_contain_text("1–2 van 2")

        # The downloads hold what the page shows: the workbook of every table and the PDF
        # report, both for July.
        with page.expect_download() as download_info:
            page.locator("#werkmap").click()
        workbook_path = artifacts_dir / "dashboard-workbook.xlsx"
        download_info.value.save_as(workbook_path)
        assert "2026-07" in download_info.value.suggested_filename
        sheets = openpyxl.load_workbook(workbook_path).sheetnames
        assert len(sheets) == 6 and any("Trechter" in name for name in sheets)
        pdf = page.request.get(live_server.url
                               + page.locator("#rapport-pdf").get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = " ".join("".join(p.extract_text() for p in
                                PdfReader(io.BytesIO(pdf.body())).pages).split())
        assert "Ronde voorjaar" in text and "31-07-2026" in text
        pdf_path = artifacts_dir / "dashboard-report.pdf"
        pdf_path.write_bytes(pdf.body())
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf_path), str(artifacts_dir / "dashboard-report-page-1")],
                       check=True)

        page.set_viewport_size({"width": 375, "height": 800})
        page.reload()
        expect(page.get_by_role("heading", name="Dashboard: Ronde voorjaar")).to_be_visible()
        page.screenshot(path=artifacts_dir / "dashboard-375.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # No text overlaps or is cut off on a phone, outside the charts (which, like the
        # tapering charts, keep a readable size and scroll sideways in their own box).
        # The content of a closed <details> is not shown, but Chromium still lays it out:
        # take it away so the check sees the page as the reader does.
        page.evaluate("document.querySelectorAll('details:not([open]) > :not(summary)')"
                      ".forEach((e) => e.remove())")
        for section in ("filters", "kerncijfers", "trechter", "per-huisarts", "doelen",
                        "proces", "patienten"):
            found = page.locator(f"#{section}").evaluate(LAYOUT_PROBLEMS)
            assert found["overlaps"] == [], (section, found["overlaps"][:5])
            assert found["clipped"] == [], (section, found["clipped"][:5])


def test_the_printed_dashboard_has_no_navigation_or_filters_and_an_empty_project_says_so(
        transactional_db, live_server, page: Page, users, project, artifacts_dir):
    _log_in(page, live_server, users[Role.HUISARTS].username)
    page.goto(f"{live_server.url}/monitoring/projects/{project.uuid}/dashboard/")
    expect(page.locator("#nog-geen-brieven")).to_be_visible()
    expect(page.locator("#geen-patienten")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator("nav.navbar").first).to_be_hidden()
    expect(page.locator("#trechter")).to_be_visible()
    page.screenshot(path=artifacts_dir / "dashboard-print-empty.png", full_page=True)
