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

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from letters.pdf import pdf_file_write
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
            raise CommandError(_("Practice %(code)s does not exist.")
                               % {"code": repr(practice)})
        chosen = self._project(found, project)
        try:
            data, count = stop_letters_pdf(project=chosen)
        except (LettersRefused, UnknownPlaceholders) as refused:
            raise CommandError(refused.message) from refused
        out = out.expanduser()
        if not out.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.")
                               % {"folder": out.parent})
        pdf_file_write(out, data)
        self.stdout.write(ngettext(
            "%(count)s letter of project “%(project)s” written to %(file)s (not marked as "
            "mailed).",
            "%(count)s letters of project “%(project)s” written to %(file)s (not marked as "
            "mailed).", count) % {"count": count, "project": chosen.name, "file": out})

    @staticmethod
    def _project(practice: Practice, wanted: str | None) -> Project:
        projects = Project.objects.filter(practice=practice)
        if wanted:
            try:
                return projects.get(uuid=wanted)
            except (Project.DoesNotExist, ValidationError, ValueError) as missing:
                raise CommandError(_("Project %(project)s does not exist in %(practice)s.")
                                   % {"project": wanted, "practice": practice.name}
                                   ) from missing
        running = list(projects.filter(status=Project.Status.RUNNING))
        if not running:
            raise CommandError(_("%(practice)s has no running project.")
                               % {"practice": practice.name})
        if len(running) > 1:
            names = ", ".join(f"{p.name} ({p.uuid})" for p in running)
            raise CommandError(_("%(practice)s has more than one running project: "
                                 "%(projects)s. Choose one with --project.")
                               % {"practice": practice.name, "projects": names})
        return running[0]
