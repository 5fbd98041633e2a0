"""Forms of the timeline page's small sections (docs/domain.md, outcomes and step 7): they
check and convert; the services save and check again under a lock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField
from patients.forms import DATE_WIDGET
from patients.models import ParticipationOutcome

from .models import HandOut


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ParticipationOutcome.choices,
                                widget=forms.RadioSelect)
    outcome_on = RangedDateField(label=_("Date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RelativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    relation = forms.CharField(label=_("Relation"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    may_contact = forms.BooleanField(label=_("May be contacted"), required=False)


class HandOutForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=HandOut.Kind.choices)
    text = forms.CharField(label=_("Description"), max_length=200, required=False)
    given_on = RangedDateField(label=_("Given on"), widget=DATE_WIDGET)
