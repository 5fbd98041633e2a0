"""Forms of the timeline page's small sections (docs/domain.md, outcomes and step 7): they
check and convert; the services save and check again under a lock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.forms import DATE_WIDGET
from patients.models import ParticipationOutcome


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ParticipationOutcome.choices,
                                widget=forms.RadioSelect)
    outcome_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
