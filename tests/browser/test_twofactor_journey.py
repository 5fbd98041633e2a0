"""Two factors in a real browser (Debian's Chromium): a new user sets up the authenticator
app from the QR page (the key read off the page, as a phone would), prints the recovery
codes, and later logs in with one of them; nothing on the way breaks the Content Security
Policy (docs/security.md#two-factors)."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from patients.models import Role

pytestmark = pytest.mark.browser


def _csp_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    return errors


def test_a_new_user_sets_up_the_app_and_later_logs_in_with_a_recovery_code(
        transactional_db, live_server, page: Page, users, artifacts_dir):
    csp_errors = _csp_errors(page)
    poh = users[Role.POH_GGZ]
    page.goto(f"{live_server.url}/projecten/")
    page.get_by_label("Gebruikersnaam").fill(poh.username)
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()

    expect(page).to_have_url(re.compile(r"/inloggen/instellen/\?next=%2Fprojecten%2F$"))
    expect(page.get_by_role("heading", name="Tweestapsverificatie instellen")).to_be_visible()
    qr = page.locator("#qr-code svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box and box["width"] > 150 and abs(box["width"] - box["height"]) < 2
    page.screenshot(path=artifacts_dir / "twofactor-setup.png", full_page=True)
    secret = page.locator("#sleutel").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Code uit de app").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Bevestigen").click()

    expect(page.get_by_role("heading", name="Uw herstelcodes")).to_be_visible()
    codes = page.locator("#herstelcodes li").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    page.screenshot(path=artifacts_dir / "twofactor-recovery-codes.png", full_page=True)
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page).to_have_url(re.compile(r"/projecten/$"))

    # Log out; back in with a recovery code instead of the app.
    page.locator("#hoofdmenu .dropdown-toggle").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_label("Gebruikersnaam").fill(poh.username)
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen/code/"))
    page.get_by_text("Telefoon niet bij de hand?").click()
    page.get_by_label("Code").fill(codes[3].upper())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()
    expect(page.get_by_text("Nog 9 herstelcodes over")).to_be_visible()
    assert get_user_model().objects.get(pk=poh.pk).staticdevice_set.get().token_set.count() == 9
    assert csp_errors == []
