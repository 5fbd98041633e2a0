"""Acceptance at 375 px wide, a phone: the call-back list, screening and the mailing screen
show no overlapping or clipped text and need no sideways scrolling (issue 11).

Each page is filled with rows of long names, addresses and notes; a screenshot of each is
kept as a test artifact.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from patients.due import due_items_sweep
from patients.models import Participation, Role
from patients.services import participation_letter_mailed
from tapering.services import call_attempt_log, phone_note_create
from tests.conftest import make_project
from tests.factories import PatientFactory
from tests.letters.helpers import on_mailing_list, prescribe

from .test_poh_journey import _log_in

pytestmark = pytest.mark.browser
S = Participation.Status
PHONE = {"width": 375, "height": 812}

# Every visible text box on the page, then the pairs of different texts whose boxes overlap
# by more than a pixel each way, texts cut off by their box, and the page's own width.
LAYOUT_PROBLEMS = """
(root) => {
  const boxes = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.textContent.trim()
      ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
  });
  const hidden = (el) => { for (; el; el = el.parentElement) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || el.hidden) return true;
    if (el.classList.contains("visually-hidden")) return true;
  } return false; };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (hidden(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const text = node.textContent.trim().slice(0, 40);
      if (r.width > 0.5 && r.height > 0.5) boxes.push({text, node, r});
    }
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.node === b.node) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 1 && y > 1) overlaps.push(`${a.text} <> ${b.text}`);
    }
  }
  const clipped = [];
  root.querySelectorAll("td, th, li, p, a, span, div, label, dd, dt").forEach((el) => {
    if (hidden(el) || !el.textContent.trim()) return;
    const style = getComputedStyle(el);
    // Hidden, clipped or scrolled sideways: on a phone, text out of sight is text lost.
    const clips = ["hidden", "clip", "auto", "scroll"].includes(style.overflowX)
      || style.textOverflow === "ellipsis";
    if (clips && el.scrollWidth > el.clientWidth + 1) {
      clipped.push(el.textContent.trim().slice(0, 40));
    }
  });
  // Text outside its table cell also counts: a cell narrower than its words.
  root.querySelectorAll("td, th").forEach((cell) => {
    if (hidden(cell)) return;
    const c = cell.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(cell);
    for (const r of range.getClientRects()) {
      if (r.width > 0.5 && (r.left < c.left - 1 || r.right > c.right + 1)) {
        clipped.push(`outside its cell: ${cell.textContent.trim().slice(0, 40)}`);
        break;
      }
    }
  });
  return {overlaps, clipped, pageWidth: document.documentElement.scrollWidth,
          viewport: window.innerWidth};
}
"""


def assert_readable_on_a_phone(page: Page, artifacts_dir, name: str) -> None:
    page.screenshot(path=artifacts_dir / f"phone-{name}.png", full_page=True)
    found = page.locator("main").evaluate(LAYOUT_PROBLEMS)
    assert found["overlaps"] == [], (name, found["overlaps"][:10])
    assert found["clipped"] == [], (name, found["clipped"][:10])
    assert found["pageWidth"] <= found["viewport"], (name, found["pageWidth"])


LONG = {"initials": "A.B.C.", "prefix": "van der", "surname": "Bergh-Wijnandsdonckers",
        "street": "Burgemeester van Nispen tot Sevenaerstraat", "house_number": "112-bis",
        "postcode": "6871 AB", "city": "Heelsum-Doorwerth"}


@pytest.fixture
def busy_phone_practice(practice, users):
    poh, gp = users[Role.POH_GGZ], users[Role.HUISARTS]
    practice.phone = "0317-123456"
    practice.save()
    project = make_project(practice, poh, name="Benzoreductie voorjaar met een lange naam",
                           letter_target=20, reserve_target=5)
    project.gps.set([gp])
    today = timezone.localdate()
    # The call-back list: due today (one phoned on their own), one coming up.
    for n in range(4):
        patient = PatientFactory(practice=practice, number=f"90000{n}", phone="06-12345678",
                                 **{**LONG, "surname": f"{LONG['surname']}{n}"})
        prescribe(patient, "N05CD07", "20", today - timedelta(days=100))
        part = Participation.objects.create(project=project, patient=patient,
                                            reference_date=today - timedelta(days=90),
                                            status=S.MAILING, created_by=poh)
        participation_letter_mailed(participation=part, user=users[Role.ASSISTENT],
                                    mailed_on=today - timedelta(days=45))
    due_items_sweep(today=today)
    called = project.participations.get(patient__number="900001")
    call_attempt_log(participation=called, user=poh, outcome="not_reached",
                     today=today - timedelta(days=7), call_now=True)  # an earlier attempt
    phone_note_create(participation=project.participations.get(patient__number="900002"),
                      user=users[Role.ASSISTENT], called_at=timezone.now() - timedelta(hours=1),
                      caller="patient", wish="call_back",
                      note="liefst na twee uur 's middags bellen, dan is zij thuis van werk")
    # Screening: a patient on screen with several products.
    screened = PatientFactory(practice=practice, number="910000", **LONG)
    for atc, strength in (("N05BA04", "10"), ("N05CD07", "20"), ("N05CF01", "7.5")):
        prescribe(screened, atc, strength, today - timedelta(days=30))
        prescribe(screened, atc, strength, today - timedelta(days=220))
    Participation.objects.create(project=project, patient=screened,
                                 reference_date=today - timedelta(days=1), created_by=poh)
    # The mailing screen: patients on the mailing list.
    for n in range(3):
        on_mailing_list(project, gp, rank=n + 1, number=f"92000{n}", gp_name="M. Öztürk",
                        **{**LONG, "surname": f"Mailing-{LONG['surname']}{n}"})
    return project


def test_call_backs_screening_and_mailing_are_readable_at_375_px(
        transactional_db, live_server, page: Page, users, busy_phone_practice, artifacts_dir):
    project = busy_phone_practice
    page.set_viewport_size(PHONE)

    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.goto(f"{live_server.url}/afbouw/terugbellen/")
    expect(page.locator("#terugbellen-vandaag tbody tr")).not_to_have_count(0)
    expect(page.locator("#terugbellen-vandaag")).to_contain_text("liefst na twee uur")
    assert_readable_on_a_phone(page, artifacts_dir, "callbacks")

    page.context.clear_cookies()
    _log_in(page, live_server, users[Role.HUISARTS].username)
    page.goto(f"{live_server.url}/projecten/{project.uuid}/screening/")
    expect(page.locator("#patient-naam")).to_contain_text("Bergh-Wijnandsdonckers")
    assert_readable_on_a_phone(page, artifacts_dir, "screening")

    page.context.clear_cookies()
    _log_in(page, live_server, users[Role.POH_GGZ].username)
    page.goto(f"{live_server.url}/projecten/{project.uuid}/lijsten/")
    expect(page.locator("#lijst-verzendlijst")).to_contain_text("Mailing-Bergh-Wijnandsdonckers0")
    assert_readable_on_a_phone(page, artifacts_dir, "lists")

    page.context.clear_cookies()
    _log_in(page, live_server, users[Role.ASSISTENT].username)
    page.goto(f"{live_server.url}/brieven/verzending/{project.uuid}/")
    expect(page.locator("main")).to_contain_text("Mailing-Bergh-Wijnandsdonckers0")
    assert_readable_on_a_phone(page, artifacts_dir, "mailing")
