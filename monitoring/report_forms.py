"""The form of the evaluation reflection (docs/domain.md#evaluation-report)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnotherRound
from .report_services import TEXT_MAX


def _text(label, help_text) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False,
                           max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))


class ReflectionForm(forms.Form):
    patients_reaction = _text(_("How did patients react?"),
                              _("To the letter, the calls and the consults: grateful, "
                                "angry, relieved, worried?"))
    awareness = _text(_("Awareness in the practice"),
                      _("Do the GPs, assistants and pharmacist think differently about "
                        "prescribing benzodiazepines now?"))
    collaboration = _text(_("How did the collaboration go?"),
                          _("Between the GPs, the POH-GGZ, the assistants and the "
                            "pharmacy."))
    workload = _text(_("The workload"),
                     _("Was the time it took feasible? What took more or less time than "
                       "planned?"))
    another_round = forms.ChoiceField(label=_("Run another round?"),
                                      choices=AnotherRound.choices,
                                      widget=forms.RadioSelect)
    another_round_why = _text(_("Why (not)?"), _("And if so: when, and what would you do "
                                                 "differently?"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
