"""The uuids of plan steps and due items become required and unique (step 3 of 3)."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0011_planstep_dueitem_uuid_fill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='planstep',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name='dueitem',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
