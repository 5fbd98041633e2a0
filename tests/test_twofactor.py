"""Two factors for every user (docs/security.md#two-factors): the login flow with an
authenticator app (TOTP) and with recovery codes, the setup step, a session that passed
only the password refused everywhere, the account page, the admin's reset, the first
look's switch and its banner."""

import re
import subprocess
import sys
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from benzoproject.twofactor import (
    confirmed_device,
    recovery_codes_left,
    recovery_codes_new,
    totp_code,
    totp_device_for,
)
from patients.models import AuditEvent, Role
from tests.conftest import verified_client

from .factories import UserFactory

PASSWORD = "geheim-wachtwoord-123"
# Halfway through a 30-second window, so "now" and its neighbours are unambiguous.
NOON = datetime(2026, 11, 30, 11, 0, 15, tzinfo=UTC)


def _password_login(client: Client, user, next_url: str | None = None):
    url = reverse("login") + (f"?next={quote(next_url)}" if next_url else "")
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def _code(client: Client, code: str, next_url: str = ""):
    return client.post(reverse("login-code"), {"code": code, "next": next_url})


def _is_verified(client: Client) -> bool:
    response = client.get(reverse("account"))
    return response.status_code == 200


@pytest.fixture
def poh(users):
    return users[Role.POH_GGZ]


@pytest.fixture
def device(poh):
    return totp_device_for(poh)


# --- The password step sends on to the second factor ------------------------------------

def test_the_password_alone_leads_to_the_setup_step_for_a_user_without_app(client, poh):
    response = _password_login(client, poh, "/projecten/")
    assert response.status_code == 302
    assert response.url == reverse("login-setup") + "?next=%2Fprojecten%2F"


def test_the_password_alone_leads_to_the_code_step_for_a_user_with_app(client, poh, device):
    response = _password_login(client, poh, "/projecten/")
    assert response.url == reverse("login-code") + "?next=%2Fprojecten%2F"
    page = client.get(response.url).content.decode()
    assert "Code uit uw app" in page and 'name="next" value="/projecten/"' in page


def test_a_wrong_password_stays_on_the_login_page(client, poh, device):
    response = client.post(reverse("login"), {"username": poh.username, "password": "fout"})
    assert response.status_code == 200
    assert client.get(reverse("login-code")).url.startswith(reverse("login"))


# --- The code step: TOTP ----------------------------------------------------------------

@time_machine.travel(NOON, tick=False)
def test_the_right_code_passes_and_goes_to_next(client, poh, device):
    _password_login(client, poh, "/projecten/")
    response = _code(client, totp_code(device), "/projecten/")
    assert response.status_code == 302 and response.url == "/projecten/"
    assert client.get(reverse("patients:project-list")).status_code == 200
    event = AuditEvent.objects.filter(object_type="account").latest("id")
    assert (event.user, event.action, event.detail) == (poh, "login", "second factor passed")


@time_machine.travel(NOON, tick=False)
def test_a_wrong_code_is_refused_in_dutch_and_the_session_stays_at_the_code_step(
        client, poh, device):
    _password_login(client, poh)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = _code(client, wrong)
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get("/").url.startswith(reverse("login-code"))
    event = AuditEvent.objects.filter(object_type="account").latest("id")
    assert (event.user, event.action, event.detail) == (poh, "login", "second factor refused")
    assert event.client_address == "127.0.0.1"


@time_machine.travel(NOON, tick=False)
def test_a_code_used_once_is_refused_the_second_time(client, poh, device):
    code = totp_code(device)
    _password_login(client, poh)
    assert _code(client, code).status_code == 302
    client.post(reverse("logout"))
    other = Client()
    _password_login(other, poh)
    response = _code(other, code)
    assert response.status_code == 200 and "al gebruikt" in response.content.decode()
    assert not _is_verified(other)


@time_machine.travel(NOON, tick=False)
def test_codes_one_window_off_pass_and_two_windows_off_are_refused(poh, device):
    now = NOON.timestamp()
    # A phone's clock a little behind or ahead still works; more is refused.
    for seconds, passes in ((-60, False), (60, False), (-30, True), (30, True)):
        TOTPDevice.objects.filter(pk=device.pk).update(
            last_t=-1, drift=0, throttling_failure_count=0, throttling_failure_timestamp=None)
        device.refresh_from_db()
        client = Client()
        _password_login(client, poh)
        response = _code(client, totp_code(device, at=now + seconds))
        assert (response.status_code == 302) is passes, seconds


def test_wrong_codes_in_a_row_make_the_user_wait(client, poh, device):
    with time_machine.travel(NOON, tick=False) as traveller:
        _password_login(client, poh)
        _code(client, "000000" if totp_code(device) != "000000" else "111111")
        response = _code(client, totp_code(device))
        assert "Te veel onjuiste codes" in response.content.decode()
        traveller.shift(1.5)
        assert _code(client, totp_code(device)).status_code == 302


# --- The code step: recovery codes ------------------------------------------------------

def test_a_recovery_code_works_once_and_is_logged(client, poh, device):
    codes = recovery_codes_new(user=poh)
    _password_login(client, poh, "/projecten/")
    response = _code(client, codes[0], "/projecten/")
    assert response.status_code == 302 and response.url == "/projecten/"
    assert recovery_codes_left(poh) == 9
    event = AuditEvent.objects.filter(object_type="account", action="login").latest("id")
    assert event.user == poh and event.detail == "recovery code used, 9 left"

    again = Client()
    _password_login(again, poh)
    refused = _code(again, codes[0])
    assert refused.status_code == 200 and "Deze code klopt niet" in refused.content.decode()
    _throttle_over(poh)
    # Capitals, spaces and no dash do not matter.
    again_later = Client()
    _password_login(again_later, poh)
    typed = " ".join(codes[1].replace("-", "").upper())
    assert _code(again_later, typed).status_code == 302


def _throttle_over(user) -> None:
    """As if the second or so the throttle holds after a wrong code had passed."""
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)


def test_few_recovery_codes_left_are_pointed_out(client, poh, device):
    codes = recovery_codes_new(user=poh)
    StaticToken.objects.filter(device__user=poh).exclude(
        pk__in=StaticToken.objects.filter(device__user=poh).order_by("pk")[:3]).delete()
    _password_login(client, poh)
    response = client.post(reverse("login-code"), {"code": codes[0]}, follow=True)
    page = response.content.decode()
    assert "Nog 2 herstelcodes over" in page and "Maak nieuwe herstelcodes" in page


def test_recovery_codes_are_not_stored_readable(poh, device):
    codes = recovery_codes_new(user=poh)
    stored = set(StaticToken.objects.filter(device__user=poh).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)


# --- The setup step ---------------------------------------------------------------------

def _secret_on_page(page: str) -> str:
    return re.search(r'<code id="sleutel"[^>]*>([A-Z2-7 ]+)</code>', page).group(1)


def test_setup_shows_qr_and_key_and_a_code_from_that_key_confirms(client, poh):
    with time_machine.travel(NOON, tick=False) as traveller:
        _setup_journey(client, poh, traveller)


def _setup_journey(client, poh, traveller):
    from base64 import b32decode

    _password_login(client, poh, "/projecten/")
    response = client.get(reverse("login-setup") + "?next=/projecten/")
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<div id="qr-code"[^>]*><svg [^>]*viewBox', page)
    secret = _secret_on_page(page).replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    pending = TOTPDevice.objects.get(user=poh)
    assert key == pending.bin_key and not pending.confirmed
    # The same key on a second look: the app scanned before still works.
    assert _secret_on_page(client.get(reverse("login-setup")).content.decode()) == \
        _secret_on_page(page)

    refused = client.post(reverse("login-setup"), {"code": "12345", "next": "/projecten/"})
    assert "Deze code klopt niet" in refused.content.decode()
    assert confirmed_device(poh) is None

    traveller.shift(2)  # past the throttle of the wrong code
    response = client.post(reverse("login-setup"),
                           {"code": totp_code(pending), "next": "/projecten/"})
    assert response.status_code == 302
    assert response.url == reverse("account-recovery-codes") + "?next=%2Fprojecten%2F"
    assert confirmed_device(poh) == pending and TOTPDevice.objects.filter(user=poh).count() == 1
    codes_page = client.get(response.url).content.decode()
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", codes_page)
    assert len(set(codes)) == 10 and recovery_codes_left(poh) == 10
    assert "Druk deze codes nu af" in codes_page and 'href="/projecten/"' in codes_page
    assert "no-store" in client.get(reverse("account")).headers["Cache-Control"]
    # Shown once: opened again, the page sends to the account page.
    assert client.get(reverse("account-recovery-codes")).url == reverse("account")
    assert _is_verified(client)
    event = AuditEvent.objects.get(object_type="account", action="create")
    assert event.user == poh and event.object_id == str(poh.pk)
    assert "set up" in event.detail


def test_the_setup_page_fits_the_content_security_policy(client, poh):
    _password_login(client, poh)
    response = client.get(reverse("login-setup"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/static/' in attrs for attrs in scripts)
    assert not re.search(r"<svg[^>]*\son\w+=|<img[^>]+src=\"(?!/static/|data:)", page)


def test_a_user_with_an_app_cannot_open_setup_again(client, poh, device):
    _password_login(client, poh)
    assert client.get(reverse("login-setup")).url.startswith(reverse("login-code"))


# --- A session past the password only reaches nothing else ------------------------------

from .test_access import (  # noqa: E402, F401  (fixtures of the URL walk)
    _call,
    all_cases,
    consultation,
    imports,
    letters,
    participation,
    schedule,
    step,
)


def _password_only(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _admin_urls() -> list[str]:
    from django.contrib import admin
    from django.urls import NoReverseMatch, get_resolver

    values = {"object_id": "1", "id": "1", "app_label": "patients", "content_type_id": "1",
              "url": "x"}
    urls = []
    sub = get_resolver().namespace_dict["admin"][1]
    for name in {k for k in sub.reverse_dict if isinstance(k, str)}:
        params = sub.reverse_dict.getlist(name)[0][0][0][1]
        try:
            urls.append(reverse(f"admin:{name}", kwargs={p: values[p] for p in params}))
        except (NoReverseMatch, KeyError):
            pytest.fail(f"admin:{name} has parameters {params} the walk does not know")
    assert len(urls) > 3 * len(admin.site._registry)
    return urls


def test_a_password_only_session_reaches_only_the_code_step(users, device, django_user_model,
                                                            request):
    walk = request.getfixturevalue("all_cases")  # tests/test_access.py's walk
    code_step = reverse("login-code")
    for role in Role.values:
        totp_device_for(users[role])
        client = _password_only(users[role])
        for case in walk:
            response = _call(client, case)
            assert response.status_code == 302, (role, case.name, response.status_code)
            url = reverse(case.name, kwargs=case.kwargs)
            expected = (f"{code_step}?next={quote(url, safe='')}" if case.method == "GET"
                        else code_step)
            assert response.url == expected, (role, case.name, response.url)
    client = _password_only(users[Role.POH_GGZ])
    for name in ("home", "account", "account-password", "account-recovery-codes"):
        assert client.get(reverse(name)).url.startswith(code_step), name
    assert client.post(reverse("account-recovery-codes-new")).url == code_step
    assert recovery_codes_left(users[Role.POH_GGZ]) == 0
    # htmx requests are sent to the code step by htmx itself.
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 403 and response.headers["HX-Redirect"].startswith(code_step)
    # The admin, for a superuser: every page of it, the login page included.
    boss = django_user_model.objects.create_superuser("baas", password=PASSWORD)
    totp_device_for(boss)
    client = _password_only(boss)
    for url in _admin_urls():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response.url.startswith(code_step), (url, response.url)
    # An address that is no page at all answers the same, not a 404 that tells what exists.
    assert client.get("/geen-pagina/").url.startswith(code_step)


def test_a_password_only_session_without_app_reaches_only_the_setup_step(users):
    client = _password_only(users[Role.ASSISTENT])
    response = client.get(reverse("patients:project-list"))
    assert response.url == reverse("login-setup") + "?next=%2Fprojecten%2F"


def test_a_password_only_session_can_log_out(poh, device):
    client = _password_only(poh)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).url.startswith(reverse("login") + "?next=")


@time_machine.travel(NOON, tick=False)
def test_next_to_another_site_is_not_followed(client, poh, device):
    response = _password_login(client, poh, "https://kwaad.example/")
    assert response.url == reverse("login-code") + "?next=%2F"
    response = _code(client, totp_code(device), "https://kwaad.example/")
    assert response.url == "/"


def test_the_admin_login_page_sends_to_the_app_login(client):
    response = client.get(reverse("admin:login") + "?next=/beheer/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def test_the_device_pages_of_django_otp_are_not_in_the_admin():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


# --- The account page -------------------------------------------------------------------

def test_new_recovery_codes_replace_the_old_ones(client_for, poh):
    old = recovery_codes_new(user=poh)
    client = client_for(poh)
    page = client.get(reverse("account")).content.decode()
    assert "10 ongebruikte herstelcodes" in page
    response = client.post(reverse("account-recovery-codes-new"))
    assert response.url == reverse("account-recovery-codes")
    new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>",
                     client.get(response.url).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    event = AuditEvent.objects.filter(object_type="account").latest("id")
    assert event.action == "change" and event.detail == "new recovery codes made"
    login = Client()
    _password_login(login, poh)
    assert "Deze code klopt niet" in _code(login, old[0]).content.decode()
    _throttle_over(poh)
    assert _code(login, new[0]).status_code == 302


def test_the_user_changes_the_password(client_for, poh):
    client = client_for(poh)
    url = reverse("account-password")
    assert "Wachtwoord wijzigen" in client.get(url).content.decode()
    wrong_old = client.post(url, {"old_password": "fout", "new_password1": "paars konijn fietst",
                                  "new_password2": "paars konijn fietst"})
    assert "Uw oude wachtwoord is niet juist ingevoerd" in wrong_old.content.decode()
    too_short = client.post(url, {"old_password": PASSWORD, "new_password1": "paarskonijn",
                                  "new_password2": "paarskonijn"})
    assert "Het moet minstens 12 tekens lang zijn" in too_short.content.decode()
    common = client.post(url, {"old_password": PASSWORD, "new_password1": "Welkom2026!!",
                               "new_password2": "Welkom2026!!"})
    assert "veelgebruikt woord" in common.content.decode()
    poh.refresh_from_db()
    assert poh.check_password(PASSWORD)

    response = client.post(url, {"old_password": PASSWORD, "new_password1": "paarskonijnf",
                                 "new_password2": "paarskonijnf"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account")
    assert "Uw wachtwoord is gewijzigd" in response.content.decode()
    poh.refresh_from_db()
    assert poh.check_password("paarskonijnf")
    # The session stays logged in past both factors.
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.filter(object_type="account").latest("id")
    assert event.action == "change" and event.detail == "password changed" and event.user == poh


def test_the_account_page_is_for_a_logged_in_user_only(client):
    assert client.get(reverse("account")).url.startswith(reverse("login") + "?next=")


def test_the_menu_links_to_the_account_page(client_for, poh):
    assert f'href="{reverse("account")}"' in client_for(poh).get("/").content.decode()


# --- The beheerder resets a user's second factor ----------------------------------------

def test_the_beheerder_resets_a_users_second_factor_in_the_admin(users, django_user_model):
    boss = django_user_model.objects.create_superuser("baas", password=PASSWORD)
    admin_client = verified_client(boss)
    poh = users[Role.POH_GGZ]
    poh_client = verified_client(poh)
    recovery_codes_new(user=poh)
    changelist = reverse("admin:auth_user_changelist")
    assert "Tweestapsverificatie" in admin_client.get(changelist).content.decode()
    response = admin_client.post(changelist, {"action": "reset_two_factor",
                                              "_selected_action": [poh.pk]}, follow=True)
    assert "Tweestapsverificatie is voor 1 gebruiker opnieuw ingesteld" in \
        response.content.decode()
    assert not TOTPDevice.objects.filter(user=poh).exists()
    assert not StaticDevice.objects.filter(user=poh).exists()
    event = AuditEvent.objects.filter(object_type="account").latest("id")
    assert event.user == boss and event.action == "change" and event.object_id == str(poh.pk)
    assert event.detail == f"two-factor authentication reset for {poh.username}"
    # The user's open session falls back to the setup step, as does the next login.
    assert poh_client.get(reverse("home")).url.startswith(reverse("login-setup"))
    assert _password_login(Client(), poh).url.startswith(reverse("login-setup"))
    # Other users keep theirs.
    assert confirmed_device(boss) is not None


# --- Argon2 -----------------------------------------------------------------------------

@pytest.fixture
def real_hashers(settings):
    import importlib

    settings.PASSWORD_HASHERS = importlib.import_module("benzoproject.settings").PASSWORD_HASHERS


def test_passwords_are_hashed_with_argon2(real_hashers, db):
    user = UserFactory(username="nieuw")
    assert user.password.startswith("argon2$argon2id$")


def test_an_older_hash_still_logs_in_and_is_upgraded_to_argon2(real_hashers, client, poh,
                                                                device):
    from django.contrib.auth.hashers import make_password

    poh.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    poh.save()
    response = _password_login(client, poh)
    assert response.url.startswith(reverse("login-code"))
    poh.refresh_from_db()
    assert poh.password.startswith("argon2$")


# --- The first look's switch ------------------------------------------------------------

def test_with_two_factor_off_the_password_is_enough_and_every_page_says_so(
        settings, client, poh, django_user_model):
    settings.TWO_FACTOR_REQUIRED = False
    assert "Tweestapsverificatie staat uit" in client.get(reverse("login")).content.decode()
    response = _password_login(client, poh, "/projecten/")
    assert response.url == "/projecten/"
    for url in ("/", "/projecten/", reverse("account")):
        page = client.get(url).content.decode()
        assert 'id="tweestap-uit"' in page and "alleen voor een eerste kennismaking" in page, url
    boss = django_user_model.objects.create_superuser("baas", password=PASSWORD)
    client.force_login(boss)
    assert 'id="tweestap-uit"' in client.get(reverse("admin:index")).content.decode()


def test_with_two_factor_on_no_page_shows_the_banner(client_for, client, poh,
                                                    django_user_model):
    assert "tweestap-uit" not in client.get(reverse("login")).content.decode()
    verified = client_for(poh)
    for url in ("/", "/projecten/", reverse("account")):
        assert "tweestap-uit" not in verified.get(url).content.decode(), url
    boss = django_user_model.objects.create_superuser("baas", password=PASSWORD)
    assert "tweestap-uit" not in verified_client(boss).get(
        reverse("admin:index")).content.decode()


def _settings_load(**env) -> subprocess.CompletedProcess:
    import os

    from .processes import ROOT

    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DEBUG", "TWO_FACTOR_REQUIRED", "SECRET_KEY")}
    environment.update(ENV_FILE="/nonexistent/.env", SECRET_KEY="test-key", **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                          env={**environment, "DJANGO_SETTINGS_MODULE": "benzoproject.settings"},
                          capture_output=True, text=True, timeout=120)


def test_two_factor_off_without_debug_stops_the_start():
    refused = _settings_load(DEBUG="false", TWO_FACTOR_REQUIRED="false")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: TWO_FACTOR_REQUIRED=false is only allowed with DEBUG=true" \
        in refused.stderr
    assert _settings_load(DEBUG="true", TWO_FACTOR_REQUIRED="false").returncode == 0
    assert _settings_load(DEBUG="false").returncode == 0
    assert _settings_load(DEBUG="false", TWO_FACTOR_REQUIRED="true").returncode == 0


def test_make_writes_a_first_look_env_with_two_factor_off(tmp_path):
    from .processes import ROOT

    subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), ".env",
                    f"PYTHON={sys.executable}"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=60)
    lines = (tmp_path / ".env").read_text().splitlines()
    assert "DEBUG=true" in lines and "TWO_FACTOR_REQUIRED=false" in lines


# --- The helpers for the demo and the load benchmark ------------------------------------

def test_a_verified_session_opens_pages_from_its_cookie_alone(poh, settings):
    from benzoproject.twofactor import verified_session

    session = verified_session(poh)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get(reverse("patients:project-list")).status_code == 200
    assert confirmed_device(poh) is not None
    # Without the second factor in it, the same kind of session reaches the code step only.
    session.pop("otp_device_id")
    session.save()
    assert client.get(reverse("patients:project-list")).url.startswith(reverse("login-code"))
