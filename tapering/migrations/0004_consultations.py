"""Consultations (docs/domain.md, step 7).

A participation already in *consult planned* (booked from the call-back screen before
consultations existed) gets its planned evaluation consult at the booked time, held by
the project lead, so the consult page and the start page find it like any other.
"""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


def planned_for_booked(apps, schema_editor):
    Participation = apps.get_model("patients", "Participation")
    Membership = apps.get_model("patients", "Membership")
    Consultation = apps.get_model("tapering", "Consultation")
    booked = (Participation.objects.filter(status="consult_planned", consult_at__isnull=False,
                                           consultations__isnull=True)
              .select_related("project"))
    rows = []
    for part in booked.iterator():
        project = part.project
        role = (Membership.objects.filter(user_id=project.lead_id, practice_id=project.practice_id)
                .values_list("role", flat=True).first()) or ""
        rows.append(Consultation(
            participation=part, at=part.consult_at, kind="evaluation", status="planned",
            held_by_id=project.lead_id, held_by_role=role,
            planned_at=part.status_changed_at or django.utils.timezone.now()))
    Consultation.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0018_consult_outcomes'),
        ('tapering', '0003_call_attempt_counted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Consultation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('at', models.DateTimeField(verbose_name='date and time')),
                ('kind', models.CharField(choices=[('evaluation', 'evaluation consult'), ('monitoring_visit', 'monitoring contact in person'), ('monitoring_phone', 'monitoring contact by phone')], default='evaluation', max_length=20, verbose_name='kind')),
                ('status', models.CharField(choices=[('planned', 'planned'), ('held', 'held'), ('no_show', 'did not come'), ('cancelled', 'cancelled')], default='planned', max_length=12, verbose_name='status')),
                ('held_by_role', models.CharField(blank=True, choices=[('poh_ggz', 'POH-GGZ'), ('huisarts', 'GP'), ('assistent', 'Assistant'), ('apotheker', 'Pharmacist'), ('monitor', 'Monitor'), ('beheerder', 'Administrator')], max_length=20, verbose_name='role')),
                ('minutes', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='minutes spent')),
                ('relatives_present', models.BooleanField(default=False, verbose_name='relatives present')),
                ('relatives_who', models.CharField(blank=True, max_length=200, verbose_name='which relatives')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('next_step', models.CharField(blank=True, choices=[('start', 'start a tapering schedule'), ('not_now', 'not now: ask again on a day'), ('refer', 'refer elsewhere'), ('stopped', 'has already stopped'), ('continue', 'continue the schedule')], max_length=12, verbose_name='agreed next step')),
                ('ask_again_on', models.DateField(blank=True, null=True, verbose_name='ask again on')),
                ('refer_to', models.CharField(blank=True, choices=[('addiction', 'addiction care'), ('mental_health', 'mental-health care'), ('other', 'other care')], max_length=20, verbose_name='referred to')),
                ('refer_note', models.CharField(blank=True, max_length=500, verbose_name='referral note')),
                ('cancel_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for cancelling')),
                ('planned_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('recorded_at', models.DateTimeField(blank=True, null=True)),
                ('held_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='held by')),
                ('participation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='consultations', to='patients.participation')),
                ('planned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('rebooked_from', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rebooked_as', to='tapering.consultation')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'consultation',
                'verbose_name_plural': 'consultations',
                'ordering': ['at', 'id'],
                'indexes': [models.Index(fields=['status', 'at'], name='tapering_co_status_3d90c3_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['evaluation', 'monitoring_visit', 'monitoring_phone'])), name='consultation_kind_valid'), models.CheckConstraint(condition=models.Q(('status__in', ['planned', 'held', 'no_show', 'cancelled'])), name='consultation_status_valid'), models.CheckConstraint(condition=models.Q(('next_step__in', ['', 'start', 'not_now', 'refer', 'stopped', 'continue'])), name='consultation_next_step_valid'), models.CheckConstraint(condition=models.Q(('refer_to__in', ['', 'addiction', 'mental_health', 'other'])), name='consultation_refer_to_valid'), models.CheckConstraint(condition=models.Q(('held_by_role__in', ['', 'poh_ggz', 'huisarts', 'assistent', 'apotheker', 'monitor', 'beheerder'])), name='consultation_held_by_role_valid'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'held'), models.Q(('next_step', ''), _negated=True)), models.Q(models.Q(('status', 'held'), _negated=True), ('next_step', '')), _connector='OR'), name='consultation_next_step_when_held'), models.UniqueConstraint(condition=models.Q(('status', 'planned')), fields=('participation', 'at'), name='one_planned_consult_per_moment')],
            },
        ),
        migrations.RunPython(planned_for_booked, migrations.RunPython.noop),
    ]
