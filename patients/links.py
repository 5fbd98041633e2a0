"""HIS and pharmacy patients linked as the same person (docs/domain.md#his-and-pharmacy):
the reads. The rule that suggests a pair is ``patients/linkrules.py``; the writes
(confirm, reject, undo) are in ``patients/link_services.py``."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .linkrules import LinkPerson, suggested_pairs
from .models import Patient, PatientLink, Practice

SEARCH_LIMIT = 25  # patients a search on the manual-link page shows at most


def linked_pairs(*, practice: Practice) -> dict[int, int]:
    """The practice's links in force: pharmacy patient id → HIS patient id."""
    return dict(PatientLink.objects.filter(practice=practice, undone_at__isnull=True,
                                           decision=PatientLink.Decision.LINKED)
                .values_list("pharmacy_patient_id", "his_patient_id"))


def _in_force(practice: Practice) -> QuerySet[PatientLink]:
    return PatientLink.objects.filter(practice=practice, undone_at__isnull=True)


def _people(practice: Practice, source: str, linked: QuerySet) -> list[LinkPerson]:
    rows = (Patient.objects.filter(practice=practice, source=source, birth_date__isnull=False)
            .exclude(postcode="").exclude(id__in=linked)
            .order_by("surname", "number")
            .values_list("id", "birth_date", "postcode", "surname", "prefix"))
    return [LinkPerson(*row) for row in rows]


def link_suggestions(*, practice: Practice) -> list[tuple[int, int]]:
    """(HIS patient id, pharmacy patient id) of every pair the rule suggests: neither is
    linked yet and the pair was not found "not the same person". Two queries of five
    columns and one pass in Python, so 20,000 patients on each side take well under a
    second; ordered by the HIS patient's surname and number."""
    if not Patient.objects.filter(practice=practice, source=Patient.Source.APOTHEEK).exists():
        return []  # one source only (most practices): nothing to read further
    in_force = _in_force(practice)
    linked = in_force.filter(decision=PatientLink.Decision.LINKED)
    rejected = set(in_force.filter(decision=PatientLink.Decision.REJECTED)
                   .values_list("his_patient_id", "pharmacy_patient_id"))
    his = _people(practice, Patient.Source.HIS, linked.values("his_patient_id"))
    pharmacy = _people(practice, Patient.Source.APOTHEEK, linked.values("pharmacy_patient_id"))
    return suggested_pairs(his, pharmacy, rejected=rejected)


@dataclass(frozen=True)
class LinkCounts:
    his: int
    pharmacy: int
    linked: int
    rejected: int
    undone: int

    @property
    def both_sources(self) -> bool:
        return bool(self.his and self.pharmacy)


def link_counts(*, practice: Practice) -> LinkCounts:
    """The practice's patients per source and its decisions, for the links page."""
    sources = dict(Patient.objects.filter(practice=practice).order_by().values("source")
                   .annotate(n=Count("id")).values_list("source", "n"))
    decisions = PatientLink.objects.filter(practice=practice).aggregate(
        linked=Count("id", filter=Q(undone_at__isnull=True,
                                     decision=PatientLink.Decision.LINKED)),
        rejected=Count("id", filter=Q(undone_at__isnull=True,
                                       decision=PatientLink.Decision.REJECTED)),
        undone=Count("id", filter=Q(undone_at__isnull=False)))
    return LinkCounts(his=sources.get(Patient.Source.HIS, 0),
                      pharmacy=sources.get(Patient.Source.APOTHEEK, 0), **decisions)


def _with_people(links: QuerySet[PatientLink]) -> QuerySet[PatientLink]:
    return links.select_related("his_patient", "pharmacy_patient", "decided_by", "undone_by")


def links_in_force(*, practice: Practice) -> QuerySet[PatientLink]:
    """The links in force (newest first)."""
    return _with_people(_in_force(practice).filter(decision=PatientLink.Decision.LINKED))


def rejections_in_force(*, practice: Practice) -> QuerySet[PatientLink]:
    """The pairs found "not the same person" that are not undone (newest first)."""
    return _with_people(_in_force(practice).filter(decision=PatientLink.Decision.REJECTED))


def decisions_undone(*, practice: Practice) -> QuerySet[PatientLink]:
    """Every decision undone, newest undoing first: the history."""
    return _with_people(PatientLink.objects.filter(practice=practice, undone_at__isnull=False)
                        .order_by("-undone_at", "-id"))


def link_partner(*, patient: Patient) -> Patient | None:
    """The patient of the other source this patient is linked to, if any."""
    link = (PatientLink.objects.filter(undone_at__isnull=True,
                                       decision=PatientLink.Decision.LINKED)
            .filter(Q(his_patient=patient) | Q(pharmacy_patient=patient))
            .select_related("his_patient", "pharmacy_patient").first())
    if link is None:
        return None
    return link.pharmacy_patient if link.his_patient_id == patient.pk else link.his_patient


def link_candidates(*, practice: Practice, source: str, term: str = "",
                    birth_date=None) -> QuerySet[Patient]:
    """Patients of one source not linked yet, for the manual link: by number (exact),
    surname (part of it, prefix included) or date of birth; at most ``SEARCH_LIMIT``."""
    linked = _in_force(practice).filter(decision=PatientLink.Decision.LINKED)
    column = "his_patient_id" if source == Patient.Source.HIS else "pharmacy_patient_id"
    patients = (Patient.objects.filter(practice=practice, source=source)
                .exclude(id__in=linked.values(column)))
    if birth_date is not None:
        patients = patients.filter(birth_date=birth_date)
    elif term:
        patients = patients.filter(Q(number=term) | Q(surname__icontains=term)
                                   | Q(prefix__icontains=term))
    else:
        return patients.none()
    return patients.order_by("surname", "birth_date", "number")[:SEARCH_LIMIT]
