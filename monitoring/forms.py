"""Forms of monitoring: they validate and convert, never save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField
from patients.models import Project

from .measures import measure_choices, target_problem
from .models import ResultTarget

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultTargetForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=measure_choices)
    value = forms.DecimalField(label=_("Target value"), max_digits=10, decimal_places=2,
                               help_text=_("A share or a change in percent as a number, "
                                           "e.g. -25 for 25 percent fewer."))
    deadline = RangedDateField(label=_("Deadline"), widget=DATE_WIDGET)
    per_gp = forms.BooleanField(label=_("Every GP"), required=False,
                                help_text=_("Each GP must reach the value, e.g. every GP "
                                            "sends at least 15 stop letters."))

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean(self):
        data = super().clean()
        measure, per_gp = data.get("measure"), data.get("per_gp", False)
        if measure:
            problem = target_problem(measure, per_gp=per_gp)
            if problem:
                self.add_error("measure", problem)
            elif ResultTarget.objects.filter(project=self.project, measure=measure,
                                             per_gp=per_gp,
                                             deadline=data.get("deadline")).exists():
                self.add_error(None, _("This target is already set for that deadline."))
        return data
