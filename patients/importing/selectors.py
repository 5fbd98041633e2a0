"""Read-only queries for the import pages (thin views: patients/views/imports.py)."""

from django.db.models import QuerySet

from ..models import ImportBatch, Substance
from .files import upload_read
from .readers import ExportReader, open_export


def substances_all() -> QuerySet[Substance]:
    """The reference list of benzodiazepines, in the model's order."""
    return Substance.objects.all()


def import_batch_reader(*, batch: ImportBatch) -> ExportReader:
    """A reader over a waiting import's stored file (for its preview)."""
    return open_export(upload_read(batch=batch))
