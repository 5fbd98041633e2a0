"""The access log's hash chain (docs/security.md): every event gets ``prev_hash`` and
``hash``, the existing events chained in id order, and the checkpoints of the daily
verification are append-only as the log is.

Filling the two columns is the one UPDATE the log ever gets: the append-only trigger
(0002) is switched off for it inside this migration's transaction, by the tables' owner
that runs the migrations, and on again before it commits.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from patients.auditchain import COLUMNS, GENESIS, Entry, entry_hash, with_shown

CHUNK = 2000
CHECKPOINT_APPEND_ONLY = """
CREATE TRIGGER patients_auditcheckpoint_append_only
    BEFORE UPDATE OR DELETE ON patients_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION patients_auditevent_refuse_change();
"""
DROP_CHECKPOINT_APPEND_ONLY = (
    "DROP TRIGGER IF EXISTS patients_auditcheckpoint_append_only ON patients_auditcheckpoint;")
TRIGGER = "ALTER TABLE patients_auditevent {} TRIGGER patients_auditevent_append_only"
LINK = "UPDATE patients_auditevent SET prev_hash = %s, hash = %s WHERE id = %s"
# PostgreSQL: a chunk of links in one statement (a row-by-row UPDATE takes minutes for a
# log of a million entries).
LINKS = ("UPDATE patients_auditevent e SET prev_hash = v.prev_hash, hash = v.hash "
         "FROM (VALUES {}) AS v(prev_hash, hash, id) WHERE e.id = v.id")


def _write(cursor, links: list, postgres: bool) -> None:
    if postgres and links:
        rows = ", ".join(["(%s, %s, %s::bigint)"] * len(links))
        cursor.execute(LINKS.format(rows), [value for link in links for value in link])
    else:
        cursor.executemany(LINK, links)


def chain_existing(apps, schema_editor):
    connection = schema_editor.connection
    alias = connection.alias
    events = apps.get_model("patients", "AuditEvent").objects.using(alias)
    shown = apps.get_model("patients", "AuditEventPatient").objects.using(alias)
    if not events.exists():
        return
    postgres = connection.vendor == "postgresql"
    if postgres:
        # ALTER TABLE refuses while deferred foreign-key checks of this transaction wait.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(TRIGGER.format("DISABLE"))
    rows = events.order_by("id").values_list("id", *COLUMNS).iterator(chunk_size=CHUNK)
    pairs = shown.order_by("event_id", "patient_id").values_list(
        "event_id", "patient_id").iterator(chunk_size=CHUNK * 5)
    prev, links = GENESIS, []
    with connection.cursor() as cursor:
        for row, ids in with_shown(rows, pairs):
            digest = entry_hash(Entry(*row[1:]), ids, prev)
            links.append((prev, digest, row[0]))
            prev = digest
            if len(links) == CHUNK:
                _write(cursor, links, postgres)
                links = []
        _write(cursor, links, postgres)
    if postgres:
        schema_editor.execute(TRIGGER.format("ENABLE"))


def checkpoints_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECKPOINT_APPEND_ONLY)


def checkpoints_append_only_undo(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CHECKPOINT_APPEND_ONLY)


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0022_audit_role_shown'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_event_id', models.BigIntegerField()),
                ('hash', models.CharField(max_length=64)),
                ('events', models.BigIntegerField()),
            ],
            options={
                'verbose_name': 'audit checkpoint',
                'verbose_name_plural': 'audit checkpoints',
                'ordering': ['-last_event_id'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(default='', max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.CreateModel(
            name='AuditChainAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('found_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('event_id', models.BigIntegerField(null=True)),
                ('problem', models.CharField(max_length=300)),
                ('acknowledged_at', models.DateTimeField(null=True)),
                ('acknowledged_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'audit chain alert',
                'verbose_name_plural': 'audit chain alerts',
                'ordering': ['-found_at'],
            },
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(checkpoints_append_only, checkpoints_append_only_undo),
    ]
