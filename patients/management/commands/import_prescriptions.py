"""Import a prescription export (HIS or pharmacy) for a practice (docs/domain.md#command-line).

Creates the practice when the code is new, detects the layout from the
header, imports the whole file in one transaction, and prints how many rows
were imported, already present and rejected, with each rejection's line and
reason. Exits 0 when the file was processed (also with rejected rows) and 1,
with nothing written, when the file is refused whole.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from benzoproject.commandline import read_input
from patients.importing import FileRefused, import_file
from patients.models import Practice


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV export to import")
        parser.add_argument("--practice", required=True, help="practice code")

    def handle(self, *args, file: str, practice: str, **options):
        # The code may create the practice: it must fit Practice.code (a slug of 30 at most).
        try:
            validate_slug(practice)
            if len(practice) > (Practice._meta.get_field("code").max_length or 0):
                raise ValidationError("too long")
        except ValidationError:
            raise CommandError(_(
                "Practice code “%(code)s” is not valid: use at most 30 letters (without "
                "accents), digits, - or _, such as DELINDE.") % {"code": practice}) from None
        path = Path(file)
        data = read_input(file)
        try:
            with transaction.atomic():
                found, created = Practice.objects.get_or_create(
                    code=practice, defaults={"name": practice})
                batch = import_file(practice=found, user=None, data=data, file_name=path.name)
        except FileRefused as refused:
            raise CommandError(_("File refused: %(message)s")
                               % {"message": refused.message}) from None
        if created:
            self.stdout.write(_("New practice “%(code)s” created.") % {"code": practice})
        self.stdout.write(_(
            "%(file)s: %(layout)s (%(encoding)s), %(total)s rows: %(new)s imported, "
            "%(present)s already present, %(rejected)s refused.") % {
                "file": path.name, "layout": batch.get_layout_display(),
                "encoding": batch.encoding, "total": batch.rows_total, "new": batch.rows_new,
                "present": batch.rows_present, "rejected": batch.rows_rejected})
        for rejection in batch.rejections:
            self.stdout.write(_("  line %(line)s: %(reason)s") % rejection)
        for notice in batch.address_notices:
            self.stdout.write(_(
                "  patient %(number)s: address corrected in the app kept (%(kept)s); the "
                "file has %(file)s") % notice)
