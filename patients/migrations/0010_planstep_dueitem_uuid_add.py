"""Plan steps and due items get a public uuid for their URLs (step 1 of 3).

Django's recipe for a unique field on a table with rows: add it nullable here,
fill every row with its own uuid (0011), then make it unique and required (0012).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0009_digestsent_to_tapering'),
    ]

    operations = [
        migrations.AddField(
            model_name='planstep',
            name='uuid',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='dueitem',
            name='uuid',
            field=models.UUIDField(editable=False, null=True),
        ),
    ]
