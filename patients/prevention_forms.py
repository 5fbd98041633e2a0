"""The forms of the new-starters pages: the agreement, a new date, the list's filters
(docs/domain.md#new-starters). They check and convert; the services save."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benzoproject.formats import format_date
from benzoproject.validation import RangedDateField

from .models import StarterAgreement
from .models.prevention import DURATION_WEEKS_MAX
from .prevention_selectors import NO_GP

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OFFERED = (
    ("sleep_hygiene", gettext_lazy("sleep hygiene advice")),
    ("cbti", gettext_lazy("CBT for insomnia or an online course")),
    ("poh_consult", gettext_lazy("consult with the POH-GGZ")),
    ("other", gettext_lazy("something else (describe)")),
)


def _after_start(end_on: date | None, started_on: date) -> str | None:
    if end_on is not None and end_on <= started_on:
        return _("Choose a date after the first prescription (%(day)s).") % {
            "day": format_date(started_on)}
    return None


class AgreementForm(forms.Form):
    duration_weeks = forms.IntegerField(
        label=gettext_lazy("Intended duration in weeks"), required=False, min_value=1,
        max_value=DURATION_WEEKS_MAX)
    duration_text = forms.CharField(
        label=gettext_lazy("or in your own words"), required=False, max_length=100,
        help_text=gettext_lazy("For example: only for the nights before the flight."))
    end_kind = forms.ChoiceField(label=gettext_lazy("Agreed"), choices=StarterAgreement.End.choices,
                                 widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                                 initial=StarterAgreement.End.REVIEW)
    end_on = RangedDateField(label=gettext_lazy("Stop or review date"), widget=DATE_WIDGET)
    offered = forms.MultipleChoiceField(label=gettext_lazy("Also offered"), choices=OFFERED,
                                        required=False,
                                        widget=forms.CheckboxSelectMultiple(
                                            attrs={"class": "form-check-input"}))
    offered_other = forms.CharField(label=gettext_lazy("Something else, namely"),
                                    required=False, max_length=200)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, started_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    @classmethod
    def initial_of(cls, agreement: StarterAgreement) -> dict[str, Any]:
        offered = [key for key in ("sleep_hygiene", "cbti", "poh_consult")
                   if getattr(agreement, f"offered_{key}")]
        if agreement.offered_other:
            offered.append("other")
        return {"duration_weeks": agreement.duration_weeks,
                "duration_text": agreement.duration_text, "end_kind": agreement.end_kind,
                "end_on": agreement.end_on, "offered": offered,
                "offered_other": agreement.offered_other, "note": agreement.note}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("duration_weeks") is None and not data.get("duration_text", "").strip() \
                and "duration_weeks" not in self.errors:
            self.add_error("duration_weeks", _("Give the intended duration in weeks or in "
                                               "words."))
        if problem := _after_start(data.get("end_on"), self.started_on):
            self.add_error("end_on", problem)
        offered = data.get("offered") or []
        other = data.get("offered_other", "").strip()
        if "other" in offered and not other:
            self.add_error("offered_other", _("Describe what else was offered."))
        if other and "other" not in offered:
            offered = [*offered, "other"]
        return data | {"offered": offered, "offered_other": other}

    def agreement_data(self) -> dict[str, Any]:
        """The cleaned form as the model's fields (``prevention_services.AGREEMENT_FIELDS``)."""
        data = self.cleaned_data
        offered = data["offered"]
        return {"duration_weeks": data["duration_weeks"],
                "duration_text": data["duration_text"].strip(),
                "end_kind": data["end_kind"], "end_on": data["end_on"],
                "offered_sleep_hygiene": "sleep_hygiene" in offered,
                "offered_cbti": "cbti" in offered,
                "offered_poh_consult": "poh_consult" in offered,
                "offered_other": data["offered_other"] if "other" in offered else "",
                "note": data["note"].strip()}


class NewDateForm(forms.Form):
    end_on = RangedDateField(label=gettext_lazy("New stop or review date"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, started_on: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.started_on = started_on

    def clean_end_on(self) -> date:
        end_on: date = self.cleaned_data["end_on"]
        if problem := _after_start(end_on, self.started_on):
            raise forms.ValidationError(problem)
        return end_on


SHOW_CHOICES = (
    ("", gettext_lazy("everyone on the list")),
    ("zonder-afspraak", gettext_lazy("without an agreement")),
    ("evaluatie", gettext_lazy("review due")),
    ("doorgebruik", gettext_lazy("use past the agreed date")),
)


class StarterFilterForm(forms.Form):
    huisarts = forms.TypedChoiceField(label=gettext_lazy("GP"), required=False, coerce=int,
                                      empty_value=None)
    toon = forms.ChoiceField(label=gettext_lazy("Show"), required=False, choices=SHOW_CHOICES)
    pagina = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def __init__(self, *args: Any, gps: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        huisarts = cast(forms.TypedChoiceField, self.fields["huisarts"])
        huisarts.choices = [("", _("all GPs")), *gps,
                            (NO_GP, _("no GP of the practice in the export"))]
