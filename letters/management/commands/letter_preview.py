"""Write one letter for one patient as a PDF, as a dry run.

    python manage.py letter_preview --practice CODE --patient NUMBER
        [--kind stop|invitation|resend] --out FILE.pdf

Renders the letter (default: the stop letter; ``resend`` is the cover note with
the stop letter behind it) exactly as the patient's active project would print it
today: the practice's current text, logo, signing GP and POH-GGZ. Nothing is
stored or marked: no letter, no print run, no date; only the audit log records
the export. The file is written whole or not at all. Exits 1 with a message when
the practice or patient number is unknown, the patient is in no active project,
or the letter cannot be printed (no phone number of the practice, no GP to sign,
a text the letter refuses). See docs/domain.md#cli-letter-preview.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from letters import pdf, selectors, text
from letters.models import LetterKind
from letters.render import document_html, letter_render
from letters.services import letter_preview_data
from patients.models import Patient, Practice

# What each kind prints: the resend is the cover note followed by the stop letter.
PARTS: dict[str, tuple[str, ...]] = {
    LetterKind.STOP: (LetterKind.STOP,),
    LetterKind.INVITATION: (LetterKind.INVITATION,),
    LetterKind.RESEND: (LetterKind.RESEND, LetterKind.STOP),
}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--practice", required=True, help="the practice's code, e.g. DELINDE")
        parser.add_argument("--patient", required=True, help="the patient number in the export")
        parser.add_argument("--kind", choices=list(PARTS), default=LetterKind.STOP,
                            help="which letter (default: stop)")
        parser.add_argument("--out", required=True, type=Path, help="the PDF file to write")

    def handle(self, *args, practice: str, patient: str, kind: str, out: Path, **options):
        found = Practice.objects.filter(code__iexact=practice).first()
        if found is None:
            raise CommandError(_("Practice %(code)s does not exist.")
                               % {"code": repr(practice)})
        out = out.expanduser()
        if not out.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.")
                               % {"folder": out.parent})
        if not Patient.objects.filter(practice=found, number=patient.strip()).exists():
            raise CommandError(_("%(practice)s has no patient with number %(number)s.")
                               % {"practice": found.name, "number": repr(patient)})
        participation = selectors.active_participations(practice=found, number=patient).first()
        if participation is None:
            raise CommandError(_("Patient %(number)s is in no active project of "
                                 "%(practice)s, so there is no letter to show.")
                               % {"number": patient.strip(), "practice": found.name})
        problem = selectors.print_problem(found)
        if problem:
            raise CommandError(problem)
        if not selectors.project_gps(participation.project):
            raise CommandError(_("This project has no GP yet to sign the letters. Add a GP to "
                                 "the project."))
        texts = [(part, selectors.letter_text_for(practice=found, kind=part))
                 for part in PARTS[kind]]
        try:
            text.check_placeholders(*(t for _part, lt in texts for t in (lt.subject, lt.body)))
        except text.UnknownPlaceholders as refused:
            raise CommandError(refused.message) from refused
        data = letter_preview_data(participation=participation, user=None, as_pdf=True)

        def fragment(i: int, multipage: bool = False) -> str:
            part, letter_text = texts[i]
            return letter_render(kind=part, letter_text=letter_text, data=data,
                                 anchor=f"letter-{i}", multipage=multipage)

        rendered = pdf.render_letters(
            [fragment(i) for i in range(len(texts))],
            document=lambda parts: document_html(parts, practice=data.practice),
            multipage=lambda i: fragment(i, multipage=True))
        pdf.pdf_file_write(out, rendered.pdf)
        self.stdout.write(_("Letter (%(kind)s) for patient %(number)s written to %(file)s; "
                            "nothing was stored or marked.")
                          % {"kind": kind, "number": participation.patient.number,
                             "file": out})
