"""Record stop letters a practice sent outside the app (docs/domain.md#cli-import-project-letters).

FILE is a CSV with the columns patient_number,letter_date (YYYY-MM-DD). The
project NAME of the practice is made when it does not exist yet. Each listed
patient of the practice joins the project with that letter date, as if the app
had mailed the letter; a line with an unknown patient or a bad date is rejected
with its line number and reason. All in one transaction; the same file twice
changes nothing. Exits 0 when the file was processed (also with rejected
lines) and 1, with nothing written, when it is refused whole.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from benzoproject.commandline import read_input
from monitoring.services import ProjectsAmbiguous, project_letters_import
from patients.importing.detect import FileRefused
from patients.models import Practice, Project


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with patient_number,letter_date")
        parser.add_argument("--practice", required=True, help="practice code")
        parser.add_argument("--project", required=True, help="project name")

    def handle(self, *args, file: str, practice: str, project: str, **options):
        name = project.strip()
        limit = Project._meta.get_field("name").max_length or 0
        if not name or len(name) > limit:
            raise CommandError(_("Project name “%(name)s” is not valid: give a name of 1 to "
                                 "%(limit)s characters.") % {"name": project, "limit": limit})
        found = Practice.objects.filter(code=practice).first()
        if found is None:
            raise CommandError(_("Practice “%(code)s” does not exist.") % {"code": practice})
        path = Path(file)
        data = read_input(file)
        try:
            result = project_letters_import(practice=found, project_name=name, data=data,
                                            file_name=path.name, today=timezone.localdate())
        except FileRefused as refused:
            raise CommandError(_("File refused: %(message)s")
                               % {"message": refused.message}) from None
        except ProjectsAmbiguous as refused:
            raise CommandError(refused.message) from None
        if result.project_created:
            self.stdout.write(_("New project “%(name)s” created (%(start)s to %(end)s, lead: "
                                "%(lead)s).") % {
                "name": name, "start": result.project.planned_start.isoformat(),
                "end": result.project.planned_end.isoformat(),
                "lead": result.project.lead.get_full_name() or result.project.lead.get_username()})
        self.stdout.write(_(
            "%(file)s: %(total)s lines: %(new)s imported, %(present)s already present, "
            "%(rejected)s refused.") % {
                "file": path.name, "total": result.rows_total, "new": result.rows_new,
                "present": result.rows_present, "rejected": result.rows_rejected})
        for rejection in result.rejections:
            self.stdout.write(_("  line %(line)s: %(reason)s") % rejection)
