"""Confirming, rejecting and undoing a link between a HIS patient and a pharmacy patient
(docs/domain.md#his-and-pharmacy, "Linking patients").

A person decides; the app only suggests (``patients/linkrules.py``). Each write locks
both patients' rows first, so two people (or one double click) deciding on the same
patients at once are taken one after the other: the second finds the first decision and
is refused with a message, never a second link or a server error. The partial unique
constraints of ``PatientLink`` are the last guard. Every change names both patients in
the access log and makes the practice's cached groslijst unreachable (a groslijst from
both sources counts a linked pair as one person).

Its own module, not ``patients/links.py``: the groslijst (through its cache) may read the
links, so the reads must not import the cache.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .groslijst_cache import groslijst_forget
from .models import AuditEvent, Patient, PatientLink, Practice


class LinkError(Exception):
    """A link decision that cannot be taken now; ``message`` says why, in Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _describe(his: Patient, pharmacy: Patient) -> str:
    return f"HIS {his.number} ~ pharmacy {pharmacy.number}"


def _lock_pair(*, practice: Practice, his_patient: Patient,
               pharmacy_patient: Patient) -> tuple[Patient, Patient]:
    """Both patients, locked (in id order, so two writers never wait on each other), after
    checking that they are one of each source and of this practice."""
    if his_patient.source != Patient.Source.HIS or \
            pharmacy_patient.source != Patient.Source.APOTHEEK:
        raise LinkError(_("A link joins one patient from the HIS export and one from the "
                          "pharmacy's list."))
    locked = {p.pk: p for p in Patient.objects.select_for_update()
              .filter(pk__in=[his_patient.pk, pharmacy_patient.pk], practice=practice)
              .order_by("pk")}
    if len(locked) != 2:
        raise LinkError(_("These patients are not patients of this practice."))
    return locked[his_patient.pk], locked[pharmacy_patient.pk]


def _refuse_when_decided(*, practice: Practice, his: Patient, pharmacy: Patient) -> None:
    """Refuse when either patient is linked already, or the pair has a decision in force
    (a stale page, a second click, a colleague who was quicker)."""
    in_force = PatientLink.objects.filter(practice=practice, undone_at__isnull=True)
    pair = in_force.filter(his_patient=his, pharmacy_patient=pharmacy).first()
    if pair is not None and pair.decision == PatientLink.Decision.LINKED:
        raise LinkError(_("These two patients are already linked."))
    if pair is not None:
        raise LinkError(_("These two patients were marked as not the same person. Undo that "
                          "decision first (under “Not the same person”)."))
    linked = in_force.filter(decision=PatientLink.Decision.LINKED)
    if linked.filter(his_patient=his).exists():
        raise LinkError(_("HIS patient %(number)s is already linked to another pharmacy "
                          "patient.") % {"number": his.number})
    if linked.filter(pharmacy_patient=pharmacy).exists():
        raise LinkError(_("Pharmacy patient %(number)s is already linked to another HIS "
                          "patient.") % {"number": pharmacy.number})


def _decide(*, user, practice: Practice, his_patient: Patient, pharmacy_patient: Patient,
            decision: str) -> PatientLink:
    his, pharmacy = _lock_pair(practice=practice, his_patient=his_patient,
                               pharmacy_patient=pharmacy_patient)
    _refuse_when_decided(practice=practice, his=his, pharmacy=pharmacy)
    try:
        with transaction.atomic():
            link = PatientLink.objects.create(practice=practice, his_patient=his,
                                              pharmacy_patient=pharmacy, decision=decision,
                                              decided_by=user)
    except IntegrityError as error:  # the constraints: only if a lock was bypassed
        raise LinkError(_("Someone else decided on these patients just now. Look at the "
                          "page again.")) from error
    verb = "linked" if decision == PatientLink.Decision.LINKED else "not the same person"
    audit_log(user=user, action=AuditEvent.Action.CREATE, obj=link, practice=practice,
              patients=[his, pharmacy], detail=f"{verb}: {_describe(his, pharmacy)}")
    groslijst_forget(practice=practice)
    return link


@transaction.atomic
def patient_link_confirm(*, user, practice: Practice, his_patient: Patient,
                         pharmacy_patient: Patient) -> PatientLink:
    """A person confirms that the two patients are one person (a suggestion, or a pair
    chosen by hand when the rule cannot find it, e.g. after a move)."""
    return _decide(user=user, practice=practice, his_patient=his_patient,
                   pharmacy_patient=pharmacy_patient, decision=PatientLink.Decision.LINKED)


@transaction.atomic
def patient_link_reject(*, user, practice: Practice, his_patient: Patient,
                        pharmacy_patient: Patient) -> PatientLink:
    """A person finds that a suggested pair is not one person: not suggested again."""
    return _decide(user=user, practice=practice, his_patient=his_patient,
                   pharmacy_patient=pharmacy_patient, decision=PatientLink.Decision.REJECTED)


@transaction.atomic
def patient_link_undo(*, user, link: PatientLink) -> PatientLink:
    """Undo a link or a rejection: the row stays, as history. Refused when it was undone
    already (a stale page or a second click)."""
    link = (PatientLink.objects.select_for_update().select_related("his_patient",
                                                                   "pharmacy_patient")
            .get(pk=link.pk))
    if link.undone_at is not None:
        raise LinkError(_("This decision was undone already."))
    link.undone_at, link.undone_by = timezone.now(), user
    link.save(update_fields=["undone_at", "undone_by"])
    verb = "link" if link.decision == PatientLink.Decision.LINKED else "not the same person"
    audit_log(user=user, action=AuditEvent.Action.CHANGE, obj=link,
              patients=[link.his_patient, link.pharmacy_patient],
              detail=f"{verb} undone: {_describe(link.his_patient, link.pharmacy_patient)}")
    groslijst_forget(practice=link.practice)
    return link
