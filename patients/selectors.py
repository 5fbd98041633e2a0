"""Reads for practices and projects; each takes the practice it is scoped to."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, DecimalField, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Collate
from django.utils import timezone

from .clinical import ddd_of_prescription, is_benzodiazepine, is_complex, is_over_units_line
from .differences import (
    Differences,
    has_pharmacy_data,
    matched_dispensing_keys,
    patient_differences,
)
from .gp_names import GpUser, suggest_gp
from .groslijst import GroslijstRow, Windows, ddd_per_day
from .links import linked_pairs
from .models import (
    LASTING_REASONS,
    ExclusionReason,
    GpNameMapping,
    GroslijstSource,
    ImportBatch,
    Participation,
    Patient,
    PlanStep,
    Practice,
    Prescription,
    Project,
    Role,
    ScreeningDecision,
)
from .queries import benzo_filter, complex_filter, ddd_known_filter, ddd_per_prescription
from .screening import (
    HISTORY_MONTHS,
    MonthBar,
    Suggestion,
    age_on,
    consult_is_recent,
    ddd_per_month,
    letter_is_recent,
    suggest,
)


def projects_for_practice(*, practice: Practice) -> QuerySet[Project]:
    return (
        Project.objects.filter(practice=practice)
        .select_related("lead")
        .annotate(
            steps_total=Count("plan_steps"),
            steps_done=Count("plan_steps", filter=Q(plan_steps__done_on__isnull=False)),
        )
        .order_by("-planned_start", "name")
    )


def projects_open(*, practice: Practice) -> QuerySet[Project]:
    """The practice's projects that are not closed: those patients can still be added to."""
    return Project.objects.filter(practice=practice).exclude(status=Project.Status.CLOSED)


def patients_in_open_projects(*, practice: Practice, patient_ids: Iterable[int]) -> set[int]:
    """Those of ``patient_ids`` who take part in one of the practice's open projects."""
    return set(Participation.objects.filter(project__in=projects_open(practice=practice),
                                            patient_id__in=list(patient_ids))
               .values_list("patient_id", flat=True))


def groslijst_source_default(*, practice: Practice) -> str:
    """The groslijst source of the practice's active project: the running one started last,
    else the one in preparation starting first; both combined without either."""
    projects = projects_open(practice=practice)
    project = (projects.filter(status=Project.Status.RUNNING).order_by("-planned_start").first()
               or projects.filter(status=Project.Status.PREPARING).order_by("planned_start")
               .first())
    return project.groslijst_source if project else GroslijstSource.COMBINED


def plan_steps_for_project(*, project: Project) -> QuerySet[PlanStep]:
    """The project's plan of approach in plan order, with who checked each step off."""
    return project.plan_steps.select_related("done_by")


@dataclass(frozen=True)
class Todo:
    """One line of a user's "Mijn taken"."""

    project: Project
    step: PlanStep
    overdue: bool


def todos_for_user(*, practice: Practice, role: str, today: date) -> list[Todo]:
    """Open plan steps of running or preparing projects that are this role's, up to this month.

    The project lead (POH-GGZ) sees every open step; others see those of their role.
    """
    steps = (
        PlanStep.objects.filter(project__practice=practice, done_on__isnull=True)
        .exclude(project__status=Project.Status.CLOSED)
        .select_related("project")
        .order_by("project__planned_start", "month", "id")
    )
    if role != Role.POH_GGZ:
        steps = steps.filter(who=role)
    todos = []
    for step in steps:
        # Month 1 work is due while a project is still being prepared.
        current = max(step.project.month_number(today), 1)
        if step.month <= current:
            todos.append(Todo(project=step.project, step=step, overdue=step.month < current))
    return todos


def groslijst_rows(*, practice: Practice, reference_date: date, ddd_threshold: int = 1,
                   patient_ids: Iterable[int] | None = None,
                   source: str = GroslijstSource.COMBINED) -> list[GroslijstRow]:
    """Every patient with a benzodiazepine prescription in (R − 12 months, R], with the flags.

    One aggregate query over the practice's prescriptions (docs/domain.md, step 2),
    sorted by patient number in byte order; ``patient_ids`` narrows it to those.

    ``source`` (docs/domain.md#his-and-pharmacy): ``his`` counts the HIS's patients only,
    ``apotheek`` the pharmacy's only, ``combined`` every patient, where a pharmacy patient
    linked to a HIS patient counts as that HIS patient and a dispensing matched to one of
    that patient's HIS prescriptions is left out (the prescription counts). Without links
    ``combined`` is the same query as ever, over the patients of both sources.
    """
    w = Windows.for_reference(reference_date)
    rx = "prescriptions__"
    benzo = benzo_filter(rx)
    patients = Patient.objects.filter(practice=practice)
    links: dict[int, int] = {}
    if source == GroslijstSource.HIS:
        patients = patients.filter(source=Patient.Source.HIS)
    elif source == GroslijstSource.APOTHEEK:
        patients = patients.filter(source=Patient.Source.APOTHEEK)
    else:
        links = linked_pairs(practice=practice)
    if patient_ids is not None:
        wanted = set(patient_ids)
        # A linked patient's row is made of both patients' prescriptions.
        wanted |= {p for pair in links.items() if wanted.intersection(pair) for p in pair}
        patients = patients.filter(pk__in=list(wanted))
    if links:
        matched = matched_dispensing_keys(practice=practice, links=links)
        if matched:
            # Row keys hash the layout and the patient number with the row, so within a
            # practice a key names one patient's one row (patients/importing/keys.py).
            benzo &= ~Q(**{f"{rx}row_key__in": matched})
    upto = Q(**{f"{rx}date__lte": w.reference})
    year = upto & Q(**{f"{rx}date__gt": w.year_start})
    complex_atc = complex_filter(*practice.complex_rule(), via=rx)
    known_ddd = ddd_known_filter(rx)
    listed = Q(units_12m__gt=0)
    if links:
        listed |= Q(pk__in=[p for pair in links.items() for p in pair])
    rows = (
        patients
        .annotate(
            units_12m=Sum(f"{rx}units", filter=benzo & year),
            recent=Count(f"{rx}row_key", filter=benzo & upto
                         & Q(**{f"{rx}date__gte": w.recent_start})),
            past=Count(f"{rx}row_key", filter=benzo & Q(**{f"{rx}date__gte": w.past_start,
                                                      f"{rx}date__lte": w.past_end})),
            ddd_total=Sum(
                ddd_per_prescription(rx), filter=benzo & year & known_ddd,
                output_field=DecimalField(max_digits=30, decimal_places=10)),
            unknown=Count(f"{rx}row_key", filter=benzo & year & ~known_ddd),
            complex=Count(f"{rx}row_key", filter=complex_atc & year),
            last_date=Max(f"{rx}date", filter=benzo & upto),
        )
        .filter(listed)
        .order_by(Collate("number", "C") if connection.vendor == "postgresql" else "number")
        .values_list("id", "uuid", "number", "initials", "prefix", "surname", "gp_name",
                     "birth_date", "units_12m", "recent", "past", "ddd_total", "unknown",
                     "complex", "last_date")
    )
    records = _merge_linked(list(rows), links) if links else rows
    return [
        GroslijstRow(
            patient_id=pk, patient_uuid=str(uuid), number=number,
            name=" ".join(p for p in (initials, prefix, surname) if p), gp_name=gp,
            birth_date=birth, recent_and_past=bool(recent and past),
            over_90_units=is_over_units_line(units), units_12m=units,
            ddd_per_day=ddd_per_day(ddd), ddd_unknown=bool(unknown),
            complex_comedication=bool(complex_count), last_date=last, ddd_threshold=ddd_threshold,
        )
        for (pk, uuid, number, initials, prefix, surname, gp, birth, units, recent, past, ddd,
             unknown, complex_count, last) in records
    ]


def _merge_linked(records: list[tuple], links: dict[int, int]) -> list[tuple]:
    """Add each linked pharmacy patient's sums to its HIS patient's record and drop it;
    keep the records with units, in the query's order (the HIS patient's number)."""
    by_id = {record[0]: list(record) for record in records}
    for pharmacy_id, his_id in links.items():
        extra, into = by_id.get(pharmacy_id), by_id.get(his_id)
        if extra is None or into is None:
            continue
        del by_id[pharmacy_id]
        for i in (8, 9, 10, 11, 12, 13):  # units, recent, past, DDD, unknown, complex
            if extra[i] is not None:
                into[i] = extra[i] if into[i] is None else into[i] + extra[i]
        into[14] = max(filter(None, (into[14], extra[14])), default=None)
    return [tuple(by_id[record[0]]) for record in records
            if record[0] in by_id and (by_id[record[0]][8] or 0) > 0]


def groslijst_details(*, practice: Practice, rows: list[GroslijstRow], reference_date: date,
                      source: str = GroslijstSource.COMBINED) -> list[GroslijstRow]:
    """Fill in substances and the last prescription for the given rows (one query).

    Combined, a row's linked pharmacy patient's dispensings count as the row's own, but
    not those matched to a HIS prescription, as in ``groslijst_rows``."""
    w = Windows.for_reference(reference_date)
    by_patient = {row.patient_id: row for row in rows}
    owner = {patient_id: patient_id for patient_id in by_patient}
    benzo = (
        Prescription.objects.filter(patient__practice=practice,
                                    date__gt=w.year_start, date__lte=w.reference)
        .filter(benzo_filter())
    )
    if source == GroslijstSource.COMBINED:
        links = linked_pairs(practice=practice)
        owner |= {ph: his for ph, his in links.items() if his in by_patient}
        if len(owner) > len(by_patient):
            benzo = benzo.exclude(
                row_key__in=matched_dispensing_keys(practice=practice, links=links))
    prescriptions = (benzo.filter(patient_id__in=list(owner))
                     .order_by("date", "batch_id", "line")
                     .values_list("patient_id", "substance__name_nl", "atc", "description",
                                  "dosage", "units"))
    for patient_id, substance, atc, description, dosage, units in prescriptions:
        row = by_patient[owner[patient_id]]
        name = substance or atc
        if name not in row.substances:
            row.substances.append(name)
        row.last_description, row.last_dosage, row.last_units = description, dosage, units
    return rows


def imports_for_practice(*, practice: Practice) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(practice=practice).select_related("uploaded_by")


# --- Screening (docs/domain.md, step 3) -------------------------------------------------------


def lasting_exclusions(*, practice: Practice,
                       patient_ids: Iterable[int] | None = None) -> dict[int, ScreeningDecision]:
    """Standing exclusions for a lasting reason, per patient, from any project of the practice."""
    decisions = (ScreeningDecision.objects
                 .filter(participation__project__practice=practice, undone_at__isnull=True,
                         decision=ScreeningDecision.Decision.EXCLUDE,
                         reason__in=LASTING_REASONS)
                 .select_related("participation__project", "decided_by")
                 .order_by("decided_at", "id"))
    if patient_ids is not None:
        decisions = decisions.filter(participation__patient_id__in=list(patient_ids))
    return {d.participation.patient_id: d for d in decisions}  # the newest wins


def screening_queue(*, project: Project, skipped: Iterable[str] = ()) -> list[Participation]:
    """Participations still to screen, by patient number; those skipped come last."""
    waiting = list(project.participations.filter(status=Participation.Status.TO_SCREEN)
                   .select_related("patient").order_by("patient__number", "id"))
    later = set(skipped)
    return ([p for p in waiting if str(p.uuid) not in later]
            + [p for p in waiting if str(p.uuid) in later])


def screening_last_decision(*, project: Project, user: User,
                            undoable: Iterable[str]) -> ScreeningDecision | None:
    """The user's newest standing decision in the project on a participation still in one of
    the ``undoable`` statuses (the services say which), or None."""
    return (ScreeningDecision.objects
            .filter(participation__project=project, decided_by=user, undone_at__isnull=True,
                    participation__status__in=list(undoable))
            .select_related("participation__patient").order_by("-decided_at", "-id").first())


@dataclass(frozen=True)
class Funnel:
    on_list: int
    screened: int
    to_screen: int
    approached: int
    mailing: int
    reserve: int
    excluded: int
    excluded_by_reason: list[tuple[str, int]]
    letters_sent: int


def project_funnel(*, project: Project) -> Funnel:
    """The screening funnel so far: on the groslijst → screened → approached / excluded."""
    S = Participation.Status
    counts = dict(project.participations.values_list("status").annotate(n=Count("id"))
                  .values_list("status", "n"))
    reasons = (ScreeningDecision.objects
               .filter(participation__project=project, undone_at__isnull=True,
                       decision=ScreeningDecision.Decision.EXCLUDE)
               .values_list("reason").annotate(n=Count("id")).order_by("-n", "reason"))
    labels = dict(ExclusionReason.choices)
    total = sum(counts.values())
    to_screen = counts.get(S.TO_SCREEN, 0)
    excluded = counts.get(S.EXCLUDED, 0)
    return Funnel(
        on_list=total, screened=total - to_screen, to_screen=to_screen,
        approached=total - to_screen - excluded, mailing=counts.get(S.MAILING, 0),
        reserve=counts.get(S.RESERVE, 0), excluded=excluded,
        excluded_by_reason=[(labels.get(r, r), n) for r, n in reasons],
        letters_sent=project.participations.filter(letter_sent_on__isnull=False).count(),
    )


@dataclass
class Product:
    name: str
    description: str
    dosage: str
    last_date: date
    units: int


@dataclass
class Comedication:
    atc: str
    description: str
    last_date: date
    complex: bool


@dataclass
class EarlierProject:
    project: Project
    status_label: str
    letter_sent_on: date | None
    consult_on: date | None
    decision: ScreeningDecision | None


@dataclass
class ScreeningFacts:
    """Everything the GP needs to decide on one screen (docs/domain.md, step 3, issue #4)."""

    participation: Participation
    row: GroslijstRow | None
    age: int | None
    history: list[MonthBar]
    products: list[Product]
    comedication: list[Comedication]
    earlier: list[EarlierProject]
    recent_letter: date | None
    recent_consult: date | None
    lasting: ScreeningDecision | None
    suggestion: Suggestion
    decision: ScreeningDecision | None
    # HIS versus pharmacy (docs/domain.md#his-and-pharmacy): None when not linked;
    # ``pharmacy_data`` says whether the practice imported a pharmacy list at all.
    differences: Differences | None = None
    pharmacy_data: bool = False

    @property
    def history_max(self) -> Decimal:
        return max((bar.ddd for bar in self.history), default=Decimal(0))


def screening_facts(*, participation: Participation, today: date) -> ScreeningFacts:
    project, patient = participation.project, participation.patient
    practice = project.practice
    reference = participation.reference_date
    rows = groslijst_rows(practice=practice, reference_date=reference,
                          ddd_threshold=project.ddd_threshold, patient_ids=[patient.pk],
                          source=project.groslijst_source)
    row = rows[0] if rows else None
    history_start = reference - relativedelta(months=HISTORY_MONTHS)
    # As the project's groslijst counts them: with both sources combined, the linked
    # patient's dispensings too, except those matched to a HIS prescription.
    person_ids, matched = [patient.pk], []
    if project.groslijst_source == GroslijstSource.COMBINED:
        pair = {ph: his for ph, his in linked_pairs(practice=practice).items()
                if patient.pk in (ph, his)}
        if pair:
            person_ids = [*pair.keys(), *pair.values()]
            matched = matched_dispensing_keys(practice=practice, links=pair)
    prescriptions = list(
        Prescription.objects.filter(patient_id__in=person_ids, date__lte=reference)
        .exclude(row_key__in=matched).select_related("substance")
        .order_by("date", "batch_id", "line"))
    year_start = Windows.for_reference(reference).year_start
    ddds = []
    for rx in prescriptions:
        if rx.date > history_start and is_benzodiazepine(rx.atc):
            ddd = ddd_of_prescription(rx.units, rx.strength_mg,
                                      rx.substance.ddd_mg if rx.substance else None)
            if ddd is not None:
                ddds.append((rx.date, ddd))
    history = ddd_per_month(ddds, reference)
    products: dict[str, Product] = {}
    comedication: dict[str, Comedication] = {}
    prefixes, exceptions = practice.complex_rule()
    for rx in prescriptions:
        if rx.date <= year_start:
            continue
        if is_benzodiazepine(rx.atc):
            name = rx.substance.name_nl if rx.substance else rx.atc
            products[name] = Product(name=name, description=rx.description, dosage=rx.dosage,
                                     last_date=rx.date, units=rx.units)
        else:
            comedication[rx.atc] = Comedication(
                atc=rx.atc, description=rx.description, last_date=rx.date,
                complex=is_complex(rx.atc, prefixes, exceptions))
    earlier = []
    recent_letter = recent_consult = None
    others = (Participation.objects.filter(patient=patient).exclude(pk=participation.pk)
              .select_related("project").order_by("-project__planned_start"))
    standing = {d.participation_id: d for d in ScreeningDecision.objects.filter(
        participation__in=others, undone_at__isnull=True)}
    for other in others:
        consult_on = timezone.localdate(other.consult_at) if other.consult_at else None
        earlier.append(EarlierProject(project=other.project,
                                      status_label=other.get_status_display(),
                                      letter_sent_on=other.letter_sent_on, consult_on=consult_on,
                                      decision=standing.get(other.pk)))
        if letter_is_recent(other.letter_sent_on, today):
            recent_letter = max(filter(None, [recent_letter, other.letter_sent_on]))
        if consult_is_recent(consult_on, today):
            recent_consult = max(filter(None, [recent_consult, consult_on]))
    differences = patient_differences(patient=patient)
    lasting = lasting_exclusions(practice=practice, patient_ids=[patient.pk]).get(patient.pk)
    if lasting is not None and lasting.participation_id == participation.pk:
        lasting = None  # this project's own decision is not an earlier one
    suggestion = suggest(
        lasting_reason=lasting.reason if lasting else "",
        recent_letter=recent_letter is not None, recent_consult=recent_consult is not None,
        complex_comedication=bool(row and row.complex_comedication),
        over_ddd=bool(row and row.over_ddd_threshold))
    return ScreeningFacts(
        participation=participation, row=row, age=age_on(patient.birth_date, today),
        history=history, products=list(products.values()),
        comedication=sorted(comedication.values(), key=lambda c: (not c.complex, c.atc)),
        earlier=earlier, recent_letter=recent_letter, recent_consult=recent_consult,
        lasting=lasting, suggestion=suggestion,
        decision=participation.decisions.filter(undone_at__isnull=True).first(),
        differences=differences,
        pharmacy_data=differences is not None or has_pharmacy_data(practice=practice))


@dataclass
class ListEntry:
    participation: Participation
    row: GroslijstRow | None
    first_use: date | None


def first_benzo_use(*, practice: Practice, patient_ids: Iterable[int]) -> dict[int, date]:
    """The date of each patient's first benzodiazepine prescription the app knows."""
    return dict(Prescription.objects.filter(patient__practice=practice,
                                            patient_id__in=list(patient_ids))
                .filter(benzo_filter()).values_list("patient_id").annotate(first=Min("date"))
                .values_list("patient_id", "first"))


def project_list_entries(*, project: Project, status: str) -> list[ListEntry]:
    """The mailing or reserve list (or the approved, not yet split), in list order."""
    parts = list(project.participations.filter(status=status).select_related("patient")
                 .order_by(F("rank").asc(nulls_last=True), "patient__number"))
    ids = [p.patient_id for p in parts]
    if not ids:
        return []
    # Each patient's figures come from their own participation's groslijst
    # reference date (docs/domain.md, step 3), never from whoever is first on
    # the list: one query per reference date, so reordering changes nothing.
    by_reference: dict[date, list[int]] = {}
    for p in parts:
        by_reference.setdefault(p.reference_date, []).append(p.patient_id)
    rows: dict[tuple[date, int], GroslijstRow] = {}
    for reference, patient_ids in by_reference.items():
        for r in groslijst_rows(practice=project.practice, reference_date=reference,
                                ddd_threshold=project.ddd_threshold, patient_ids=patient_ids,
                                source=project.groslijst_source):
            rows[(reference, r.patient_id)] = r
    first = first_benzo_use(practice=project.practice, patient_ids=ids)
    return [ListEntry(participation=p, row=rows.get((p.reference_date, p.patient_id)),
                      first_use=first.get(p.patient_id)) for p in parts]


def screening_overview(*, project: Project) -> list[tuple[Participation, ScreeningDecision | None]]:
    """Every participation of the project with its standing decision, by patient number."""
    parts = list(project.participations.select_related("patient").order_by("patient__number"))
    standing = {d.participation_id: d for d in ScreeningDecision.objects.filter(
        participation__project=project, undone_at__isnull=True).select_related("decided_by")}
    return [(p, standing.get(p.pk)) for p in parts]


# --- The GP names of the exports (docs/domain.md, step 4, the signer) -----------------

def practice_gps(*, practice: Practice) -> QuerySet[User]:
    """The practice's active GP users, by surname."""
    return (User.objects.filter(memberships__practice=practice,
                                memberships__role=Role.HUISARTS, is_active=True)
            .order_by("last_name", "first_name", "username"))


@dataclass
class GpNameRow:
    mapping: GpNameMapping
    suggested: User | None  # the app's suggestion while the name is not confirmed
    patients: int  # patients of the practice with this name as their GP


def gp_name_rows(*, practice: Practice, batch: ImportBatch | None = None) -> list[GpNameRow]:
    """The practice's GP names from its exports, unconfirmed first, each with the GP user
    the app suggests (surname and initials, ignoring case and accents); with ``batch``,
    only the names that import brought first and that are not confirmed yet."""
    mappings = practice.gp_names.select_related("user", "confirmed_by")
    if batch is not None:
        mappings = mappings.filter(first_seen_batch=batch, confirmed_at__isnull=True)
    gps = list(practice_gps(practice=practice))
    by_id = {gp.pk: gp for gp in gps}
    candidates = [GpUser(gp.pk, gp.first_name, gp.last_name) for gp in gps]
    counts = dict(Patient.objects.filter(practice=practice)
                  .filter(gp_name__in=[m.export_name for m in mappings])
                  .values_list("gp_name").annotate(n=Count("id")).values_list("gp_name", "n"))
    rows = [GpNameRow(mapping=m, patients=counts.get(m.export_name, 0),
                      suggested=None if m.confirmed else
                      by_id.get(suggest_gp(m.export_name, candidates) or 0))
            for m in mappings]
    rows.sort(key=lambda r: (r.mapping.confirmed, r.mapping.export_name.casefold()))
    return rows


def gp_names_unconfirmed_count(*, practice: Practice) -> int:
    """How many GP names from the practice's exports still wait for the POH-GGZ."""
    return practice.gp_names.filter(confirmed_at__isnull=True).count()


def gp_user_ids(*, practice_id: int) -> dict[str, int | None]:
    """Every export name the practice confirmed, with its GP user (None: not one of its
    GPs), in one query: for lists that name a signer per patient."""
    return dict(GpNameMapping.objects
                .filter(practice_id=practice_id, confirmed_at__isnull=False)
                .values_list("export_name", "user_id"))


def gp_user_id_for(*, practice_id: int, gp_name: str) -> int | None:
    """The GP user the practice confirmed for this export name, or None."""
    if not gp_name:
        return None
    return (GpNameMapping.objects
            .filter(practice_id=practice_id, export_name=gp_name, confirmed_at__isnull=False)
            .values_list("user_id", flat=True).first())


def open_participations(*, practice: Practice,
                        patient_ids: Iterable[int]) -> dict[int, Participation]:
    """For each of ``patient_ids`` in one of the practice's open projects, its participation
    in the project started last: where the patient's screening screen is."""
    parts = (Participation.objects.filter(project__in=projects_open(practice=practice),
                                          patient_id__in=list(patient_ids))
             .select_related("project").order_by("project__planned_start", "id"))
    return {p.patient_id: p for p in parts}  # the last one wins
