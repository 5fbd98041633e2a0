"""Project-level timed steps for issue 14: the monthly snapshot (`monthly_snapshot`, swept)
and the final evaluation (`final_evaluation`, a reminder for the lead, replacing `project_end`),
the final-evaluation month on the project (9 or 12), one open project-level item per kind
(docs/domain.md#timed-steps)."""

import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OPEN = {"done_at__isnull": True, "cancelled_at__isnull": True, "participation__isnull": True}


def forward(apps, schema_editor):
    """The open project-end reminders become final-evaluation reminders, due 12 months
    (the default) after the planned start; every project not closed gets its monthly
    snapshot item, due on the next 1st (docs/domain.md#timed-steps)."""
    DueItem = apps.get_model("patients", "DueItem")
    Project = apps.get_model("patients", "Project")
    converted = set()
    for item in DueItem.objects.filter(kind="project_end", **OPEN).select_related("project"):
        if item.project_id in converted:  # one open final evaluation per project
            continue
        converted.add(item.project_id)
        item.kind = "final_evaluation"
        item.due_on = item.project.planned_start + relativedelta(
            months=item.project.evaluation_months)
        item.save(update_fields=["kind", "due_on"])
    today = timezone.localdate()
    first = today.replace(day=1) + relativedelta(months=1)
    having = DueItem.objects.filter(kind="monthly_snapshot", **OPEN).values("project_id")
    DueItem.objects.bulk_create(
        DueItem(uuid=uuid.uuid4(), kind="monthly_snapshot", due_on=first, project=project)
        for project in Project.objects.exclude(status="closed").exclude(pk__in=having))


def backward(apps, schema_editor):
    DueItem = apps.get_model("patients", "DueItem")
    DueItem.objects.filter(kind="monthly_snapshot").delete()
    for item in DueItem.objects.filter(kind="final_evaluation", **OPEN).select_related("project"):
        item.kind, item.due_on = "project_end", item.project.planned_end
        item.save(update_fields=["kind", "due_on"])
    DueItem.objects.filter(kind="final_evaluation").update(kind="project_end")


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0020_outcomes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='dueitem',
            name='dueitem_kind_valid',
        ),
        migrations.AddField(
            model_name='project',
            name='evaluation_months',
            field=models.PositiveSmallIntegerField(choices=[(9, 'after 9 months'), (12, 'after 12 months')], default=12, help_text='The project lead gets a reminder to make the final evaluation this many months after the planned start.', verbose_name='final evaluation'),
        ),
        migrations.AlterField(
            model_name='dueitem',
            name='kind',
            field=models.CharField(choices=[('wait_ends', 'wait period ends'), ('call_later', 'call again later, as agreed'), ('ask_again', 'ask again whether the patient wants to reduce'), ('project_end', 'project ends: evaluation due'), ('monthly_snapshot', 'monthly evaluation snapshot'), ('final_evaluation', 'final evaluation due'), ('taper_step', 'next step of the tapering schedule'), ('monitor_contact', 'monitoring contact: step of the tapering schedule')], max_length=20, verbose_name='what'),
        ),
        migrations.AddConstraint(
            model_name='dueitem',
            constraint=models.UniqueConstraint(condition=models.Q(('cancelled_at__isnull', True), ('done_at__isnull', True), ('kind__in', ['monthly_snapshot', 'final_evaluation']), ('participation__isnull', True)), fields=('project', 'kind'), name='one_open_project_due_item_per_kind'),
        ),
        migrations.AddConstraint(
            model_name='dueitem',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['wait_ends', 'call_later', 'ask_again', 'project_end', 'monthly_snapshot', 'final_evaluation', 'taper_step', 'monitor_contact'])), name='dueitem_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('evaluation_months__in', [9, 12])), name='project_evaluation_months_valid'),
        ),
        migrations.RunPython(forward, backward),
    ]
