"""The beheerder is not a clinical role (docs/security.md#least-privilege): the admin holds
accounts, practices, memberships, FTO groups and non-clinical settings, and no model with
patient data. A model added to the admin must be added here, after asking whether it may."""

from django.contrib import admin

# app_label.model_name of every model the admin may show, and why it holds no patient.
ALLOWED = {
    "auth.user": "accounts",
    "auth.group": "permission groups",
    "patients.practice": "practices",
    "patients.ftogroup": "FTO groups",
    "patients.membership": "who works where in which role",
    # The access log names patients by internal id only, never by name.
    "patients.auditevent": "the access log, read-only",
    "monitoring.referencefigure": "figures from the literature",
    "monitoring.resulttarget": "a project's result targets (numbers)",
    "django_celery_beat.periodictask": "the schedule of timed jobs",
    "django_celery_beat.intervalschedule": "the schedule of timed jobs",
    "django_celery_beat.crontabschedule": "the schedule of timed jobs",
    "django_celery_beat.solarschedule": "the schedule of timed jobs",
    "django_celery_beat.clockedschedule": "the schedule of timed jobs",
    "otp_totp.totpdevice": "second-factor devices of accounts",
    "otp_static.staticdevice": "recovery codes of accounts",
    "axes.accessattempt": "failed logins (usernames and addresses)",
    "axes.accesslog": "logins (usernames and addresses)",
    "axes.accessfailurelog": "failed logins (usernames and addresses)",
}
CLINICAL_APPS = {"letters", "tapering"}


def _registered() -> set[str]:
    return {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}


def test_the_admin_shows_no_model_with_patient_data():
    registered = _registered()
    assert registered - set(ALLOWED) == set(), "a model with patient data in the admin?"
    assert not {name for name in registered if name.split(".")[0] in CLINICAL_APPS}
    for clinical in ("patient", "prescription", "importbatch", "participation",
                     "participationevent", "screeningdecision", "dueitem", "project"):
        assert f"patients.{clinical}" not in registered
