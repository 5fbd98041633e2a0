"""`manage.py demo`: two practices of one FTO group, each with an earlier round a year ago
and a running project (monitoring/demo/)."""

from collections import Counter
from datetime import timedelta
from io import StringIO

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from letters.models import Letter, LetterKind, LetterRun
from patients.models import (
    FtoGroup,
    GpNameMapping,
    ImportBatch,
    Membership,
    Participation,
    ParticipationEvent,
    Practice,
    Prescription,
    Project,
    Role,
)
from tapering.models import CallAttempt, Consultation, QuestionnaireResponse, RelapsePlan
from tests.conftest import verified_client

EVERY_OUTCOME = {"stopped", "reduced", "unchanged", "declined", "not_reached", "died",
                 "moved", "referred"}


def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """The number of rows of every model, and every user's password hash."""
    counts = {model._meta.label: model._default_manager.count()
              for model in apps.get_models()
              if model._meta.app_label in ("patients", "letters", "tapering", "auth")}
    return {"counts": counts,
            "passwords": dict(get_user_model().objects.values_list("username", "password")),
            "memberships": set(Membership.objects.values_list("user__username", "role",
                                                              "practice__code")),
            "participations": set(Participation.objects.values_list(
                "pk", "status", "outcome", "letter_sent_on", "status_changed_at")),
            "mapped": set(GpNameMapping.objects.values_list("export_name", "confirmed_at"))}


def test_a_second_run_changes_nothing_and_says_so(db, client):
    first = demo()
    assert "Demo loaded." in first
    before = snapshot()
    second = demo()
    assert snapshot() == before
    assert "nothing changed" in second and "Played" not in second
    for code in ("DELINDE", "DEBRINK"):
        roles = set(Membership.objects.filter(practice__code=code).values_list("role",
                                                                                flat=True))
        assert roles == set(Role.values), code
    response = client.post("/inloggen/", {"username": "poh", "password": "demo-benzo-2026"})
    # The password is right; a new user sets up the authenticator app next.
    assert response.status_code == 302 and response.url.startswith("/inloggen/instellen/")


def test_a_changed_demo_password_or_role_is_set_back(db):
    demo()
    user = get_user_model().objects.get(username="poh-brink")
    user.set_password("something else")
    user.save()
    Membership.objects.filter(user__username="monitor", practice__code="DEBRINK").update(
        role=Role.HUISARTS)
    assert "Demo loaded." in demo()
    user.refresh_from_db()
    assert user.check_password("demo-benzo-2026")
    assert Membership.objects.get(user__username="monitor",
                                  practice__code="DEBRINK").role == Role.MONITOR


def test_two_practices_of_one_fto_group_and_a_monitor_in_both(db):
    output = demo()
    group = FtoGroup.objects.get(name="FTO Rijn en IJssel")
    practices = {p.code: p for p in Practice.objects.filter(fto_group=group)}
    assert set(practices) == {"DELINDE", "DEBRINK"}
    assert {p.list_size for p in practices.values()} == {6200, 3100}
    monitor = Membership.objects.filter(user__username="monitor")
    assert {(m.practice.code, m.role) for m in monitor} == {("DELINDE", Role.MONITOR),
                                                            ("DEBRINK", Role.MONITOR)}
    # Every login of the README's table is printed.
    for username in ("poh", "huisarts2", "monitor", "beheerder", "poh-brink",
                     "huisarts-brink", "assistent-brink", "apotheker-brink", "beheerder-brink"):
        assert f"  {username} " in output, username
    # The administrator of each practice is its privacy officer; nobody else.
    officers = Membership.objects.filter(privacy_officer=True)
    assert {(m.user.username, m.practice.code) for m in officers} == {
        ("beheerder", "DELINDE"), ("beheerder-brink", "DEBRINK")}
    # Each practice: the closed earlier round and the running project with its queue.
    for code in practices:
        projects = Project.objects.filter(practice__code=code)
        assert sorted(projects.values_list("status", flat=True)) == ["closed", "running"]
        running = projects.get(status=Project.Status.RUNNING)
        assert 0 < running.participations.count() <= 20
        assert set(running.participations.values_list("status", flat=True)) == {"to_screen"}


def test_the_running_project_has_a_screening_queue_filled_once(db):
    demo()
    project = Project.objects.get(practice__code="DELINDE", status=Project.Status.RUNNING)
    assert project.participations.count() == 20  # a full queue, all of the project's GPs
    demo()
    assert project.participations.count() == 20


def test_demo_confirms_its_gp_names_so_patients_own_gp_signs(db):
    from letters.selectors import project_gps, signer_for
    from patients.models import PlanMilestone

    demo()
    project = Project.objects.get(practice__code="DELINDE", status=Project.Status.RUNNING)
    practice = project.practice
    confirmed = dict(practice.gp_names.filter(confirmed_at__isnull=False)
                     .values_list("export_name", "user__username"))
    assert confirmed == {"M. Öztürk": "huisarts", "S. van Dam": "huisarts2"}
    assert practice.gp_names.filter(confirmed_at__isnull=True).exists()  # left to the POH-GGZ
    gps = project_gps(project)
    signers = {p.patient.gp_name: signer_for(p.patient, gps).username
               for p in project.participations.select_related("patient")}
    assert signers == {"M. Öztürk": "huisarts", "S. van Dam": "huisarts2"}
    # The app checked off what it saw: the import and the groslijst.
    done = set(project.plan_steps.filter(done_on__isnull=False).values_list("milestone",
                                                                          flat=True))
    assert done == {PlanMilestone.IMPORTED, PlanMilestone.GROSLIJST}


def test_the_earlier_round_went_through_every_step_about_a_year_ago(db):
    demo()
    today = timezone.localdate()
    earlier = Project.objects.get(practice__code="DELINDE", status=Project.Status.CLOSED)
    parts = earlier.participations.all()
    assert 30 <= parts.count() <= 60
    assert set(parts.values_list("outcome", flat=True)) >= EVERY_OUTCOME
    assert parts.filter(status=Participation.Status.EXCLUDED).exists()
    letters = {p.letter_sent_on for p in parts if p.letter_sent_on}
    assert len(letters) == 2
    assert all(today - relativedelta(months=13) <= d <= today - relativedelta(months=12)
               for d in letters)
    assert parts.filter(responded_at__isnull=False).exists()
    calls = CallAttempt.objects.filter(participation__project=earlier)
    assert calls.exists() and not calls.filter(minutes__isnull=True).exists()
    consults = Consultation.objects.filter(participation__project=earlier)
    assert set(consults.values_list("status", flat=True)) == {Consultation.Status.HELD}
    assert {"evaluation", "monitoring_phone"} <= set(consults.values_list("kind", flat=True))
    assert not consults.filter(minutes__isnull=True).exists()
    # Every consult booked by phone had its invitation printed and mailed in a week's run.
    invitations = Letter.objects.filter(run__project=earlier, kind=LetterKind.INVITATION)
    assert invitations.count() == consults.filter(kind="evaluation").count()
    assert not invitations.filter(mailed_on=None).exists()
    assert not LetterRun.objects.filter(project=earlier).exclude(status="mailed").exists()
    tapering = parts.filter(taper_schedules__isnull=False).distinct()
    answers = Counter(QuestionnaireResponse.objects.filter(participation__project=earlier)
                      .values_list("participation", flat=True))
    assert tapering.exists() and all(answers[p.pk] in (2, 3) for p in tapering)
    assert RelapsePlan.objects.filter(participation__project=earlier).exists()
    # What happened is dated when it happened, a year ago, not today.
    end = earlier.planned_end + timedelta(days=14)
    events = ParticipationEvent.objects.filter(participation__project=earlier)
    assert all(timezone.localdate(e.at) <= end for e in events)
    assert all(min(letters) < timezone.localdate(c.called_at) <= end for c in calls)
    for part in parts:  # each timeline reads in the order it was written
        stamps = list(part.events.order_by("id").values_list("at", flat=True))
        assert stamps == sorted(stamps), part.outcome
    assert timezone.localdate(earlier.created_at) < earlier.planned_start
    assert not earlier.due_items.filter(done_at__isnull=True,
                                        cancelled_at__isnull=True).exists()
    assert not earlier.plan_steps.filter(done_on__isnull=True).exists()


def test_prescriptions_before_and_after_the_letters_match_the_outcomes(db):
    demo()
    earlier = Project.objects.get(practice__code="DEBRINK", status=Project.Status.CLOSED)
    batches = ImportBatch.objects.filter(practice=earlier.practice).exclude(
        file_name="demo-his-export.csv").order_by("created_at")
    imported = [timezone.localdate(b.created_at) for b in batches]
    assert imported[0] < earlier.planned_start + timedelta(days=10)
    assert imported[-1] > earlier.planned_end  # re-imported after the round
    stopped = restarted = reduced = 0
    for part in earlier.participations.exclude(letter_sent_on=None).select_related("patient"):
        rows = list(Prescription.objects.filter(patient=part.patient).order_by("date"))
        letter = part.letter_sent_on
        assert any(r.date <= letter for r in rows)  # a user before the letter
        after = [r for r in rows if r.date > part.outcome_on]
        if part.outcome == "stopped":
            stopped += 1
            restarted += bool(after)
            # A restart comes in a later import than the one after the outcome.
            assert all(r.batch_id == batches.last().pk for r in after)
        elif part.outcome == "reduced":
            reduced += 1
            before = [r.units for r in rows if r.date <= letter][-1]
            assert after and all(r.units < before for r in after)
    assert stopped >= 3 and restarted == 1 and reduced >= 2


def test_the_demo_practice_has_new_starters_one_with_an_agreement(db):
    from patients.models import StarterAgreement
    from patients.prevention_selectors import starter_rows

    demo()
    practice = Practice.objects.get(code="DELINDE")
    demo_numbers = {str(n) for n in range(980001, 980005)}
    rows = [r for r in starter_rows(practice=practice, today=timezone.localdate())
            if r.patient.number in demo_numbers]
    assert len(rows) == 4 and all(r.new_starter for r in rows)
    assert sum(1 for r in rows if r.agreement is not None) == 1
    assert StarterAgreement.objects.filter(practice__code="DEBRINK").count() == 0


def test_the_demo_practice_has_a_pharmacy_list_with_suggested_and_confirmed_links(db):
    from patients.differences import DifferenceKind, practice_differences
    from patients.links import link_suggestions, links_in_force
    from patients.models import Patient

    demo()
    practice = Practice.objects.get(code="DELINDE")
    pharmacy = Patient.objects.filter(practice=practice, source=Patient.Source.APOTHEEK)
    assert pharmacy.count() == 5
    assert practice.imports.filter(file_name="demo-apotheek-afleveringen.csv").count() == 1
    links = links_in_force(practice=practice)
    assert links.count() == 3 and {link.decided_by.username for link in links} == {"poh"}
    suggested = link_suggestions(practice=practice)
    assert len(suggested) == 2
    assert {ph for _his, ph in suggested} | {link.pharmacy_patient_id for link in links} == \
        set(pharmacy.values_list("pk", flat=True))
    # Each pharmacy patient is a HIS patient of the practice under another number.
    for patient in pharmacy:
        his = Patient.objects.get(practice=practice, source=Patient.Source.HIS,
                                  number=patient.number.removeprefix("P"))
        assert (his.birth_date, his.postcode, his.surname) == (
            patient.birth_date, patient.postcode, patient.surname)
    differences = practice_differences(practice=practice)
    kinds = Counter(row.kind for row in differences.rows)
    assert kinds[DifferenceKind.DISPENSED] == 2 and kinds[DifferenceKind.NOT_DISPENSED] == 1
    assert {row.prescriber for row in differences.rows
            if row.kind == DifferenceKind.DISPENSED} == {"K. Janssen (psychiater)",
                                                         "Huisartsenpost Renkum"}
    # The list overlaps the HIS export: the period compared is the pharmacy's months.
    today = timezone.localdate()
    assert differences.coverage.pharmacy_first >= today - relativedelta(months=6)
    assert differences.coverage.his_last >= differences.coverage.pharmacy_last
    assert Patient.objects.filter(practice__code="DEBRINK",
                                  source=Patient.Source.APOTHEEK).count() == 0
    # The POH-GGZ sees the suggestions and the links, and the differences.
    client = verified_client(get_user_model().objects.get(username="poh"))
    page = client.get("/koppelingen/").content.decode()
    assert page.count("Zelfde persoon") == 2 and "Geldende koppelingen" in page
    page = client.get("/verschillen/").content.decode()
    assert "K. Janssen (psychiater)" in page and "Huisartsenpost Renkum" in page
