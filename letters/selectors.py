"""Reads for letters; each takes the practice or project it is scoped to
(docs/architecture.md#house-style)."""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from patients.groslijst import months_back
from patients.models import Participation, Patient, Practice, Prescription, Project
from patients.queries import benzo_filter
from patients.selectors import gp_user_id_for

from . import text
from .models import GpSignature, Letter, LetterKind, LetterRun, LetterTemplate, ResendRequest
from .render import Image, LetterData, LetterText, Medicine, PracticeData

CONTENT_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".svg": "image/svg+xml"}

# Which participations a print run of each kind is for (docs/domain.md, steps 4 and 7).
RUN_STATUSES: dict[str, tuple[str, ...]] = {
    LetterKind.STOP: (Participation.Status.MAILING,),
    LetterKind.INVITATION: (Participation.Status.CONSULT_PLANNED,),
}
# The kinds of print run; a run of re-sends holds the requests waiting for one (step 4).
RUN_KINDS = (LetterKind.STOP, LetterKind.INVITATION, LetterKind.RESEND)
# A letter in a run with one of these statuses is not spoken for: its patient goes again.
RUN_GONE = (LetterRun.Status.CANCELLED, LetterRun.Status.FAILED)
# Patients the text editor offers for a preview: approved and not yet past the consult.
PREVIEW_STATUSES = (Participation.Status.APPROVED, Participation.Status.MAILING,
                    Participation.Status.RESERVE, Participation.Status.LETTER_SENT,
                    Participation.Status.CALLBACK_DUE, Participation.Status.CONSULT_PLANNED)


def letter_text_for(*, practice: Practice, kind: str) -> LetterText:
    """The practice's own text for ``kind``, or the default."""
    row = LetterTemplate.objects.filter(practice=practice, kind=kind).first()
    if row is None:
        return LetterText.default(kind)
    return LetterText(subject=row.subject, body=row.body)


def letter_templates_for(*, practice: Practice) -> dict[str, LetterTemplate]:
    """The practice's own texts by kind (a kind without one uses the default)."""
    return {t.kind: t for t in LetterTemplate.objects.filter(practice=practice)
            .select_related("updated_by")}


def letter_template_is_own(*, practice: Practice, kind: str) -> bool:
    return LetterTemplate.objects.filter(practice=practice, kind=kind).exists()


def preview_participations(*, practice: Practice) -> QuerySet[Participation]:
    """The practice's patients a letter text may be previewed for."""
    return (Participation.objects
            .filter(project__practice=practice, status__in=PREVIEW_STATUSES)
            .select_related("patient", "project")
            .order_by("patient__surname", "patient__initials", "id"))


def gp_signature_for(*, practice: Practice, user) -> GpSignature | None:
    return GpSignature.objects.filter(practice=practice, user=user).first()


def stored_image(field) -> Image | None:
    """A stored logo or signature as an embeddable image; None when absent or unreadable."""
    if not field:
        return None
    content_type = CONTENT_TYPES.get(PurePath(field.name).suffix.lower())
    if content_type is None:
        return None
    try:
        with field.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return Image(content_type=content_type, data=data)


def practice_data(practice: Practice) -> PracticeData:
    return PracticeData(name=practice.name, street=practice.street, postcode=practice.postcode,
                        city=practice.city, phone=practice.phone, email=practice.email,
                        logo=stored_image(practice.logo))


def person_name(user) -> str:
    """'Sanne Visser' (how the POH-GGZ is introduced in a letter)."""
    return user.get_full_name() or user.get_username()


def signer_name(user) -> str:
    """'M. Öztürk' (how a GP signs a letter)."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        return f"{first[0].upper()}. {last}"
    return user.get_full_name() or user.get_username()


def _sort_key(user) -> tuple:
    surname = unicodedata.normalize("NFKD", text.surname_key(user.last_name))
    return ("".join(c for c in surname if not unicodedata.combining(c)), user.first_name,
            user.pk)


def project_gps(project: Project) -> list:
    """The project's GPs by surname without prefix ('van Dam' under D, 'Öztürk' under O),
    the same on every database."""
    return sorted(project.gps.all(), key=_sort_key)


def signer_for(patient: Patient, gps: Sequence):
    """The signer: the patient's own GP when that is one of the project's GPs, found through
    the practice's confirmed mapping of the export's GP names (free text like 'M. Öztürk')
    to its GP users; else the project's first GP (docs/domain.md, step 4)."""
    if not gps:
        return None
    own = gp_user_id_for(practice_id=patient.practice_id, gp_name=patient.gp_name)
    return next((gp for gp in gps if gp.pk == own), gps[0])



# A patient uses every benzodiazepine prescribed in the months up to their latest
# benzodiazepine prescription (docs/domain.md, step 4): a second one taken alongside
# is named too, one they switched from long ago is not.
IN_USE_MONTHS = 3


def benzodiazepines_in_use(*, practice: Practice, patient_ids: Iterable[int],
                           on_or_before: date) -> dict[int, tuple[Medicine, ...]]:
    """Each patient's benzodiazepines on or before the date, by name (one query): every
    substance prescribed in the ``IN_USE_MONTHS`` up to the patient's latest one, each
    with the strength and form of its own latest prescription."""
    rows = (Prescription.objects
            .filter(patient__practice=practice, patient_id__in=list(patient_ids),
                    date__lte=on_or_before)
            .filter(benzo_filter())
            .order_by("patient_id", "-date", "-batch_id", "-line")
            .values_list("patient_id", "date", "substance__name_nl", "description", "dosage",
                         "strength_mg"))
    latest: dict[int, date] = {}
    found: dict[int, dict[str, Medicine]] = {}
    for patient_id, day, name, description, dosage, strength in rows:
        first = latest.setdefault(patient_id, day)
        if day < months_back(first, IN_USE_MONTHS):
            continue
        substance = name or description.lower()
        medicines = found.setdefault(patient_id, {})
        if substance and substance not in medicines:  # rows come newest first
            medicines[substance] = Medicine(
                substance=substance, strength=text.strength_nl(strength),
                capsule=text.is_capsule(substance, description, dosage))
    return {patient_id: tuple(sorted(medicines.values(), key=lambda m: m.substance))
            for patient_id, medicines in found.items()}


def print_problem(practice: Practice) -> str:
    """Why the practice cannot print letters now ('' when it can): every letter gives
    the practice's phone number, so a practice without one prints nothing."""
    if not practice.phone.strip():
        return _("The practice has no phone number yet. Every letter tells the patient "
                 "which number to call, so letters can be printed only once it is filled in. "
                 "The administrator adds it to the practice's details.")
    return ""


def signatures_for(*, practice: Practice, users: Iterable) -> dict[int, Image]:
    result = {}
    for signature in GpSignature.objects.filter(practice=practice,
                                                user__in=[u.pk for u in users]):
        image = stored_image(signature.image)
        if image is not None:
            result[signature.user_id] = image
    return result


def appointment_text(participation: Participation) -> str:
    from django.utils import timezone

    if participation.consult_at is None:
        return ""
    local = timezone.localtime(participation.consult_at)
    return (f"Op {text.weekday_date_nl(local.date())} om {local:%H.%M} uur, "
            f"in de praktijk.")


def letter_data_for(*, project: Project, participations: Sequence[Participation],
                    letter_date: date) -> list[LetterData]:
    """Everything the letters to these participations say, in a few queries."""
    practice = project.practice
    practice_values = practice_data(practice)
    gps = project_gps(project)
    signatures = signatures_for(practice=practice, users=gps)
    medication = benzodiazepines_in_use(
        practice=practice, patient_ids=[p.patient_id for p in participations],
        on_or_before=letter_date)
    poh = person_name(project.lead)
    result = []
    for participation in participations:
        patient = participation.patient
        gp = signer_for(patient, gps)
        result.append(LetterData(
            practice=practice_values, sex=patient.sex, initials=patient.initials,
            prefix=patient.prefix, surname=patient.surname, street=patient.street,
            house_number=patient.house_number, postcode=patient.postcode, city=patient.city,
            medicines=medication.get(patient.pk, ()), poh_name=poh,
            signer_name=signer_name(gp) if gp else "",
            signature=signatures.get(gp.pk) if gp else None, letter_date=letter_date,
            appointment=appointment_text(participation)))
    return result


def example_letter_data(*, practice: Practice, letter_date: date,
                        fallback_signer=None) -> LetterData:
    """A made-up patient, for a preview before any patient is chosen. The practice's
    current project gives the POH-GGZ and the signing GP; without a GP there,
    ``fallback_signer`` (the GP who is editing) signs."""
    project = projects_with_letters(practice=practice).first()
    gps = project_gps(project) if project else []
    signer = gps[0] if gps else fallback_signer
    return LetterData(
        practice=practice_data(practice), sex="V", initials="J.",
        prefix="de", surname="Vries", street="Voorbeeldstraat", house_number="1",
        postcode="1234 AB", city=practice.city or "Voorbeeld",
        medicines=(Medicine("oxazepam", "10 mg"),),
        poh_name=person_name(project.lead) if project else "",
        signer_name=signer_name(signer) if signer else "",
        letter_date=letter_date,
        appointment="Op dinsdag 3 november om 10.30 uur, in de praktijk.")


def run_candidates(*, project: Project, kind: str = LetterKind.STOP) -> QuerySet[Participation]:
    """Participations a new print run of ``kind`` would hold: on the list for it, without
    a letter of that kind in a run that is still open or already mailed. For re-sends:
    those with a request waiting for a print run (docs/domain.md, step 4)."""
    if kind == LetterKind.RESEND:
        return (Participation.objects
                .filter(pk__in=resend_requests_waiting(project=project)
                        .values("participation_id"))
                .exclude(status=Participation.Status.LEFT)
                .select_related("patient")
                .order_by("rank", "patient__surname", "id"))
    taken = Letter.objects.filter(kind=kind, run__project=project).exclude(
        run__status__in=RUN_GONE)
    return (Participation.objects
            .filter(project=project, status__in=RUN_STATUSES[kind])
            .exclude(pk__in=taken.values("participation_id"))
            .select_related("patient")
            .order_by("rank", "patient__surname", "id"))


def resend_requests_waiting(*, project: Project) -> QuerySet[ResendRequest]:
    """Re-send requests of the project not yet in a print run (none yet, or only in one
    that was cancelled or failed)."""
    return (ResendRequest.objects
            .filter(participation__project=project, mailed_on__isnull=True)
            .filter(Q(letter__isnull=True) | Q(letter__run__status__in=RUN_GONE)))


def resend_requests_open(*, project: Project) -> QuerySet[ResendRequest]:
    """Re-send requests of the project not mailed yet, waiting or in a print run, oldest
    first (for the mailing screen)."""
    return (ResendRequest.objects
            .filter(participation__project=project, mailed_on__isnull=True)
            .exclude(participation__status=Participation.Status.LEFT)
            .select_related("participation__patient", "requested_by", "letter__run")
            .order_by("requested_at", "id"))


def resend_requests_for_patient(*, practice: Practice,
                                patient: Patient) -> QuerySet[ResendRequest]:
    """A patient's re-send requests in the practice's projects, newest first."""
    return (ResendRequest.objects
            .filter(participation__patient=patient, participation__project__practice=practice)
            .select_related("participation__project", "requested_by", "letter__run")
            .order_by("-requested_at", "-id"))


@dataclass
class MailingRow:
    participation: Participation
    signer: str
    letter: Letter | None  # the latest stop letter (in a run or mailed)


def mailing_rows(*, project: Project) -> list[MailingRow]:
    """The mailing list and the patients whose stop letter went out, with who signs and
    where their letter is. Names, addresses and letter status only (what the assistant
    may see), no screening reasons."""
    letters = Letter.objects.filter(kind=LetterKind.STOP).exclude(
        run__status=LetterRun.Status.CANCELLED).select_related("run").order_by("-created_at")
    participations = (Participation.objects
                      .filter(project=project)
                      .filter(Q(status=Participation.Status.MAILING)
                              | Q(letter_sent_on__isnull=False))
                      .select_related("patient")
                      .prefetch_related(Prefetch("letters", queryset=letters))
                      .order_by("letter_sent_on", "rank", "patient__surname", "id"))
    gps = project_gps(project)
    rows = []
    for participation in participations:
        gp = signer_for(participation.patient, gps)
        stop_letters = list(participation.letters.all())
        rows.append(MailingRow(participation=participation,
                               signer=signer_name(gp) if gp else "",
                               letter=stop_letters[0] if stop_letters else None))
    return rows


def runs_for_project(*, project: Project) -> QuerySet[LetterRun]:
    return LetterRun.objects.filter(project=project).select_related("created_by", "mailed_by")


def run_letters(*, run: LetterRun) -> QuerySet[Letter]:
    """A print run's letters in print order."""
    return run.letters.select_related("participation__patient").order_by("position")


def run_patient_ids(*, run: LetterRun) -> list[int]:
    """The patients a print run's merged PDF and labels hold (for the access log)."""
    return list(run.letters.values_list("participation__patient_id", flat=True))


def patient_participations(*, practice: Practice, patient: Patient) -> QuerySet[Participation]:
    """The patient's participations in the practice's projects, newest first."""
    return (Participation.objects
            .filter(patient=patient, project__practice=practice)
            .select_related("project").order_by("-created_at"))


def letters_for_patient(*, practice: Practice, patient: Patient) -> QuerySet[Letter]:
    return (Letter.objects
            .filter(participation__patient=patient, participation__project__practice=practice)
            .exclude(run__status=LetterRun.Status.CANCELLED)
            .select_related("participation__project", "run", "created_by")
            .order_by("-created_at", "-id"))


def projects_with_letters(*, practice: Practice) -> QuerySet[Project]:
    return Project.objects.filter(practice=practice).exclude(
        status=Project.Status.CLOSED).select_related("lead").order_by("-planned_start", "name")


def active_participations(*, practice: Practice, number: str) -> QuerySet[Participation]:
    """The participations of the practice's patient(s) with this number in projects that
    are not closed, newest first (``manage.py letter_preview``)."""
    return (Participation.objects
            .filter(patient__practice=practice, patient__number=number.strip())
            .exclude(project__status=Project.Status.CLOSED)
            .select_related("patient", "project__practice", "project__lead")
            .order_by("-project__planned_start", "-created_at", "-id"))
