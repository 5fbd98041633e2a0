"""DigestSent arrives from patients (its migration 0009) with its rows.

First the model enters the state on the existing table ``patients_digestsent``;
then a real rename gives the table tapering's name. The unique constraint (one
digest per user and day) goes along with the table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tapering', '0001_initial'),
        ('patients', '0009_digestsent_to_tapering'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DigestSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('sent_at', models.DateTimeField(auto_now_add=True)),
                        ('items', models.PositiveIntegerField(default=0)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'patients_digestsent',
                        'constraints': [models.UniqueConstraint(fields=('user', 'day'), name='one_digest_a_day')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='digestsent', table=None),
    ]
