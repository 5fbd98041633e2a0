"""Create the app's database role and set its rights (docs/security.md).

    python manage.py db_roles [--role NAME]

Connects as the tables' owner (``DATABASE_OWNER_URL``; without it, as ``DATABASE_URL``)
and gives the app role — ``--role``, else ``DATABASE_APP_ROLE``, else the user of
``DATABASE_URL`` — the right to read and write every table, but only to insert into and
read the access log. Creates the role when it is missing (with the password of
``DATABASE_URL`` when that URL names it, else without login). Running it again changes
nothing; ``migrate`` runs it by itself after migrating as the owner. Exits 1 with a
message when the role cannot be the app's (the owner itself, a superuser, a table owner)
or the database is not PostgreSQL.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from benzoproject.dbroles import RoleRefused, app_role, app_role_grant, app_role_password, as_owner


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--role", help="the app role (default: DATABASE_APP_ROLE)")

    def handle(self, *args, role=None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._grant(role or app_role())

    def _grant(self, role: str) -> None:
        try:
            with as_owner():
                done = app_role_grant(role=role, password=app_role_password(role))
        except RoleRefused as refused:
            raise CommandError(str(refused)) from None
        for line in done:
            self.stdout.write(line)
