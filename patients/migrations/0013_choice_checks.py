"""The database refuses a status, role or kind outside its choices, and a project
that ends on or before its start (issue 10, point 6)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0012_planstep_dueitem_uuid_unique'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='membership',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['poh_ggz', 'huisarts', 'assistent', 'apotheker', 'monitor', 'beheerder'])), name='membership_role_valid'),
        ),
        migrations.AddConstraint(
            model_name='importbatch',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'queued', 'running', 'done', 'refused', 'failed'])), name='importbatch_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['preparing', 'running', 'closed'])), name='project_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('criterion__in', ['recent_and_past', 'over_90_units', 'either'])), name='project_criterion_valid'),
        ),
        migrations.AddConstraint(
            model_name='project',
            constraint=models.CheckConstraint(condition=models.Q(('planned_end__gt', models.F('planned_start'))), name='project_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='planstep',
            constraint=models.CheckConstraint(condition=models.Q(('who__in', ['poh_ggz', 'huisarts', 'assistent', 'apotheker', 'monitor', 'beheerder'])), name='planstep_who_valid'),
        ),
        migrations.AddConstraint(
            model_name='participation',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['to_screen', 'excluded', 'approved', 'mailing', 'reserve', 'letter_sent', 'callback_due', 'not_reached', 'call_later', 'consult_planned', 'declined', 'tapering', 'stopped', 'reduced', 'unchanged', 'left'])), name='participation_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='screeningdecision',
            constraint=models.CheckConstraint(condition=models.Q(('decision__in', ['approach', 'exclude'])), name='screeningdecision_decision_valid'),
        ),
        migrations.AddConstraint(
            model_name='screeningdecision',
            constraint=models.CheckConstraint(condition=models.Q(('reason__in', ['', 'other_indication', 'terminal', 'immobile', 'language', 'recent_consult', 'recent_letter', 'high_ddd', 'complex', 'other'])), name='screeningdecision_reason_valid'),
        ),
        migrations.AddConstraint(
            model_name='dueitem',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['wait_ends', 'call_later', 'ask_again', 'project_end'])), name='dueitem_kind_valid'),
        ),
    ]
