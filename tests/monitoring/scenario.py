"""A small project with hand-worked figures for the measures' tests.

Letter patients (diazepam N05BA01, 5 mg tablets, WHO DDD 10 mg: 30 tablets = 15 DDD):

| patient | GP | letter | benzodiazepines after the letter | at E = 2026-07-31 |
|---|---|---|---|---|
| P1 | Dr A | 2026-01-15 | none | stopped |
| P2 | Dr A | 2026-01-15 | 7.5 DDD on 2026-02-15 and 2026-05-10 | reduced |
| P3 | Dr B | 2026-01-15 | 15 DDD on 2026-03-01 and 2026-06-01 | unchanged |
| P4 | Dr B | 2026-01-20 | none; died 2026-06-01 | out of the denominator |
| P5 | Dr B | 2026-01-20 | 30 DDD on 2026-07-20 | unchanged; restarted |

Each has 15 DDD on 2025-07-01, 2025-10-01 and 2026-01-01: 45 DDD in the year before
the letter. P6 (Dr C) is excluded (terminal), P7 (Dr C) approached but on the reserve
list, P8 (Dr C) had a decision that was undone on 2026-07-01. P1-P3 have approve
decisions; P4-P5 were mailed in a round imported from a spreadsheet (no decision).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from letters.models import Letter, LetterKind
from patients.models import (
    ImportBatch,
    Participation,
    Patient,
    Prescription,
    Project,
    ScreeningDecision,
    Substance,
)
from tapering.models import (
    CallAttempt,
    Consultation,
    QuestionnaireDefinition,
    QuestionnaireResponse,
    TaperSchedule,
    TaperScheduleVersion,
)
from tests.tapering.schedule_helpers import reference_table_load

E = date(2026, 7, 31)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in the practice's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


@dataclass
class Scenario:
    project: Project
    parts: dict[str, Participation]
    user: object


class Builder:
    def __init__(self, practice, user):
        # The substances and questionnaires a migration loads: a transactional test run
        # before may have flushed them.
        reference_table_load()
        self.practice = practice
        self.user = user
        self.batch = ImportBatch.objects.create(practice=practice, file_name="t.csv",
                                                checksum="1" * 64,
                                                status=ImportBatch.Status.DONE)
        self.substances = {s.atc: s for s in Substance.objects.all()}

    def patient(self, number: str, gp: str) -> Patient:
        return Patient.objects.create(practice=self.practice, source=Patient.Source.HIS,
                                      number=number, gp_name=gp)

    def rx(self, patient: Patient, on: date, units: int = 30, atc: str = "N05BA01",
           strength: str = "5") -> None:
        Prescription.objects.create(
            patient=patient, date=on, atc=atc, description=atc, strength_mg=Decimal(strength),
            units=units, substance=self.substances.get(atc), row_key=uuid.uuid4(),
            batch=self.batch)

    def participation(self, project: Project, patient: Patient, *, created: datetime,
                      reference: date = date(2025, 12, 1), **fields) -> Participation:
        part = Participation.objects.create(project=project, patient=patient,
                                            reference_date=reference, created_by=self.user,
                                            **fields)
        Participation.objects.filter(pk=part.pk).update(created_at=created)
        part.refresh_from_db()
        return part

    def decide(self, part: Participation, decision: str, when: datetime, reason: str = "",
               undone: datetime | None = None) -> None:
        ScreeningDecision.objects.create(participation=part, decision=decision, reason=reason,
                                         decided_by=self.user, decided_at=when,
                                         undone_at=undone)

    def call(self, part: Participation, when: datetime, outcome: str, minutes=None) -> None:
        CallAttempt.objects.create(participation=part, called_at=when, called_by=self.user,
                                   outcome=outcome, minutes=minutes)

    def consult(self, part: Participation, when: datetime, status: str = "held",
                minutes=None) -> Consultation:
        return Consultation.objects.create(
            participation=part, at=when, status=status, held_by=self.user, minutes=minutes,
            next_step=Consultation.Next.START if status == "held" else "")

    def letter(self, part: Participation, kind: str, mailed_on: date) -> None:
        Letter.objects.create(participation=part, kind=kind, mailed_on=mailed_on,
                              created_by=self.user)

    def schedule(self, part: Participation, made: datetime, start: date) -> None:
        schedule = TaperSchedule.objects.create(participation=part, created_by=self.user)
        TaperSchedule.objects.filter(pk=schedule.pk).update(created_at=made)
        TaperScheduleVersion.objects.create(
            schedule=schedule, number=1, change="new", made_at=made, made_by=self.user,
            atc="N05BA01", strength_mg=Decimal(5), dose_mg=Decimal(10), preset="nhg",
            start=start, steps=[])

    def bwsq(self, part: Participation, on: date, total: int) -> None:
        QuestionnaireResponse.objects.create(
            participation=part, definition=QuestionnaireDefinition.objects.get(code="bwsq"),
            taken_on=on, how="paper", values={}, scores={"total": total},
            entered_by=self.user)


def build(practice, project: Project, user) -> Scenario:
    b = Builder(practice, user)
    created = at(2025, 12, 1)
    gps = {"P1": "Dr A", "P2": "Dr A", "P3": "Dr B", "P4": "Dr B", "P5": "Dr B",
           "P6": "Dr C", "P7": "Dr C", "P8": "Dr C"}
    patients = {key: b.patient(f"10{n}", gp) for n, (key, gp) in enumerate(gps.items(), 1)}
    parts: dict[str, Participation] = {}
    S = Participation.Status
    for key in ("P1", "P2", "P3"):
        parts[key] = b.participation(project, patients[key], created=created,
                                     status=S.LETTER_SENT, letter_sent_on=date(2026, 1, 15))
        b.decide(parts[key], "approach", at(2025, 12, 5))
    for key in ("P4", "P5"):
        parts[key] = b.participation(project, patients[key], created=at(2026, 8, 1),
                                     status=S.LETTER_SENT, letter_sent_on=date(2026, 1, 20))
    parts["P6"] = b.participation(project, patients["P6"], created=created, status=S.EXCLUDED)
    b.decide(parts["P6"], "exclude", at(2025, 12, 5), reason="terminal")
    parts["P7"] = b.participation(project, patients["P7"], created=created, status=S.RESERVE)
    b.decide(parts["P7"], "approach", at(2025, 12, 5))
    parts["P8"] = b.participation(project, patients["P8"], created=created)
    b.decide(parts["P8"], "approach", at(2025, 12, 5), undone=at(2026, 7, 1))
    Participation.objects.filter(pk=parts["P4"].pk).update(
        outcome="died", outcome_on=date(2026, 6, 1))
    Participation.objects.filter(pk=parts["P3"].pk).update(responded_at=at(2026, 2, 10))

    for key in ("P1", "P2", "P3", "P4", "P5"):
        for on in (date(2025, 7, 1), date(2025, 10, 1), date(2026, 1, 1)):
            b.rx(patients[key], on)
    b.rx(patients["P2"], date(2026, 2, 15), units=15)
    b.rx(patients["P2"], date(2026, 5, 10), units=15)
    b.rx(patients["P3"], date(2026, 3, 1))
    b.rx(patients["P3"], date(2026, 6, 1))
    b.rx(patients["P5"], date(2026, 7, 20), units=60)

    b.call(parts["P1"], at(2026, 2, 20), "reached", minutes=10)
    b.call(parts["P2"], at(2026, 2, 20, 11), "not_reached", minutes=2)
    b.call(parts["P2"], at(2026, 2, 25), "reached", minutes=8)
    b.consult(parts["P1"], at(2026, 3, 5), minutes=30)
    b.consult(parts["P2"], at(2026, 3, 6), minutes=25)
    b.consult(parts["P3"], at(2026, 8, 10), status="planned")
    b.schedule(parts["P1"], at(2026, 3, 5, 11), start=date(2026, 3, 8))
    b.letter(parts["P1"], LetterKind.INVITATION, date(2026, 2, 28))
    b.letter(parts["P2"], LetterKind.RESEND, date(2026, 2, 1))
    b.bwsq(parts["P1"], date(2026, 3, 5), 12)
    b.bwsq(parts["P1"], date(2026, 4, 5), 8)
    b.bwsq(parts["P1"], date(2026, 8, 5), 2)
    b.bwsq(parts["P2"], date(2026, 3, 6), 10)
    b.bwsq(parts["P2"], E, 13)
    b.bwsq(parts["P3"], date(2026, 3, 1), 20)
    return Scenario(project=project, parts=parts, user=user)
