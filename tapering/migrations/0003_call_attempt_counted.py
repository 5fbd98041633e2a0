"""Call attempts record whether they counted towards the maximum, and "call now anyway".

Existing unanswered attempts are counted as the spacing rule would have counted
them (docs/domain.md, step 6, "Retries"): the first, and then each one on or
after the next working day after the previous counted one, per participation.
"""

from django.db import migrations, models
from django.utils import timezone

from patients.dates import add_working_days

UNANSWERED = ("not_reached", "message")


def count_existing(apps, schema_editor):
    CallAttempt = apps.get_model("tapering", "CallAttempt")
    previous: dict[int, object] = {}
    counted = []
    for attempt in (CallAttempt.objects.filter(outcome__in=UNANSWERED)
                    .order_by("participation_id", "called_at", "id").iterator()):
        day = timezone.localdate(attempt.called_at)
        last = previous.get(attempt.participation_id)
        if last is None or day >= add_working_days(last, 1):
            attempt.counted_on = day
            previous[attempt.participation_id] = day
            counted.append(attempt)
    CallAttempt.objects.bulk_update(counted, ["counted_on"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('tapering', '0002_digestsent_from_patients'),
    ]

    operations = [
        migrations.AddField(
            model_name='callattempt',
            name='called_early',
            field=models.BooleanField(default=False, verbose_name='called before the planned day'),
        ),
        migrations.AddField(
            model_name='callattempt',
            name='counted_on',
            field=models.DateField(blank=True, null=True, verbose_name='counted as an attempt on'),
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
