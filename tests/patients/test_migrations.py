"""Migrations of issue 10 run forward on a database with rows in it (PostgreSQL).

From the state before them (patients 0008, tapering 0001) with a digest, a plan
step and a due item present, to the newest state: the digest moves to tapering
with its row and its one-a-day constraint, and every step and item gets its own uuid.
"""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("patients", "0008_prescription_composite_key"), ("tapering", "0001_initial")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def newest():
    """The newest migrations, applied again after the test whatever happens."""
    targets = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield targets
    _migrate(targets)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="checks PostgreSQL's migration")
def test_digest_moves_to_tapering_and_steps_and_items_get_uuids(transactional_db, newest):
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="poh-oud")
    practice = old.get_model("patients", "Practice").objects.create(code="OUD", name="Oud")
    project = old.get_model("patients", "Project").objects.create(
        practice=practice, name="Oud project", lead=user,
        planned_start=date(2026, 9, 1), planned_end=date(2027, 6, 1))
    plan_step = old.get_model("patients", "PlanStep")
    plan_step.objects.bulk_create(
        plan_step(project=project, month=m, what=f"Stap {m}", who="poh_ggz") for m in (1, 2, 3))
    old.get_model("patients", "DueItem").objects.create(
        kind="project_end", due_on=date(2027, 6, 1), project=project, assigned_to=user)
    old.get_model("patients", "DigestSent").objects.create(
        user=user, day=date(2026, 11, 2), items=4)

    new = _migrate(newest).loader.project_state(newest).apps
    digest_sent = new.get_model("tapering", "DigestSent")
    assert digest_sent._meta.db_table == "tapering_digestsent"
    assert list(digest_sent.objects.values_list("user__username", "day", "items")) == [
        ("poh-oud", date(2026, 11, 2), 4)]
    with pytest.raises(IntegrityError), transaction.atomic():
        digest_sent.objects.create(user_id=user.pk, day=date(2026, 11, 2))
    step_uuids = list(new.get_model("patients", "PlanStep").objects.values_list("uuid",
                                                                                flat=True))
    assert len(step_uuids) == 3 and None not in step_uuids and len(set(step_uuids)) == 3
    due_item = new.get_model("patients", "DueItem")
    # Issue 14 (0021): the project-end reminder became the final evaluation, 12 months after
    # the start, and the project (not closed) got its monthly snapshot item.
    item = due_item.objects.get(assigned_to_id=user.pk)
    assert item.uuid is not None
    assert (item.kind, item.due_on) == ("final_evaluation", date(2027, 9, 1))
    snapshot_item = due_item.objects.get(kind="monthly_snapshot")
    assert snapshot_item.due_on.day == 1 and snapshot_item.done_at is None


BEFORE_11 = [("patients", "0013_choice_checks")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="checks PostgreSQL's migration")
def test_old_default_steps_get_their_milestones_and_gp_names_their_rows(transactional_db,
                                                                         newest):
    """Issue 11: steps keep their text; a default text gets its milestone; the GP names
    already imported show on the mapping page, unconfirmed."""
    old = _migrate(BEFORE_11).loader.project_state(BEFORE_11).apps
    user = old.get_model("auth", "User").objects.create(username="poh-oud")
    practice = old.get_model("patients", "Practice").objects.create(code="OUD", name="Oud")
    project = old.get_model("patients", "Project").objects.create(
        practice=practice, name="Oud project", lead=user,
        planned_start=date(2026, 9, 1), planned_end=date(2027, 6, 1))
    plan_step = old.get_model("patients", "PlanStep")
    for what in ("Voorschrijfgegevens aanleveren", "Groslijst screenen",
                 "Stopbrieven printen en versturen", "Terugbellen na de wachtperiode",
                 "Eindevaluatie opstellen", "Eigen stap"):
        plan_step.objects.create(project=project, month=1, what=what, who="poh_ggz")
    patient = old.get_model("patients", "Patient")
    for number, gp in (("1", "M. Öztürk"), ("2", "M. Öztürk"), ("3", ""), ("4", "S. van Dam")):
        patient.objects.create(practice=practice, source="his", number=number, gp_name=gp)

    new = _migrate(newest).loader.project_state(newest).apps
    steps = dict(new.get_model("patients", "PlanStep").objects.values_list("what", "milestone"))
    assert steps == {"Voorschrijfgegevens aanleveren": "imported",
                     "Groslijst screenen": "screened",
                     "Stopbrieven printen en versturen": "mailed",
                     "Terugbellen na de wachtperiode": "called",
                     "Eindevaluatie opstellen": "evaluated", "Eigen stap": ""}
    names = new.get_model("patients", "GpNameMapping").objects.filter(practice_id=practice.pk)
    assert sorted(names.values_list("export_name", "confirmed_at")) == [
        ("M. Öztürk", None), ("S. van Dam", None)]
