"""Write the merged PDF of the stop letters not yet mailed, for automation.

    python manage.py stopletters --practice CODE --out FILE.pdf [--project UUID]

Takes the practice's running project (or the one ``--project`` names) and renders
one letter for every patient on its mailing list (status "mailing"), each from a
new page, exactly as a print run would. Nothing is marked as mailed and no
print run is stored; the export is written to the audit log. The file is
written whole or not at all. Exits 1 with a message when the practice or
project is unknown, there are no letters to print, or the text of the letter
is refused.
"""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from letters.services import LettersRefused, stop_letters_pdf
from letters.text import UnknownPlaceholders
from patients.models import Practice, Project


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="the practice's code, e.g. DELINDE")
        parser.add_argument("--out", required=True, type=Path, help="the PDF file to write")
        parser.add_argument("--project", help="the project's UUID (default: the running one)")

    def handle(self, *args, practice: str, out: Path, project: str | None, **options):
        found = Practice.objects.filter(code__iexact=practice).first()
        if found is None:
            raise CommandError(f"Praktijk {practice!r} bestaat niet.")
        chosen = self._project(found, project)
        try:
            data, count = stop_letters_pdf(project=chosen)
        except (LettersRefused, UnknownPlaceholders) as refused:
            raise CommandError(refused.message) from refused
        out = out.expanduser()
        if not out.parent.is_dir():
            raise CommandError(f"De map {out.parent} bestaat niet.")
        handle, temporary = tempfile.mkstemp(dir=out.parent, suffix=".pdf.tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(f"{count} brieven van project “{chosen.name}” geschreven naar {out} "
                          f"(niet gemarkeerd als verstuurd).")

    @staticmethod
    def _project(practice: Practice, wanted: str | None) -> Project:
        projects = Project.objects.filter(practice=practice)
        if wanted:
            try:
                return projects.get(uuid=wanted)
            except (Project.DoesNotExist, ValidationError, ValueError) as missing:
                raise CommandError(f"Project {wanted} bestaat niet in {practice.name}."
                                   ) from missing
        running = list(projects.filter(status=Project.Status.RUNNING))
        if not running:
            raise CommandError(f"{practice.name} heeft geen lopend project.")
        if len(running) > 1:
            names = ", ".join(f"{p.name} ({p.uuid})" for p in running)
            raise CommandError(f"{practice.name} heeft meer dan één lopend project: {names}. "
                               f"Kies er een met --project.")
        return running[0]
