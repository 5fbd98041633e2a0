"""Print the role × URL table made from the views' declared roles, or write it into
docs/security.md (between its markers) with --write; --check exits 1 when the docs differ.

The table is generated, never written by hand: each view's roles come from its
``practice_view(roles=...)`` (benzoproject/access_table.py)."""

from django.core.management.base import BaseCommand, CommandError

from benzoproject.access_table import DOC, access_table, doc_table, doc_with_table


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true",
                           help="write the table into docs/security.md")
        group.add_argument("--check", action="store_true",
                           help="exit 1 when docs/security.md holds another table")

    def handle(self, *args, write: bool = False, check: bool = False, **options) -> None:
        if not (write or check):
            self.stdout.write(access_table(), ending="")
            return
        text = DOC.read_text(encoding="utf-8")
        if doc_table(text) is None:
            raise CommandError(f"{DOC} has no access-table markers.")
        if check:
            if doc_table(text) != access_table():
                raise CommandError("docs/security.md's role × URL table is out of date: run "
                                   "manage.py access_table --write")
            self.stdout.write("docs/security.md's role × URL table is up to date.")
            return
        DOC.write_text(doc_with_table(text), encoding="utf-8")
        self.stdout.write(f"Wrote the role × URL table into {DOC}.")
