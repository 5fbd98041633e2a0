"""Make the audit log append-only in the database itself (NEN 7513).

On PostgreSQL a trigger refuses UPDATE and DELETE of audit rows, so not even
a bug or a hand-written query can rewrite history. TRUNCATE (used only by
test teardown) is a table-level statement and not affected. SQLite, for a
first look only, relies on the model's guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION patients_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER patients_auditevent_append_only
    BEFORE UPDATE OR DELETE ON patients_auditevent
    FOR EACH ROW EXECUTE FUNCTION patients_auditevent_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS patients_auditevent_append_only ON patients_auditevent;
DROP FUNCTION IF EXISTS patients_auditevent_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
