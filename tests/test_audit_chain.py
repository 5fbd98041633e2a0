"""The access log cannot be rewritten by the app (docs/security.md): the app's database role
may only insert into and read the log, and a hash chain shows any change made past that."""

import importlib
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.state import ProjectState
from django.urls import reverse

from benzoproject.dbroles import APPEND_ONLY, as_owner
from patients.audit import audit_log, audit_log_many
from patients.auditverify import audit_chain_check, audit_chain_verify
from patients.models import (
    AuditChainAlert,
    AuditCheckpoint,
    AuditEvent,
    AuditEventPatient,
    ImportBatch,
    Membership,
    Patient,
    Project,
    Role,
)
from patients.tasks import verify_audit_chain

from .conftest import make_project
from .factories import PatientFactory, UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="database roles and the trigger are PostgreSQL's")

ROOT = Path(__file__).resolve().parent.parent
LOG = AuditEvent._meta.db_table
SHOWN = AuditEventPatient._meta.db_table


def _role_name() -> str:
    # Roles belong to the whole cluster: one per test database, so parallel runs of other
    # test databases do not share it.
    return f"{connection.settings_dict['NAME']}_app"


@pytest.fixture
def app_role(db):
    """The app role, made by `db_roles` inside the test's transaction (gone after it)."""
    role = _role_name()
    out = StringIO()
    call_command("db_roles", role=role, stdout=out)
    assert "alleen toevoegen en lezen" in out.getvalue()
    return role


@contextmanager
def acting_as(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _log(user, practice, **kwargs) -> AuditEvent:
    return audit_log(user=user, action=AuditEvent.Action.VIEW, practice=practice,
                     object_type="test", **kwargs)


def _as_superuser_without_trigger(table: str, statement: str, params=None) -> None:
    """What a database superuser can do to the log: switch the trigger off, change it."""
    # (The test's own transaction has deferred foreign-key checks waiting: ALTER TABLE
    # needs them done first.)
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    _sql(statement, params)
    _sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    _sql("SET CONSTRAINTS ALL DEFERRED")


def _verify_output() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", "--chunk-size", "2", stdout=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


# --- The app role ---------------------------------------------------------------------

@pytest.mark.parametrize("table", [m._meta.db_table for m in APPEND_ONLY])
@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET id = id",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "ALTER TABLE {table} DISABLE TRIGGER USER",
    "SET session_replication_role = replica",
])
def test_the_app_role_cannot_change_remove_or_unguard_the_log(app_role, users, practice,
                                                              table, statement):
    _log(users[Role.POH_GGZ], practice, patients=[PatientFactory(practice=practice)])
    AuditCheckpoint.objects.create(last_event_id=1, hash="0" * 64, events=1)
    before = audit_chain_verify()
    with acting_as(app_role), pytest.raises(DatabaseError) as refused, transaction.atomic():
        _sql(statement.format(table=table))
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)
    assert audit_chain_verify() == before
    assert AuditEventPatient.objects.count() == 1


def test_the_app_role_writes_and_reads_the_log_and_its_chain(app_role, users, practice):
    patient = PatientFactory(practice=practice)
    with acting_as(app_role):
        first = _log(users[Role.POH_GGZ], practice, patients=[patient])
        second = _log(users[Role.HUISARTS], practice)
        assert list(AuditEvent.objects.filter(object_type="test").order_by("id")) == [
            first, second]
        assert list(first.shown.values_list("patient_id", flat=True)) == [patient.pk]
        assert second.prev_hash == first.hash
        assert audit_chain_verify().intact


def test_the_app_role_reads_and_writes_the_other_tables(app_role, users, practice,
                                                        other_users):
    from patients.importing import import_file

    poh = users[Role.POH_GGZ]
    data = (ROOT / "tests" / "data" / "his_voorschriften.csv").read_bytes()
    with acting_as(app_role):
        project = make_project(practice, poh, name="Ronde")
        Project.objects.filter(pk=project.pk).update(name="Ronde 2")
        Membership.objects.filter(user=other_users[Role.MONITOR]).delete()
        # The import: COPY, a temporary table and the patients' sequence.
        batch = import_file(practice=practice, user=poh, data=data,
                            file_name="his_voorschriften.csv")
        assert batch.status == ImportBatch.Status.DONE
        assert Patient.objects.filter(practice=practice).count() > 100
        assert audit_chain_verify().intact
    assert Project.objects.get(pk=project.pk).name == "Ronde 2"
    assert not Membership.objects.filter(user=other_users[Role.MONITOR]).exists()


def test_db_roles_runs_again_without_change_and_refuses_a_role_that_would_keep_rights(
        app_role):
    out = StringIO()
    call_command("db_roles", role=app_role, stdout=out)
    assert "aangemaakt" not in out.getvalue()
    with pytest.raises(CommandError, match="de rol van de eigenaar zelf"):
        call_command("db_roles", role=connection.settings_dict["USER"])
    with pytest.raises(CommandError, match="is een superuser"):
        _sql(f"ALTER ROLE {app_role} SUPERUSER")
        call_command("db_roles", role=app_role)


def test_migrate_switches_to_the_owner_and_back(settings):
    settings.DATABASE_OWNER_URL = "postgres://eigenaar:geheim@db.example:5433/benzo"
    before = dict(connection.settings_dict)
    with as_owner():
        assert (connection.settings_dict["USER"], connection.settings_dict["HOST"],
                connection.settings_dict["PORT"]) == ("eigenaar", "db.example", 5433)
    assert connection.settings_dict == before
    settings.DATABASE_OWNER_URL = ""
    with as_owner():
        assert connection.settings_dict == before


@pytest.mark.django_db(transaction=True)
def test_processes_run_as_the_app_role_after_migrate_ran_as_the_owner(users, practice):
    """End to end: `migrate` as the owner sets the app role's rights; a command run as the
    app role (its own login) reads the log; the app role cannot empty the log."""
    name, role = connection.settings_dict["NAME"], _role_name()
    _log(users[Role.POH_GGZ], practice)
    _sql(f"DROP ROLE IF EXISTS {role}login")
    _sql(f"CREATE ROLE {role}login LOGIN")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env = {**base, "DEBUG": "true", "ENV_FILE": "/nonexistent/.env",
           "DATABASE_URL": f"postgres://{role}login@127.0.0.1:5432/{name}",
           "DATABASE_OWNER_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
    try:
        def run(*args):
            return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=120)

        migrated = run("migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        assert f"{role}login heeft de rechten van de app" in migrated.stdout
        verified = run("audit_verify")
        assert verified.returncode == 0, verified.stderr
        # The memberships of the fixture are logged too (patients/signals.py), and the event.
        logged = AuditEvent.objects.count()
        assert logged > 1
        assert f"Toegangslog intact: {logged} regels gecontroleerd" in verified.stdout
        emptied = run("shell", "-c", "from django.db import connection; "
                      f"connection.cursor().execute('TRUNCATE {LOG} CASCADE')")
        assert emptied.returncode != 0
        assert "permission denied" in emptied.stderr
        assert AuditEvent.objects.count() == logged
    finally:
        _sql(f"DROP OWNED BY {role}login")
        _sql(f"DROP ROLE {role}login")


# --- The chain --------------------------------------------------------------------------

def test_an_event_is_saved_only_with_its_link(db):
    with pytest.raises(ValueError, match="audit_log"):
        AuditEvent(username="x", action="view", object_type="test").save()
    assert not AuditEvent.objects.exists()


def test_an_intact_log_passes(users, practice):
    patients = [PatientFactory(practice=practice) for _ in range(3)]
    for user in users.values():
        _log(user, practice, patients=patients[:2], role=Role.POH_GGZ)
    _log(users[Role.HUISARTS], practice, patient=patients[2], detail="één ü")
    code, output = _verify_output()
    assert code == 0
    head = AuditEvent.objects.order_by("-id").first()
    assert output.strip() == (f"Toegangslog intact: {AuditEvent.objects.count()} regels "
                              f"gecontroleerd; nieuwste regel {head.pk}, hash {head.hash}.")


def test_a_chunk_size_below_one_is_refused(db):
    with pytest.raises(CommandError, match="--chunk-size moet 1 of meer zijn"):
        call_command("audit_verify", "--chunk-size", "0")
    call_command("audit_verify", "--chunk-size", "1", stdout=StringIO())


def test_an_empty_log_passes(db):
    assert _verify_output() == (0, "Toegangslog intact: 0 regels gecontroleerd; nieuwste "
                                   f"regel -, hash {'0' * 64}.\n")


def test_each_event_links_to_the_one_before(db, practice):
    from django.contrib.auth import get_user_model

    # A user without a membership: granting one is an event of its own (patients/signals.py).
    user = get_user_model().objects.create_user("ketting", password="x" * 12)
    assert not AuditEvent.objects.exists()
    events = [_log(user, practice) for _ in range(3)]
    assert events[0].prev_hash == "0" * 64  # the first event links to the chain's start
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:2]]
    assert len({e.hash for e in events}) == 3


def test_a_row_changed_by_a_superuser_is_found(users, practice):
    events = [_log(users[Role.POH_GGZ], practice) for _ in range(4)]
    _as_superuser_without_trigger(LOG, f"UPDATE {LOG} SET detail = 'herschreven' WHERE id = %s",
                                  [events[1].pk])
    code, output = _verify_output()
    assert code == 1
    assert output.startswith(f"Regel {events[1].pk}: de inhoud of de getoonde patiënten")
    assert f"1 breuk, de eerste bij regel {events[1].pk}" in output
    # The rows around it are untouched.
    assert [b.event_id for b in audit_chain_verify().breaks] == [events[1].pk]


@pytest.mark.parametrize("column, value", [
    ("client_address", "10.9.9.9"), ("role", "huisarts"), ("user_id", None),
    ("at", "2020-01-01T00:00:00Z"), ("patient_id", None), ("hash", "f" * 64),
])
def test_any_changed_column_is_found(users, practice, column, value):
    patient = PatientFactory(practice=practice)
    event = _log(users[Role.POH_GGZ], practice, patient=patient)
    _log(users[Role.POH_GGZ], practice)
    _as_superuser_without_trigger(LOG, f"UPDATE {LOG} SET {column} = %s WHERE id = %s",
                                  [value, event.pk])
    breaks = audit_chain_verify().breaks
    assert breaks[0].event_id == event.pk
    # A changed hash also unlinks the next event; any other column only its own.
    assert len(breaks) == (2 if column == "hash" else 1)


def test_a_deleted_row_breaks_the_link_of_the_next(users, practice):
    events = [_log(users[Role.POH_GGZ], practice) for _ in range(3)]
    _as_superuser_without_trigger(LOG, f"DELETE FROM {LOG} WHERE id = %s", [events[1].pk])
    report = audit_chain_verify()
    assert [b.event_id for b in report.breaks] == [events[2].pk]
    assert "verwijderd" in report.breaks[0].problem


def test_a_changed_or_added_patient_shown_is_found(app_role, users, practice):
    shown = [PatientFactory(practice=practice) for _ in range(2)]
    other = PatientFactory(practice=practice)
    first = _log(users[Role.POH_GGZ], practice, patients=shown)
    second = _log(users[Role.POH_GGZ], practice, patients=shown)
    _log(users[Role.POH_GGZ], practice)
    _as_superuser_without_trigger(SHOWN, f"UPDATE {SHOWN} SET patient_id = %s WHERE id = %s",
                                  [other.pk, first.shown.order_by("id").first().pk])
    # The app role may insert: a patient added afterwards to an old event is found too.
    with acting_as(app_role):
        AuditEventPatient.objects.create(event=second, patient=other)
    assert [b.event_id for b in audit_chain_verify().breaks] == [first.pk, second.pk]


def test_a_forged_row_appended_with_a_wrong_hash_is_found(app_role, users, practice):
    last = _log(users[Role.POH_GGZ], practice)
    with acting_as(app_role):
        forged = AuditEvent.objects.create(username="niemand", action="view",
                                           object_type="test", prev_hash=last.hash,
                                           hash="a" * 64)
        unlinked = AuditEvent.objects.create(username="niemand", action="view",
                                             object_type="test", prev_hash="b" * 64, hash="c")
    report = audit_chain_verify()
    assert [b.event_id for b in report.breaks] == [forged.pk, unlinked.pk]


def test_a_row_inserted_out_of_the_chain_with_its_own_valid_hash_is_found(users, practice):
    from patients.auditchain import GENESIS, Entry, entry_hash

    _log(users[Role.POH_GGZ], practice)
    entry = Entry(at=AuditEvent.objects.first().at, user_id=None, username="x", action="view",
                  object_type="test", object_id="", practice_id=None, patient_id=None,
                  detail="", client_address=None, role="")
    fake = AuditEvent.objects.create(at=entry.at, username="x", action="view",
                                     object_type="test", prev_hash=GENESIS,
                                     hash=entry_hash(entry, [], GENESIS))
    [found] = audit_chain_verify().breaks
    assert found.event_id == fake.pk
    assert "sluit niet aan op de regel ervoor" in found.problem


def test_removing_the_newest_rows_is_found_through_the_checkpoint(users, practice):
    events = [_log(users[Role.POH_GGZ], practice) for _ in range(3)]
    assert audit_chain_check().intact
    assert AuditCheckpoint.objects.get().last_event_id == events[-1].pk
    _as_superuser_without_trigger(LOG, f"DELETE FROM {LOG} WHERE id >= %s", [events[1].pk])
    report = audit_chain_verify()
    assert [b.event_id for b in report.breaks] == [events[2].pk]
    assert "ontbreekt" in report.breaks[0].problem


def test_a_chain_rewritten_from_a_point_is_found_only_against_a_checkpoint(users, practice):
    """What the chain does not prove: a superuser who rewrites every hash from some point
    on leaves a consistent chain. A checkpoint (or a head hash kept elsewhere) shows it."""
    from patients.auditchain import Entry, entry_hash

    events = [_log(users[Role.POH_GGZ], practice) for _ in range(3)]

    def rewrite():
        prev = events[0].hash
        for event in AuditEvent.objects.filter(pk__gt=events[0].pk).order_by("id"):
            digest = entry_hash(Entry(
                at=event.at, user_id=event.user_id, username=event.username,
                action=event.action, object_type=event.object_type,
                object_id=event.object_id, practice_id=event.practice_id,
                patient_id=event.patient_id, detail="herschreven",
                client_address=event.client_address, role=event.role), [], prev)
            _as_superuser_without_trigger(
                LOG, f"UPDATE {LOG} SET detail = 'herschreven', prev_hash = %s, hash = %s "
                     "WHERE id = %s", [prev, digest, event.pk])
            prev = digest

    head = audit_chain_verify().head_hash
    rewrite()
    assert audit_chain_verify().intact
    assert audit_chain_verify().head_hash != head  # the anchor kept elsewhere differs
    AuditCheckpoint.objects.create(last_event_id=events[-1].pk, hash=head, events=3)
    [found] = audit_chain_verify().breaks
    assert (found.event_id, "herschreven" in found.problem) == (events[-1].pk, True)


def test_bulk_events_are_each_chained(users, practice, project):
    steps = list(project.plan_steps.all()[:3])
    audit_log_many(user=users[Role.POH_GGZ], action=AuditEvent.Action.CHANGE,
                   practice=practice, objs=steps, detail="bulk")
    audit_log_many(user=users[Role.POH_GGZ], action=AuditEvent.Action.CHANGE,
                   practice=practice, objs=[], detail="niets")
    bulk = list(AuditEvent.objects.filter(detail="bulk").order_by("id"))
    assert [e.object_id for e in bulk] == [str(s.uuid) for s in steps]
    assert [e.prev_hash for e in bulk[1:]] == [e.hash for e in bulk[:-1]]
    assert audit_chain_verify().intact


def test_a_rolled_back_transaction_takes_its_events_and_leaves_the_chain_whole(users,
                                                                               practice):
    kept = _log(users[Role.POH_GGZ], practice)
    with pytest.raises(RuntimeError), transaction.atomic():
        _log(users[Role.POH_GGZ], practice, detail="teruggedraaid")
        raise RuntimeError
    after = _log(users[Role.POH_GGZ], practice)
    assert after.prev_hash == kept.hash
    assert not AuditEvent.objects.filter(detail="teruggedraaid").exists()
    assert audit_chain_verify().intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_line(users, practice):
    """Threads with connections of their own, each writing inside longer transactions."""
    errors = []

    def write(user):
        try:
            for _ in range(8):
                with transaction.atomic():
                    _log(user, practice)
                    _log(user, practice, patients=[])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user,)) for user in users.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    logged = AuditEvent.objects.filter(object_type="test")
    assert logged.count() == 16 * len(users)
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))  # no two events link to the same one: no fork
    assert audit_chain_verify().intact


def test_the_migration_chains_the_existing_log_in_id_order(users, practice):
    migration = importlib.import_module("patients.migrations.0023_audit_chain")
    patient = PatientFactory(practice=practice)
    _as_superuser_without_trigger(LOG, f"UPDATE {LOG} SET prev_hash = '', hash = ''")
    for n in range(3):
        _sql(f"INSERT INTO {LOG} (at, username, action, object_type, object_id, detail, role, "
             "client_address, prev_hash, hash) VALUES (now(), %s, 'view', 'old', '', '', '', "
             "'::ffff:10.0.0.1', '', '')", [f"oud{n}"])
    old = AuditEvent.objects.get(username="oud1")
    _sql(f"INSERT INTO {SHOWN} (event_id, patient_id) VALUES (%s, %s)", [old.pk, patient.pk])
    assert not audit_chain_verify().intact
    apps = ProjectState.from_apps(importlib.import_module("django.apps").apps).apps
    with connection.schema_editor(atomic=False) as editor:
        migration.chain_existing(apps, editor)
    assert audit_chain_verify().intact
    assert AuditEvent.objects.filter(hash="").count() == 0
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(f"UPDATE {LOG} SET detail = 'x'")  # the trigger is on again


# --- The daily check ------------------------------------------------------------------------

def test_the_daily_check_alerts_the_beheerder_once_until_acknowledged(
        users, other_users, practice, client_for, django_user_model, settings):
    settings.SITE_URL = "https://benzo.example.nl"
    for user in users.values():
        user.email = f"{user.username}@praktijk.nl"
        user.save()
    root = UserFactory(username="root", email="root@praktijk.nl", is_superuser=True)
    UserFactory(username="oud", email="oud@praktijk.nl", is_superuser=True, is_active=False)
    events = [_log(users[Role.POH_GGZ], practice) for _ in range(3)]
    beheerder = users[Role.BEHEERDER]
    assert verify_audit_chain() is True
    assert mail.outbox == [] and AuditChainAlert.objects.count() == 0
    home = client_for(beheerder).get(reverse("home"))
    assert b"toegangslog-melding" not in home.content

    _as_superuser_without_trigger(LOG, f"UPDATE {LOG} SET detail = 'x' WHERE id = %s",
                                  [events[1].pk])
    assert verify_audit_chain() is False
    [message] = mail.outbox
    assert sorted(message.to) == sorted([beheerder.email, root.email])
    assert message.subject == "Benzoreductie: er is met het toegangslog geknoeid"
    assert f"Regel {events[1].pk}: de inhoud" in message.body
    assert "https://benzo.example.nl" in message.body
    assert AuditCheckpoint.objects.count() == 1  # none for a broken chain

    # Still broken the next night: no second alert or e-mail for the same break.
    verify_audit_chain()
    assert len(mail.outbox) == 1 and AuditChainAlert.objects.count() == 1

    for role in (Role.POH_GGZ, Role.HUISARTS):
        assert b"toegangslog-melding" not in client_for(users[role]).get(
            reverse("home")).content
    page = client_for(beheerder).get(reverse("home"))
    assert b"toegangslog-melding" in page.content
    assert "Het toegangslog is gewijzigd" in page.content.decode()
    alert = AuditChainAlert.objects.get()
    response = client_for(beheerder).post(reverse("patients:audit-alerts-acknowledge"),
                                          {"tot": str(alert.pk)})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at is not None) == (beheerder, True)
    assert b"toegangslog-melding" not in client_for(beheerder).get(reverse("home")).content
    assert AuditEvent.objects.filter(object_type="auditchainalert", user=beheerder,
                                     detail=f"acknowledged {alert.pk}").exists()


def test_an_alert_found_after_the_page_was_shown_is_not_acknowledged_unseen(
        users, practice, client_for):
    seen = AuditChainAlert.objects.create(event_id=1, problem="a")
    later = AuditChainAlert.objects.create(event_id=2, problem="b")
    client_for(users[Role.BEHEERDER]).post(reverse("patients:audit-alerts-acknowledge"),
                                           {"tot": str(seen.pk)})
    assert list(AuditChainAlert.objects.filter(acknowledged_at__isnull=True)) == [later]
    response = client_for(users[Role.BEHEERDER]).post(
        reverse("patients:audit-alerts-acknowledge"), {"tot": "geen getal"}, follow=True)
    assert "kon niet worden afgehandeld" in response.content.decode()
    assert AuditChainAlert.objects.filter(acknowledged_at__isnull=True).count() == 1


def test_the_daily_check_is_scheduled(settings):
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["verify-audit-chain"]
    assert entry["task"] == "patients.tasks.verify_audit_chain"
    assert entry["schedule"] == crontab(hour=3, minute=30)
