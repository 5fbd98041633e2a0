"""Every existing plan step and due item gets its own fresh uuid (step 2 of 3)."""

import uuid

from django.db import migrations

BATCH = 1000


def uuids_fill(apps, schema_editor) -> None:
    for name in ("PlanStep", "DueItem"):
        model = apps.get_model("patients", name)
        rows = list(model.objects.filter(uuid__isnull=True).only("pk"))
        for row in rows:
            row.uuid = uuid.uuid4()
        model.objects.bulk_update(rows, ["uuid"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0010_planstep_dueitem_uuid_add'),
    ]

    operations = [
        migrations.RunPython(uuids_fill, migrations.RunPython.noop),
    ]
