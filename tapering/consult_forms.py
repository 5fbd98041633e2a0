"""Forms of the consult pages (docs/domain.md, step 7): they check and convert; the services in
``tapering/services/consultations.py`` save and check again under a lock."""

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField
from patients.forms import DATE_WIDGET

from .models import Consultation
from .services import Outcome, ask_again_problem, booking_problem, contact_time_problem

C = Consultation
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # nosec B101 - type narrowing of a declared field
    field.choices = choices


def _moment(day: date | None, at: Any) -> datetime | None:
    if day is None or at is None:
        return None
    return timezone.make_aware(datetime.combine(day, at))


def _booking(form: forms.Form, data: dict[str, Any], date_field: str,
             time_field: str) -> datetime | None:
    """The moment a date and a time field give, checked against the booking limits (the
    problem, if any, is put on the date field)."""
    moment = _moment(data.get(date_field), data.get(time_field))
    if moment is not None:
        problem = booking_problem(at=moment, today=form.today)  # type: ignore[attr-defined]
        if problem:
            form.add_error(date_field, problem)
    return moment


class _HolderMixin:
    """A choice of who holds the consult: the practice's POH-GGZ and GPs."""

    fields: dict[str, forms.Field]

    def _set_holders(self, holders: list[tuple[Any, str]]) -> None:
        self._holders = {str(user.pk): user for user, _label in holders}
        self.fields["held_by"].choices = [  # type: ignore[attr-defined]
            (str(user.pk), label) for user, label in holders]

    def clean_held_by(self) -> Any:
        value = self.cleaned_data["held_by"]  # type: ignore[attr-defined]
        return self._holders[value]


class ConsultOutcomeForm(_HolderMixin, forms.Form):
    """A consult held: who held it, the time it took, who came along, notes, next step."""

    held_by = forms.ChoiceField(label=_("Held by"))
    minutes = forms.IntegerField(label=_("Minutes spent"), required=False, min_value=0,
                                 max_value=480)
    relatives_present = forms.BooleanField(label=_("Relatives were present"), required=False)
    relatives_who = forms.CharField(label=_("Who came along"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    # Every next step is accepted here; the page offers those that fit the patient's status
    # (``offered_steps``) and the service checks the fit under its lock, so a page gone stale
    # gets the service's message rather than a bare "not a valid choice".
    next_step = forms.ChoiceField(label=_("Agreed next step"), widget=forms.RadioSelect,
                                  choices=C.Next.choices,
                                  error_messages={"required": _("Choose the agreed next step.")})
    ask_again_on = RangedDateField(label=_("Ask again on"), required=False, widget=DATE_WIDGET,
                                   help_text=_("Empty: after the project's standard period."))
    refer_to = forms.ChoiceField(label=_("Referred to"), required=False,
                                 choices=C.Referral.choices, widget=forms.RadioSelect)
    refer_note = forms.CharField(label=_("Referral note"), max_length=500, required=False)

    def __init__(self, *args: Any, holders: list[tuple[Any, str]], next_steps: tuple[str, ...],
                 today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today
        self._set_holders(holders)
        self.offered_steps = [(step, C.Next(step).label) for step in next_steps]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        step = data.get("next_step")
        if step == C.Next.NOT_NOW and data.get("ask_again_on"):
            problem = ask_again_problem(day=data["ask_again_on"], today=self.today)
            if problem:
                self.add_error("ask_again_on", problem)
        if step == C.Next.REFER:
            if not data.get("refer_to"):
                self.add_error("refer_to", _("Choose where the patient is referred to."))
            elif data["refer_to"] == C.Referral.OTHER and not data.get("refer_note", "").strip():
                self.add_error("refer_note", _("Say where the patient is referred to."))
        return data

    def outcome(self) -> Outcome:
        data = self.cleaned_data
        return Outcome(next_step=data["next_step"], held_by=data["held_by"],
                       minutes=data["minutes"], relatives_present=data["relatives_present"],
                       relatives_who=data["relatives_who"], notes=data["notes"],
                       ask_again_on=data["ask_again_on"], refer_to=data["refer_to"],
                       refer_note=data["refer_note"])


class ContactForm(ConsultOutcomeForm):
    """A contact that already took place, recorded in one step (a phone call just now)."""

    kind = forms.ChoiceField(label=_("Kind"), widget=forms.RadioSelect)
    contact_date = RangedDateField(label=_("Date"), widget=DATE_WIDGET)
    contact_time = forms.TimeField(label=_("Time"), widget=TIME_WIDGET)

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_choices(self, "kind", [(kind, C.Kind(kind).label) for kind in kinds])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        at = _moment(data.get("contact_date"), data.get("contact_time"))
        if at is not None:
            problem = contact_time_problem(at=at, now=timezone.now())
            if problem:
                self.add_error("contact_date", problem)
            data["at"] = at
        return data


class ConsultPlanForm(_HolderMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), widget=forms.RadioSelect)
    consult_date = RangedDateField(label=_("Date"), widget=DATE_WIDGET)
    consult_time = forms.TimeField(label=_("Time"), widget=TIME_WIDGET)
    held_by = forms.ChoiceField(label=_("Held by"))

    def __init__(self, *args: Any, kinds: tuple[str, ...], holders: list[tuple[Any, str]],
                 today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today
        self._set_holders(holders)
        _set_choices(self, "kind", [(kind, C.Kind(kind).label) for kind in kinds])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["at"] = _booking(self, data, "consult_date", "consult_time")
        return data


class NoShowForm(forms.Form):
    """The patient did not come; a new date and time, when agreed, rebooks at once."""

    rebook_date = RangedDateField(label=_("New date"), required=False, widget=DATE_WIDGET)
    rebook_time = forms.TimeField(label=_("Time"), required=False, widget=TIME_WIDGET)

    def __init__(self, *args: Any, today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, at = data.get("rebook_date"), data.get("rebook_time")
        if (day is None) != (at is None) and not self.errors:
            self.add_error("rebook_date", _("Give both the date and the time of the new consult, "
                                            "or neither."))
        data["rebook_at"] = _booking(self, data, "rebook_date", "rebook_time")
        return data


class RebookForm(NoShowForm):
    """A new date and time for a no-show: both required."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("rebook_date", "rebook_time"):
            self.fields[name].required = True


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300,
                             error_messages={"required": _("Give the reason for cancelling.")})
