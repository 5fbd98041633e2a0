"""DigestSent moves to tapering, its only user: removed here from the state only.

The table and its rows stay; tapering's migration 0002 takes them over.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0008_prescription_composite_key'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='DigestSent')],
            database_operations=[],
        ),
    ]
