"""The two database roles (docs/security.md, "The access log cannot be rewritten").

The **owner** owns the tables and runs the migrations (``DATABASE_OWNER_URL``); the **app
role** is what web, worker and beat connect as (``DATABASE_URL``). The app role may read
and write every table except the access log's: there it may only insert and read, so it
can neither change nor remove an entry, nor truncate the log, switch its trigger off
(only an owner may) or set ``session_replication_role`` (only a superuser may).

:func:`app_role_grant` creates the app role when it is missing and sets its rights, every
time from scratch, so running it again is harmless (``manage.py db_roles``, and
``manage.py migrate`` after migrating as the owner). :func:`as_owner` points the default
connection at the owner for one command.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import environ
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from patients.models import AuditCheckpoint, AuditEvent, AuditEventPatient

# The access log and the checkpoints of its chain: insert and read only.
APPEND_ONLY = (AuditEvent, AuditEventPatient, AuditCheckpoint)
CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


class RoleRefused(Exception):
    """The app role cannot be set up as asked (the message says why)."""


def owner_url() -> str:
    return settings.DATABASE_OWNER_URL


@contextmanager
def as_owner() -> Iterator[None]:
    """Connect the default database as the owner (``DATABASE_OWNER_URL``) inside the block.

    The whole default connection is switched, not a second alias, so that data migrations
    that use a model's default manager run as the owner too. Without ``DATABASE_OWNER_URL``
    nothing changes (a first look, the tests, one role for everything).
    """
    if not owner_url():
        yield
        return
    owner = environ.Env.db_url_config(owner_url())
    if owner["ENGINE"] != connection.settings_dict["ENGINE"]:
        raise RoleRefused(_("DATABASE_OWNER_URL and DATABASE_URL name different kinds of "
                            "database."))
    saved = {key: connection.settings_dict.get(key) for key in CONNECTION_KEYS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key, saved[key]) for key in CONNECTION_KEYS})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def app_role() -> str:
    """The app role's name: ``DATABASE_APP_ROLE``, else the user of ``DATABASE_URL``."""
    return settings.DATABASE_APP_ROLE


def app_role_password(role: str) -> str:
    """The password ``DATABASE_URL`` gives for ``role`` (empty when it names another user)."""
    default = settings.DATABASES["default"]
    return default.get("PASSWORD", "") if default.get("USER") == role else ""


def _quote(cursor, name: str) -> str:
    cursor.execute("SELECT quote_ident(%s)", [name])
    return cursor.fetchone()[0]


def app_role_grant(*, role: str, password: str = "") -> list[str]:
    """Create ``role`` if missing and give it the app's rights; returns what was done.

    Runs on the current connection, which must be the owner of the tables (or a
    superuser). Refused for the connection's own user, a superuser and a role that owns
    anything in the database: such a role would keep the rights this takes away.
    """
    if connection.vendor != "postgresql":
        raise RoleRefused(_("Database roles exist only on PostgreSQL."))
    if not role:
        raise RoleRefused(_("No app role: set DATABASE_APP_ROLE or a user in DATABASE_URL."))
    done = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        me, database, schema = cursor.fetchone()
        if role == me:
            raise RoleRefused(_("The app role %(role)s is the owner's own role: give the app a "
                                "role of its own.") % {"role": role})
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        name = _quote(cursor, role)
        if found is None:
            login = "LOGIN PASSWORD %s" if password else "NOLOGIN"
            cursor.execute(f"CREATE ROLE {name} {login}", [password] if password else None)
            done.append(_("Role %(role)s created.") % {"role": role})
        elif found[0]:
            raise RoleRefused(_("The app role %(role)s is a superuser: it would keep every "
                                "right.") % {"role": role})
        elif password:
            cursor.execute(f"ALTER ROLE {name} LOGIN PASSWORD %s", [password])
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                       "WHERE r.rolname = %s", [role])
        if cursor.fetchone()[0]:
            raise RoleRefused(_("The app role %(role)s owns tables: an owner may change "
                                "them.") % {"role": role})
        schema_name, db_name = _quote(cursor, schema), _quote(cursor, database)
        statements = [
            f"ALTER ROLE {name} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS",
            f"GRANT CONNECT, TEMPORARY ON DATABASE {db_name} TO {name}",
            f"GRANT USAGE ON SCHEMA {schema_name} TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_name} "
            f"TO {name}",
            f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema_name} "
            f"FROM {name}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_name} TO {name}",
            # Tables and sequences the owner makes in later migrations.
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_name} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_name} "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {name}",
        ]
        for model in APPEND_ONLY:
            table = _quote(cursor, model._meta.db_table)
            statements.append(f"REVOKE UPDATE, DELETE ON {table} FROM {name}")
        for statement in statements:
            cursor.execute(statement)
        done.append(_("%(role)s has the app's rights on %(database)s; on %(tables)s only "
                      "insert and read.") % {
            "role": role, "database": database,
            "tables": ", ".join(m._meta.db_table for m in APPEND_ONLY)})
    return done
