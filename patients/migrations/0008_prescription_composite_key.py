"""Prescription's primary key becomes (patient, row_key), the pair the import already
kept unique, and its ``id`` column goes: one index less to fill for every row imported
(bench/README.md). ``line`` takes over the id's other task, telling apart prescriptions
of one day in the order they were read.

Django does not migrate a table to a composite primary key itself, so the database
side is written out here; the rows are kept. Rows stored before this migration get
``line`` numbered in the order of their old ids within their import (PostgreSQL), or
0 (SQLite, the first look's database).
"""

from django.db import migrations, models

POSTGRESQL = [
    "ALTER TABLE patients_prescription ADD COLUMN line integer NOT NULL DEFAULT 0 "
    "CHECK (line >= 0)",
    "UPDATE patients_prescription p SET line = o.n FROM (SELECT id, row_number() OVER "
    "(PARTITION BY batch_id ORDER BY id) AS n FROM patients_prescription) o WHERE p.id = o.id",
    "ALTER TABLE patients_prescription ALTER COLUMN line DROP DEFAULT",
    "ALTER TABLE patients_prescription DROP COLUMN id",
    "ALTER TABLE patients_prescription DROP CONSTRAINT prescription_once",
    "ALTER TABLE patients_prescription ADD PRIMARY KEY (patient_id, row_key)",
]


def composite_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
        return
    # SQLite: the table made again from the new model, its rows copied over (the id
    # column is left behind; line is filled with its default).
    model = apps.get_model("patients", "Prescription")
    schema_editor._remake_table(model, create_field=model._meta.get_field("line"))


class Migration(migrations.Migration):

    dependencies = [
        ("patients", "0007_prescription_bulk"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="prescription",
                    name="prescription_once",
                ),
                migrations.RemoveField(
                    model_name="prescription",
                    name="id",
                ),
                migrations.AddField(
                    model_name="prescription",
                    name="line",
                    field=models.PositiveIntegerField(default=0,
                                                      verbose_name="line in the file"),
                ),
                migrations.AddField(
                    model_name="prescription",
                    name="pk",
                    field=models.CompositePrimaryKey("patient", "row_key", blank=True,
                                                     editable=False, primary_key=True,
                                                     serialize=False),
                ),
            ],
        ),
        migrations.RunPython(composite_key, elidable=False),
    ]
