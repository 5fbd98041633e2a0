"""The form of one questionnaire (docs/domain.md#questionnaires), built from its definition:
a choice of 0, 1 or 2 per item for an instrument asked in the app, a whole number per scale
for one typed in from the paper form. Bounds and answers are checked by the scoring
function, not here, so a new instrument needs no new form."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField

from .models import QuestionnaireResponse
from .questionnaires import Definition


class QuestionnaireForm(forms.Form):
    taken_on = RangedDateField(label=_("Date filled in"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    how = forms.ChoiceField(label=_("How"), choices=QuestionnaireResponse.How.choices,
                            widget=forms.RadioSelect)

    def __init__(self, *args: Any, definition: Definition, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"taken_on": timezone.localdate(),
                                      "how": QuestionnaireResponse.How.CONTACT})
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition.shows_items:
            for item in definition.items:
                self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                    label=f"{item.number}. {item.text}", coerce=int, widget=forms.RadioSelect,
                    choices=[(o.score, f"{o.label} ({o.score})") for o in item.options])
        else:
            for scale in definition.scales:
                self.fields[f"scale_{scale.code}"] = forms.IntegerField(
                    label=scale.name, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def item_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(("item_", "scale_"))]

    def values(self) -> dict[str, Any]:
        """The answers (item number -> score) or typed scores (scale code -> score)."""
        return {name.split("_", 1)[1]: value for name, value in self.cleaned_data.items()
                if name.startswith(("item_", "scale_"))}
