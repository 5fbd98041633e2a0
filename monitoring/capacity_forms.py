"""The capacity planner's forms (docs/domain.md#capacity-planning): they validate and
convert, never save. The field names are the page's query parameters, in Dutch."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .capacity import BATCHES_PER_MONTH, MAX_LETTERS_PER_BATCH

MAX_HOURS_PER_WEEK = 60
MAX_MINUTES = 240


class CapacityForm(forms.Form):
    uren = forms.DecimalField(
        label=_("Hours per week for the project"), min_value=Decimal(0),
        max_value=MAX_HOURS_PER_WEEK, max_digits=5, decimal_places=2, localize=True,
        # A text field (the Dutch comma), with the number keypad on a phone.
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("The POH-GGZ's hours for call-backs and consults of this project, e.g. "
                    "4 or 3,5."))
    minuten_bellen = forms.IntegerField(
        label=_("Minutes per call"), min_value=1, max_value=MAX_MINUTES,
        help_text=_("One call-back, including noting it down."))
    minuten_consult = forms.IntegerField(
        label=_("Minutes per consult"), min_value=1, max_value=MAX_MINUTES,
        help_text=_("One (evaluation) consult, including noting it down."))


class CapacityChoiceForm(CapacityForm):
    """The proposal chosen, with what the page showed (checked again by the service)."""

    per_maand = forms.TypedChoiceField(
        label=_("Batches per month"), coerce=int,
        choices=[(n, str(n)) for n in BATCHES_PER_MONTH])
    brieven = forms.IntegerField(label=_("Letters per batch"), min_value=1,
                                 max_value=MAX_LETTERS_PER_BATCH)
    grootte = forms.IntegerField(label=_("Groslijst size"), min_value=0)
