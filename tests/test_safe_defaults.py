"""Without DEBUG the settings are secure with no extra variable (docs/security.md).

The test process reads the local .env (DEBUG on), so the production settings are read in a
subprocess; the headers are asserted with those very values applied to this process.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from patients.models import Role

ROOT = Path(__file__).resolve().parent.parent
SECURITY_SETTINGS = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "LOGIN_DEVICE_COOKIE_NAME",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_COOKIE_AGE", "SESSION_IDLE_SECONDS",
    "SESSION_MAX_SECONDS", "PERMISSIONS_POLICY",
]


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DEBUG", "SECRET_KEY", "HTTPS", "SECURE_", "SESSION_",
                                "TWO_FACTOR"))
           and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the test run's, never a deployment's
    env.update(ENV_FILE="/nonexistent/.env", DEBUG="false", ALLOWED_HOSTS="benzo.example.nl",
               SECRET_KEY=secrets.token_urlsafe(50), PSEUDONYM_KEY=secrets.token_urlsafe(50),
               **extra)
    return env


def _settings_of(**extra: str) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env={**_production_env(**extra),
                                 "DJANGO_SETTINGS_MODULE": "benzoproject.settings"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production() -> dict:
    return _settings_of()


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_test_runs_the_deploy_check():
    makefile = (ROOT / "Makefile").read_text()
    assert "manage.py check --deploy --fail-level WARNING" in makefile


def test_without_debug_the_site_is_https_only_with_host_cookies(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    for name in ("SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "LOGIN_DEVICE_COOKIE_NAME"):
        assert production[name].startswith("__Host-"), name
    # No proxy header is believed unless one is configured.
    assert production["SECURE_PROXY_SSL_HEADER"] is None
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert production["SESSION_COOKIE_AGE"] == production["SESSION_MAX_SECONDS"] == 12 * 3600
    assert production["SESSION_IDLE_SECONDS"] == 30 * 60
    assert {"camera", "microphone", "geolocation"} <= {
        feature for feature, allowed in production["PERMISSIONS_POLICY"].items() if not allowed}


def test_a_tls_proxy_is_believed_only_when_configured():
    behind_proxy = _settings_of(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind_proxy["SECURE_SSL_REDIRECT"] is True


@pytest.fixture
def as_production(settings, production):
    """This process with the production values of the security settings."""
    for name, value in production.items():
        if name != "DEBUG":
            setattr(settings, name, tuple(value) if isinstance(value, list)
                    and name == "SECURE_PROXY_SSL_HEADER" else value)
    return production


def _assert_safe_headers(response):
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_plain_http_is_redirected_to_https(as_production, db):
    response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_a_page_and_a_download_carry_the_safe_headers(as_production, users, project,
                                                      client_for):
    client = client_for(users[Role.POH_GGZ])
    page = client.get(reverse("patients:groslijst"), secure=True)
    download = client.get(reverse("patients:groslijst"), {"formaat": "csv"}, secure=True)
    assert page.status_code == download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    _assert_safe_headers(page)
    _assert_safe_headers(download)


def test_login_cookies_are_secure_host_cookies(as_production, users, settings):
    settings.TWO_FACTOR_REQUIRED = False  # the device cookie without the code step
    client = Client()
    form = client.get(reverse("login"), secure=True)
    _assert_safe_headers(form)
    response = client.post(reverse("login"), {"username": users[Role.HUISARTS].username,
                                              "password": "geheim-wachtwoord-123"}, secure=True)
    assert response.status_code == 302
    for name in (as_production["SESSION_COOKIE_NAME"], as_production["CSRF_COOKIE_NAME"],
                 as_production["LOGIN_DEVICE_COOKIE_NAME"]):
        cookie = client.cookies[name]
        assert name.startswith("__Host-")
        assert cookie["secure"] is True and cookie["path"] == "/" and not cookie["domain"]
        assert cookie["httponly"] is True or name == as_production["CSRF_COOKIE_NAME"]
    # The session cookie ends with the browser: no expiry of its own.
    assert not client.cookies[as_production["SESSION_COOKIE_NAME"]]["max-age"]


def test_static_files_keep_their_caching(settings, db):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(django_settings.STATIC_URL + "js/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "camera=()" in response["Permissions-Policy"]
