"""The access log viewer's filters (docs/security.md#reading-the-access-log).

All optional; they come from the URL so a filtered view can be bookmarked, shared with a
colleague or exported as it is. A bad value is an error on the form, in Dutch: the page
then shows no rows rather than a log that looks filtered but is not.
"""

from datetime import date
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from benzoproject.formats import format_date

from .audit import ADMIN_ROLE
from .audit_selectors import PATIENT_MATCH_LIMIT, LogFilters, log_usernames, patients_matching
from .models import AuditEvent, Practice, Role

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# No event can be older than the app; a date before this is a typing error.
LOG_FIRST_DAY = date(2000, 1, 1)


class LogFilterForm(forms.Form):
    gebruiker = forms.ChoiceField(label=_("User"), required=False)
    patient = forms.CharField(
        label=_("Patient"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("patient number or name")}))
    van = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    tot = forms.DateField(label=_("Up to and including"), required=False, widget=DATE_WIDGET)
    actie = forms.ChoiceField(label=_("Action"), required=False,
                              choices=[("", _("all actions")), *AuditEvent.Action.choices])
    rol = forms.ChoiceField(label=_("Role"), required=False,
                            choices=[("", _("all roles")), *Role.choices,
                                     (ADMIN_ROLE, _("in the admin"))])

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        users = log_usernames(practice=practice)
        field = cast(forms.ChoiceField, self.fields["gebruiker"])
        field.choices = [("", _("all users")),
                         *((username, f"{name} ({username})" if name != username else name)
                           for username, name in users)]
        self.matched: list = []

    def _in_range(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is None:
            return None
        today = timezone.localdate()
        if day < LOG_FIRST_DAY:
            raise forms.ValidationError(_("Choose a date from %(first)s.")
                                        % {"first": format_date(LOG_FIRST_DAY)})
        if day > today:
            raise forms.ValidationError(_("Choose a date no later than today (%(today)s).")
                                        % {"today": format_date(today)})
        return day

    def clean_van(self) -> date | None:
        return self._in_range("van")

    def clean_tot(self) -> date | None:
        return self._in_range("tot")

    def clean_patient(self) -> str:
        text = " ".join(self.cleaned_data["patient"].split())
        if not text:
            return ""
        if len(text) < 2:
            raise forms.ValidationError(_("Type at least two characters of the name, or the "
                                          "patient number."))
        self.matched = patients_matching(practice=self.practice, text=text)
        if not self.matched:
            raise forms.ValidationError(_("No patient of this practice has this number or "
                                          "name."))
        if len(self.matched) > PATIENT_MATCH_LIMIT:
            raise forms.ValidationError(ngettext(
                "More than %(n)s patient matches; type more of the name or the patient number.",
                "More than %(n)s patients match; type more of the name or the patient number.",
                PATIENT_MATCH_LIMIT) % {"n": PATIENT_MATCH_LIMIT})
        return text

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("van"), cleaned.get("tot")
        if since and until and since > until:
            self.add_error("tot", _("This date is before the “from” date."))
        return cleaned

    def filters(self) -> LogFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return LogFilters(
            username=data["gebruiker"], since=data["van"], until=data["tot"],
            patients=tuple(self.matched) if data["patient"] else None,
            action=data["actie"], role=data["rol"])
