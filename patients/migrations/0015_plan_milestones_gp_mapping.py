"""Plan steps the app checks off (milestones), the mapping of the exports' GP names to
the practice's GP users, and a wait period of at least 30 days (issue 11, points 6, 9
and 10).

Existing projects keep their steps: a step whose text is one of the default texts,
old or new, gets that step's milestone. The GP names already in the patients get a
row each (unconfirmed) so they show on the mapping page.
"""

import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


# Default step texts (before and after issue 11) and the milestone each carries; frozen
# here, as patients/plan_defaults.py may change later.
MILESTONE_TEXTS = {
    "Voorschrijfgegevens aanleveren": "imported",
    "Groslijst opstellen": "groslijst",
    "Groslijst screenen": "screened",
    "Stopbrieven printen en versturen": "mailed",
    "Terugbellen na de wachtperiode": "called",
    "Niet-reageerders bellen": "called",
    "Eindevaluatie opstellen": "evaluated",
    "Eindevaluatie (maand 9 tot en met 12)": "evaluated",
}


def milestones_set(apps, schema_editor):
    PlanStep = apps.get_model("patients", "PlanStep")
    for what, milestone in MILESTONE_TEXTS.items():
        PlanStep.objects.filter(what=what, milestone="").update(milestone=milestone)


def milestones_clear(apps, schema_editor):
    apps.get_model("patients", "PlanStep").objects.update(milestone="")


def gp_names_fill(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    GpNameMapping = apps.get_model("patients", "GpNameMapping")
    pairs = (Patient.objects.exclude(gp_name="").values_list("practice_id", "gp_name")
             .distinct())
    GpNameMapping.objects.bulk_create(
        [GpNameMapping(practice_id=practice_id, export_name=name) for practice_id, name in pairs],
        ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0014_patient_address_corrected'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='GpNameMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('export_name', models.CharField(max_length=100, verbose_name='GP name in the export')),
                ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed on')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'GP name in the exports',
                'verbose_name_plural': 'GP names in the exports',
                'ordering': ['practice', 'export_name'],
            },
        ),
        migrations.AddField(
            model_name='planstep',
            name='milestone',
            field=models.CharField(blank=True, choices=[('imported', 'prescriptions imported'), ('groslijst', 'groslijst made (patients put into screening)'), ('screened', 'screening finished'), ('mailed', 'stop letters mailed'), ('called', 'call-backs done'), ('evaluated', 'final evaluation made')], help_text='Leave empty for a step the app cannot see done.', max_length=20, verbose_name='checked off by the app when'),
        ),
        migrations.AlterField(
            model_name='project',
            name='wait_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='Days between mailing the letters and the first call-back; at least 30.', validators=[django.core.validators.MinValueValidator(30, message='The wait period is at least %(limit_value)s days: patients get a month to read the letter and to start on their own.')], verbose_name='wait period (days)'),
        ),
        migrations.AddConstraint(
            model_name='planstep',
            constraint=models.CheckConstraint(condition=models.Q(('milestone__in', ['', 'imported', 'groslijst', 'screened', 'mailed', 'called', 'evaluated'])), name='planstep_milestone_valid'),
        ),
        migrations.AddField(
            model_name='gpnamemapping',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='gpnamemapping',
            name='first_seen_batch',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='patients.importbatch'),
        ),
        migrations.AddField(
            model_name='gpnamemapping',
            name='practice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='gp_names', to='patients.practice'),
        ),
        migrations.AddField(
            model_name='gpnamemapping',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='GP'),
        ),
        migrations.AddConstraint(
            model_name='gpnamemapping',
            constraint=models.UniqueConstraint(fields=('practice', 'export_name'), name='one_mapping_per_gp_name'),
        ),
        migrations.RunPython(milestones_set, milestones_clear),
        migrations.RunPython(gp_names_fill, migrations.RunPython.noop),
    ]
