"""Django's ``migrate``, run as the tables' owner when ``DATABASE_OWNER_URL`` is set.

    python manage.py migrate [Django's options]

With ``DATABASE_OWNER_URL`` the migrations run on the default database as that owner
(web, worker and beat connect as the app role of ``DATABASE_URL``, which may not change
the tables), and afterwards the app role's rights are set again (``manage.py db_roles``),
so the tables a migration added are granted and the access log stays insert-and-read
only. Without it, this is Django's ``migrate`` unchanged (docs/security.md).
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS
from django.utils import translation

from benzoproject.dbroles import (
    RoleRefused,
    app_role,
    app_role_grant,
    app_role_password,
    as_owner,
    owner_url,
)


class Command(migrate.Command):
    help = __doc__

    def handle(self, *args, **options):
        if not owner_url() or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        try:
            with as_owner(), translation.override(settings.LANGUAGE_CODE):
                super().handle(*args, **options)
                role = app_role()
                for line in app_role_grant(role=role, password=app_role_password(role)):
                    if options["verbosity"] >= 1:
                        self.stdout.write(line)
        except RoleRefused as refused:
            raise CommandError(str(refused)) from None
        return None
