"""HIS and pharmacy patients linked as the same person (docs/domain.md#his-and-pharmacy)."""

from .models import PatientLink, Practice


def linked_pairs(*, practice: Practice) -> dict[int, int]:
    """The practice's links in force: pharmacy patient id → HIS patient id."""
    return dict(PatientLink.objects.filter(practice=practice, undone_at__isnull=True,
                                           decision=PatientLink.Decision.LINKED)
                .values_list("pharmacy_patient_id", "his_patient_id"))
