"""``import_project_letters`` (docs/domain.md#cli-import-project-letters): letters sent
outside the app become participations "as if mailed by the app"; bad lines are rejected by
line, a file refused whole writes nothing, and the same file twice changes nothing."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from monitoring.management.commands import import_project_letters as letters_command
from patients.due import due_items_sweep
from patients.models import (
    AuditEvent,
    DueItem,
    Participation,
    ParticipationEvent,
    PlanStep,
    Project,
    Role,
)

from ..factories import MembershipFactory, PatientFactory, PracticeFactory, UserFactory
from ..patients.test_commands import _keep_the_test_connection, run  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = "Ronde 2025"


@pytest.fixture
def patients(practice):
    return {n: PatientFactory(practice=practice, number=n) for n in ("1001", "1002", "1003")}


def write(tmp_path, text: str, name: str = "brieven.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def letters(tmp_path, practice, text: str, capsys, project: str = NAME) -> tuple[int, str, str]:
    status = run(letters_command, str(write(tmp_path, text)), "--practice", practice.code,
                 "--project", project)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_new_project_is_made_and_each_patient_gets_the_letter_as_if_mailed(
        tmp_path, practice, patients, capsys):
    status, out, _ = letters(tmp_path, practice, "patient_number,letter_date\r\n"
                             "1001,2025-03-10\r\n1002,2025-03-12\r\n", capsys)
    assert status == 0
    project = Project.objects.get(practice=practice, name=NAME)
    lines = out.splitlines()
    assert lines[0].startswith(f"Nieuw project “{NAME}” aangemaakt (2024-11-01 tot 2025-11-01")
    assert lines[1:] == ["brieven.csv: 2 regels: 2 ingelezen, 0 al aanwezig, 0 geweigerd."]
    # The default plan mails in month 5: the project starts four months before the first letter.
    assert (project.planned_start, project.planned_end) == (date(2024, 11, 1), date(2025, 11, 1))
    assert project.status == Project.Status.CLOSED  # its year is over
    parts = {p.patient.number: p for p in Participation.objects.filter(project=project)}
    assert {n: (p.status, p.letter_sent_on) for n, p in parts.items()} == {
        "1001": (Participation.Status.LETTER_SENT, date(2025, 3, 10)),
        "1002": (Participation.Status.LETTER_SENT, date(2025, 3, 12)),
    }
    # Through the workflow: each step on the timeline, by the system (no user).
    moves = list(ParticipationEvent.objects.filter(participation=parts["1001"])
                 .values_list("from_status", "to_status", "by"))
    assert moves == [("to_screen", "approved", None), ("approved", "mailing", None),
                     ("mailing", "letter_sent", None)]
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE,
                                        object_type="participation")
    assert sorted(e.patient.number for e in created) == ["1001", "1002"]
    assert all("brieven.csv" in e.detail for e in created)


def test_lead_is_the_practice_poh_ggz(tmp_path, practice, patients, users, capsys):
    letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n", capsys)
    assert Project.objects.get(name=NAME).lead == users[Role.POH_GGZ]


def test_lead_of_a_practice_without_users_is_the_inactive_command_line_account(
        tmp_path, practice, patients, capsys):
    status, out, _ = letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n",
                             capsys)
    assert status == 0
    lead = Project.objects.get(name=NAME).lead
    assert (lead.username, lead.is_active, lead.has_usable_password(),
            lead.memberships.exists()) == ("opdrachtregel", False, False, False)
    assert "leider: Opdrachtregel" in out


def test_a_gp_leads_when_the_practice_has_no_poh_ggz(tmp_path, practice, patients, capsys):
    gp = MembershipFactory(practice=practice, role=Role.HUISARTS).user
    MembershipFactory(practice=practice, role=Role.ASSISTENT)
    letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n", capsys)
    assert Project.objects.get(name=NAME).lead == gp


def test_unknown_patients_and_bad_dates_are_rejected_by_line_and_the_rest_imported(
        tmp_path, practice, patients, other_practice, capsys):
    PatientFactory(practice=other_practice, number="2001")
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    status, out, _ = letters(tmp_path, practice, "\r\n".join([
        "patient_number,letter_date", "1001,2025-03-10", "9999,2025-03-10", "2001,2025-03-10",
        "1002,10-03-2025", "1003,2025-02-30", ",2025-03-10", "1003,", f"1003,{future}",
        "1003,2025-03-11", "1003,2025-03-12", "1003,2025-03-11", ""]), capsys)
    assert status == 0
    assert out.splitlines()[1:] == [
        "brieven.csv: 11 regels: 2 ingelezen, 1 al aanwezig, 8 geweigerd.",
        "  regel 3: patiëntnummer “9999” is geen patiënt van deze praktijk",
        "  regel 4: patiëntnummer “2001” is geen patiënt van deze praktijk",
        "  regel 5: briefdatum “10-03-2025” is geen datum in de vorm jjjj-mm-dd",
        "  regel 6: briefdatum 2025-02-30 bestaat niet",
        "  regel 7: patiëntnummer ontbreekt",
        "  regel 8: briefdatum ontbreekt",
        f"  regel 9: briefdatum {future} ligt in de toekomst",
        "  regel 11: patiëntnummer “1003” staat ook op regel 10, met een andere briefdatum",
    ]
    assert sorted(Participation.objects.values_list("patient__number", "letter_sent_on")) == [
        ("1001", date(2025, 3, 10)), ("1003", date(2025, 3, 11))]


def test_the_same_file_twice_changes_nothing(tmp_path, practice, patients, capsys):
    text = "patient_number,letter_date\n1001,2025-03-10\n1002,2025-03-12\n"
    letters(tmp_path, practice, text, capsys)

    def state():
        return (Project.objects.count(), Participation.objects.count(),
                ParticipationEvent.objects.count(), DueItem.objects.count(),
                AuditEvent.objects.count(), list(PlanStep.objects.values_list("done_on")))

    before = state()
    status, out, _ = letters(tmp_path, practice, text, capsys)
    assert status == 0
    assert out == "brieven.csv: 2 regels: 0 ingelezen, 2 al aanwezig, 0 geweigerd.\n"
    assert state() == before


def test_an_existing_project_is_used_and_its_patients_moved_on_or_refused(
        tmp_path, practice, patients, project, capsys):
    S = Participation.Status
    mailing = Participation.objects.create(project=project, patient=patients["1001"],
                                           reference_date=date(2025, 1, 1), status=S.MAILING,
                                           created_by=project.lead)
    Participation.objects.create(project=project, patient=patients["1002"],
                                 reference_date=date(2025, 1, 1), status=S.EXCLUDED,
                                 created_by=project.lead)
    Participation.objects.create(project=project, patient=patients["1003"],
                                 reference_date=date(2025, 1, 1), status=S.LETTER_SENT,
                                 letter_sent_on=date(2025, 3, 1), created_by=project.lead)
    status, out, _ = letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n"
                             "1002,2025-03-10\n1003,2025-03-10\n", capsys, project=project.name)
    assert status == 0
    assert out.splitlines() == [
        "brieven.csv: 3 regels: 1 ingelezen, 0 al aanwezig, 2 geweigerd.",
        "  regel 3: in dit project met status “niet benaderen”: er kan geen brief "
        "worden vastgelegd",
        "  regel 4: heeft in dit project al briefdatum 2025-03-01",
    ]
    mailing.refresh_from_db()
    assert (mailing.status, mailing.letter_sent_on) == (S.LETTER_SENT, date(2025, 3, 10))
    assert Project.objects.count() == 1
    # The plan's "letters mailed" step is checked off on the first letter's day.
    assert PlanStep.objects.get(project=project, milestone="mailed").done_on == date(2025, 3, 10)


def test_a_wait_that_ended_long_ago_schedules_no_call_back(tmp_path, practice, patients, capsys):
    today = timezone.localdate()
    recent, old = today - timedelta(days=5), today - timedelta(days=31)
    edge = today - timedelta(days=30)  # the 30-day wait ends today: still scheduled
    letters(tmp_path, practice, f"patient_number,letter_date\n1001,{recent}\n1002,{old}\n"
            f"1003,{edge}\n", capsys)
    waits = dict(DueItem.objects.filter(kind=DueItem.Kind.WAIT_ENDS)
                 .values_list("participation__patient__number", "due_on"))
    assert waits == {"1001": recent + timedelta(days=30), "1003": today}
    # A round whose year is not over is running.
    assert Project.objects.get(name=NAME).status == Project.Status.RUNNING


def test_the_sweep_after_an_earlier_round_puts_nobody_on_the_call_back_list(
        tmp_path, practice, patients, users, capsys):
    today = timezone.localdate()
    letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n"
            f"1002,{today - timedelta(days=40)}\n", capsys)
    due_items_sweep(today=today)
    assert set(Participation.objects.values_list("status", flat=True)) == {
        Participation.Status.LETTER_SENT}


def test_a_rejected_line_does_not_count_its_patient_as_seen(tmp_path, practice, patients,
                                                             project, capsys):
    Participation.objects.create(project=project, patient=patients["1001"],
                                 reference_date=date(2025, 1, 1),
                                 status=Participation.Status.LETTER_SENT,
                                 letter_sent_on=date(2025, 3, 1), created_by=project.lead)
    _, out, _ = letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n"
                        "1001,2025-03-10\n", capsys, project=project.name)
    assert out.splitlines() == [
        "brieven.csv: 2 regels: 0 ingelezen, 0 al aanwezig, 2 geweigerd.",
        "  regel 2: heeft in dit project al briefdatum 2025-03-01",
        "  regel 3: heeft in dit project al briefdatum 2025-03-01",
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("", "Bestand geweigerd: Het bestand is leeg: er staan geen regels met brieven in."),
    ("patient_number,letter_date\r\n\r\n",
     "Bestand geweigerd: Het bestand is leeg: er staan geen regels met brieven in."),
    ("patient,date\n1001,2025-03-10\n",
     "Bestand geweigerd: De kopregel moet de kolommen patient_number en letter_date noemen "
     "(gevonden: “patient,date”)."),
], ids=["empty", "header-only", "bad-header"])
def test_a_refused_file_exits_non_zero_and_writes_nothing(tmp_path, practice, patients, capsys,
                                                          text, message):
    status, out, err = letters(tmp_path, practice, text, capsys)
    assert status == 1
    assert err == f"CommandError: {message}\n"
    assert out == ""
    assert (Project.objects.count(), Participation.objects.count(),
            AuditEvent.objects.count()) == (0, 0, 0)


def test_missing_file_unknown_practice_and_bad_project_name_are_refused(
        tmp_path, practice, patients, capsys):
    path = str(write(tmp_path, "patient_number,letter_date\n1001,2025-03-10\n"))
    assert run(letters_command, str(tmp_path / "niet-er.csv"), "--practice", practice.code,
               "--project", NAME) == 1
    assert capsys.readouterr().err.startswith(
        f"CommandError: Bestand “{tmp_path / 'niet-er.csv'}” kan niet worden gelezen")
    assert run(letters_command, path, "--practice", "ONBEKEND", "--project", NAME) == 1
    assert capsys.readouterr().err == "CommandError: Praktijk “ONBEKEND” bestaat niet.\n"
    assert run(letters_command, path, "--practice", practice.code, "--project", "  ") == 1
    assert capsys.readouterr().err.startswith("CommandError: Projectnaam “  ” is ongeldig")
    assert not Project.objects.exists()
    assert not get_user_model().objects.filter(username="opdrachtregel").exists()


def test_two_projects_of_that_name_are_refused(tmp_path, practice, patients, project, capsys):
    Project.objects.create(practice=practice, name=project.name, lead=project.lead,
                           planned_start=project.planned_start, planned_end=project.planned_end)
    status, _, err = letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n",
                             capsys, project=project.name)
    assert status == 1
    assert "2 projecten met de naam" in err
    assert not Participation.objects.exists()


def test_semicolons_a_byte_order_mark_and_extra_columns_are_read(tmp_path, practice, patients,
                                                                 capsys):
    path = tmp_path / "brieven.csv"
    path.write_bytes("\ufeffLetter_date;Naam;Patient_number\r\n2025-03-10;Berg;1001\r\n"
                     .encode())
    assert run(letters_command, str(path), "--practice", practice.code, "--project", NAME) == 0
    assert Participation.objects.get().letter_sent_on == date(2025, 3, 10)


def test_another_practice_of_the_same_number_is_not_touched(tmp_path, practice, patients,
                                                             capsys):
    other = PracticeFactory(code="ANDER")
    PatientFactory(practice=other, number="1001")
    MembershipFactory(practice=other, role=Role.POH_GGZ, user=UserFactory())
    letters(tmp_path, practice, "patient_number,letter_date\n1001,2025-03-10\n", capsys)
    assert Participation.objects.get().patient.practice == practice
