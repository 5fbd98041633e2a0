"""Read-only queries for the import pages (thin views: patients/views/imports.py)."""

from django.db.models import QuerySet

from ..models import ImportBatch, Patient, Substance
from .files import upload_read
from .readers import ExportReader, open_export


def substances_all() -> QuerySet[Substance]:
    """The reference list of benzodiazepines, in the model's order."""
    return Substance.objects.all()


def import_batch_reader(*, batch: ImportBatch) -> ExportReader:
    """A reader over a waiting import's stored file (for its preview)."""
    return open_export(upload_read(batch=batch))


def import_row_patients(*, batch: ImportBatch, numbers: list[str]) -> tuple[list[int], list[str]]:
    """The practice's patients an import's rows (``numbers``, as in the file) name, for the
    access log: their ids, and the numbers of rows no patient of the app has (yet)."""
    wanted = {n for n in numbers if n}
    found = dict(Patient.objects.filter(practice=batch.practice, source=batch.layout,
                                        number__in=wanted).values_list("number", "pk"))
    return list(found.values()), sorted(wanted - found.keys())
