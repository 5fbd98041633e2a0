"""Forms of the relapse-prevention plan page (docs/domain.md#relapse-plan): one form per
phase, one for the safety agreements and the update date (with the version the page
shows), and a small formset for the people around the patient. They check and
convert; ``tapering/services/relapse.py`` saves and checks the version again under a
lock."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField

from .relapse import MAX_TEXT, PHASE_FIELDS, PHASES, Person, PlanContent

EXTRA_PEOPLE = 2  # empty rows below the people already in the plan
INPUT = forms.TextInput(attrs={"class": "form-control form-control-sm"})


def _text(label: Any) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))


class PhaseForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PHASE_FIELDS.items():
            self.fields[name] = _text(label)


class PlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    safety = forms.CharField(label=_("Safety agreements"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             help_text=_("For example: what the patient does in a crisis, "
                                         "which numbers to call, what is agreed on "
                                         "medicines at home."))
    update_on = RangedDateField(label=_("Update the plan on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date",
                                                              "class": "form-control"},
                                                       format="%Y-%m-%d"))


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), required=False, max_length=100, widget=INPUT)
    relation = forms.CharField(label=_("Relation"), required=False, max_length=100,
                               widget=INPUT)
    role = forms.CharField(label=_("Role in the plan"), required=False, max_length=500,
                           widget=INPUT)
    may_contact = forms.BooleanField(label=_("May be contacted"), required=False,
                                     widget=forms.CheckboxInput(
                                         attrs={"class": "form-check-input"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name", "").strip() and (data.get("relation", "").strip()
                                                 or data.get("role", "").strip()
                                                 or data.get("may_contact")):
            self.add_error("name", _("Give the name of this person, or empty the row."))
        return data


PeopleFormSet = forms.formset_factory(PersonForm, extra=EXTRA_PEOPLE, max_num=20,
                                      validate_max=True)


class RelapsePlanForms:
    """The page's forms together: bound to the POST, or filled with ``content``."""

    def __init__(self, data: Any = None, *, content: PlanContent | None = None,
                 version: int = 0) -> None:
        content = content or PlanContent()
        phases = content.phases_json()
        self.phases = [(key, title, PhaseForm(data, prefix=key, initial=phases[key]))
                       for key, title in PHASES.items()]
        self.plan = PlanForm(data, initial={"version": version, "safety": content.safety,
                                            "update_on": content.update_on})
        self.people = PeopleFormSet(data, prefix="people",
                                    initial=content.people_json() or None)

    def is_valid(self) -> bool:
        valid = [form.is_valid() for _key, _title, form in self.phases]
        return all(valid) & self.plan.is_valid() & self.people.is_valid()

    @property
    def has_errors(self) -> bool:
        return bool(any(form.errors for _k, _t, form in self.phases) or self.plan.errors
                    or any(self.people.errors) or self.people.non_form_errors())

    def content(self) -> PlanContent:
        """What the valid forms say."""
        return PlanContent(
            phases={key: dict(form.cleaned_data) for key, _title, form in self.phases},
            safety=self.plan.cleaned_data["safety"],
            people=tuple(Person(name=d["name"], relation=d["relation"], role=d["role"],
                                may_contact=d["may_contact"])
                         for d in self.people.cleaned_data if d.get("name", "").strip()),
            update_on=self.plan.cleaned_data["update_on"])

    @property
    def expected_version(self) -> int:
        return int(self.plan.cleaned_data["version"])
