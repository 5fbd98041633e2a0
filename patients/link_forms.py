"""The forms of the links page (docs/domain.md#his-and-pharmacy): they validate and find
the patients; the services in ``patients/link_services.py`` decide."""

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import date_problem

from .models import Patient, Practice

EARLIEST_BIRTH = date(1900, 1, 1)  # a date of birth is older than the app's other dates
DATE_LIKE = re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$|^\d{4}-\d{1,2}-\d{1,2}$")


class LinkPairForm(forms.Form):
    """One HIS patient and one pharmacy patient of the practice, by their uuids."""

    his = forms.UUIDField(error_messages={"invalid": _("Choose a patient from the list."),
                                          "required": _("Choose a patient from the list.")})
    apotheek = forms.UUIDField(error_messages={
        "invalid": _("Choose a patient from the list."),
        "required": _("Choose a patient from the list.")})

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice

    def _patient(self, field: str, source: str) -> Patient:
        patient = Patient.objects.filter(practice=self.practice, source=source,
                                         uuid=self.cleaned_data[field]).first()
        if patient is None:
            raise forms.ValidationError(_("This patient is not (or no longer) in the "
                                          "practice's data."))
        return patient

    def clean_his(self) -> Patient:
        return self._patient("his", Patient.Source.HIS)

    def clean_apotheek(self) -> Patient:
        return self._patient("apotheek", Patient.Source.APOTHEEK)

    def first_error(self) -> str:
        return str(next(iter(e for errors in self.errors.values() for e in errors)))


class LinkSearchForm(forms.Form):
    """The manual link's search: a patient number, part of a surname, or a date of birth
    (dd-mm-jjjj)."""

    zoek = forms.CharField(label=_("Number, surname or date of birth"), required=False,
                           max_length=100, strip=True)

    def clean_zoek(self) -> str:
        term = self.cleaned_data["zoek"]
        if term and not DATE_LIKE.match(term) and len(term) < 2:
            raise forms.ValidationError(_("Type at least two characters, a patient number "
                                          "or a date of birth (dd-mm-jjjj)."))
        return term

    def criteria(self) -> dict:
        """The selector's arguments: ``term`` or ``birth_date``; empty when not valid."""
        if not self.is_valid() or not self.cleaned_data["zoek"]:
            return {}
        term = self.cleaned_data["zoek"]
        if DATE_LIKE.match(term):
            try:
                day = forms.DateField().clean(term)
            except forms.ValidationError as error:
                self.add_error("zoek", error)
                return {}
            problem = date_problem(day, earliest=EARLIEST_BIRTH, latest=timezone.localdate())
            if problem:
                self.add_error("zoek", problem)
                return {}
            return {"birth_date": day}
        return {"term": term}
