"""Forms validate and convert; the services save (docs/architecture.md#house-style)."""

from datetime import datetime
from decimal import Decimal
from typing import cast

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField, RangedDateTimeField
from patients.forms import DATE_WIDGET

from .models import CallAttempt, PhoneNote
from .plans import PlanChoice
from .schedule import mg_text
from .services import booking_problem, not_due_message

A = CallAttempt


class PhoneNoteForm(forms.Form):
    called_at = RangedDateTimeField(
        label=_("Called at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                         format="%Y-%m-%dT%H:%M"))
    caller = forms.ChoiceField(label=_("Who called"), choices=PhoneNote.Caller.choices,
                               widget=forms.RadioSelect, initial=PhoneNote.Caller.PATIENT)
    wish = forms.ChoiceField(label=_("What they want"), choices=PhoneNote.Wish.choices,
                             widget=forms.RadioSelect)
    callback_phone = forms.CharField(label=_("Call back on (if not the known number)"),
                                     max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_called_at(self):
        value = self.cleaned_data["called_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("A call cannot be in the future."))
        return value


class CallAttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=A.Outcome.choices,
                                widget=forms.RadioSelect)
    response = forms.ChoiceField(label=_("Response of the patient"), required=False,
                                 choices=A.Response.choices, widget=forms.RadioSelect)
    next_step = forms.ChoiceField(label=_("Next step"), required=False,
                                  choices=A.Next.choices, widget=forms.RadioSelect)
    consult_date = RangedDateField(label=_("Consult date"), required=False, widget=DATE_WIDGET)
    consult_time = forms.TimeField(label=_("Time"), required=False,
                                   widget=forms.TimeInput(attrs={"type": "time"},
                                                          format="%H:%M"))
    agreed_on = RangedDateField(label=_("Agreed day to call or ask again"), required=False,
                                widget=DATE_WIDGET,
                                help_text=_("Empty: after the project's standard period."))
    minutes = forms.IntegerField(label=_("Minutes spent"), required=False, min_value=0,
                                 max_value=240)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    call_now = forms.BooleanField(label=_("Call now anyway"), required=False)

    def __init__(self, *args, today=None, due_from=None, **kwargs):
        """``due_from``: the planned day of a patient not yet due (docs/domain.md, step 6)."""
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.due_from = due_from

    def clean(self):
        data = super().clean()
        if self.due_from is not None and not data.get("call_now"):
            raise forms.ValidationError(not_due_message(self.due_from), code="not_due")
        if data.get("outcome") != A.Outcome.REACHED:
            return data
        if not data.get("response"):
            self.add_error("response", _("Choose what the patient said."))
        step = data.get("next_step")
        if not step:
            self.add_error("next_step", _("Choose the next step."))
        if step == A.Next.CONSULT:
            if not data.get("consult_date") or not data.get("consult_time"):
                self.add_error("consult_date", _("Give the date and time of the consult."))
            else:
                at = timezone.make_aware(datetime.combine(data["consult_date"],
                                                          data["consult_time"]))
                problem = booking_problem(at=at, today=self.today)
                if problem:
                    self.add_error("consult_date", problem)
                else:
                    data["consult_at"] = at
        if step in (A.Next.CALL_LATER, A.Next.DECLINED) and data.get("agreed_on") and \
                data["agreed_on"] <= self.today:
            self.add_error("agreed_on", _("The agreed day must be after today."))
        return data


# --- Tapering schedules (docs/domain.md, step 7 and #tapering-schedules) -------------------


class CommaDecimalField(forms.DecimalField):
    """A decimal typed the Dutch way (7,5) or the browser's way (7.5)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


PRESETS = [
    ("nhg", _("NHG")),
    ("deprescribing", _("deprescribing.org")),
    ("slow", _("Slow")),
]
# One line each under the choice (docs/domain.md#tapering-schedules).
PRESET_HELP = {
    "nhg": _("Switch to diazepam and stay on that dose for a week; then a quarter of the "
             "starting dose less each week."),
    "deprescribing": _("A quarter of the starting dose less every two weeks; smaller steps "
                       "(an eighth) near the end."),
    "slow": _("A tenth of the current dose less every two to four weeks."),
}
SLOW_INTERVAL = (14, 28)  # days: "every 2 to 4 weeks"


class ScheduleForm(forms.Form):
    """The plan of a tapering schedule. ``products`` are the choosable products
    (``selectors.product_options``); ``preview`` skips what only saving needs. A form
    shown for a schedule in force carries its version number (0: none), and then needs
    a reason."""

    atc = forms.ChoiceField(label=_("Product"))
    strength_mg = CommaDecimalField(label=_("Tablet strength (mg)"), max_digits=8,
                                    decimal_places=3)
    dose_mg = CommaDecimalField(label=_("Current daily dose (mg)"), max_digits=8,
                                decimal_places=3, min_value=Decimal("0.01"))
    preset = forms.ChoiceField(label=_("Way of tapering"), choices=PRESETS,
                               widget=forms.RadioSelect, initial="nhg")
    switch_diazepam = forms.BooleanField(label=_("Switch to diazepam first"), required=False,
                                         initial=True)
    start = RangedDateField(label=_("Start date"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))
    step_percent = CommaDecimalField(
        label=_("Own step (percent less each time)"), required=False, max_digits=5,
        decimal_places=2, min_value=Decimal(1), max_value=Decimal(50),
        help_text=_("Empty: the step of the chosen way."))
    interval_days = forms.IntegerField(
        label=_("Own interval (days between steps)"), required=False, min_value=1,
        max_value=84, help_text=_("Empty: the interval of the chosen way."))
    final_small_step = forms.BooleanField(
        label=_("An extra step at 12.5 percent before stopping"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    replace = forms.BooleanField(
        label=_("Start a new schedule instead of changing this one"), required=False,
        help_text=_("The current schedule ends and stays readable under earlier versions."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, products, preview: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {p.atc: p for p in products}
        cast(forms.ChoiceField, self.fields["atc"]).choices = [
            (p.atc, f"{p.name} ({p.atc})") for p in products]
        self.preview = preview

    def clean(self):
        data = super().clean()
        product = self.products.get(data.get("atc", ""))
        strength = data.get("strength_mg")
        if product is not None and strength is not None and strength not in product.strengths_mg:
            self.add_error("strength_mg", _(
                "%(name)s is sold in %(strengths)s mg; choose one of these strengths.") % {
                "name": product.name,
                "strengths": ", ".join(mg_text(s) for s in product.strengths_mg)})
        interval = data.get("interval_days")
        low, high = SLOW_INTERVAL
        if data.get("preset") == "slow" and interval is not None and not low <= interval <= high:
            self.add_error("interval_days", _(
                "The slow way takes a step every %(low)s to %(high)s days.") % {
                "low": low, "high": high})
        if data.get("preset") != "nhg":
            data["final_small_step"] = False
        data["reason"] = " ".join(data.get("reason", "").split())
        if data.get("version") and not self.preview and not data["reason"]:
            self.add_error("reason", _("Give the reason for the change."))
        return data

    def choice(self) -> PlanChoice:
        data = self.cleaned_data
        return PlanChoice(atc=data["atc"], strength_mg=data["strength_mg"],
                          dose_mg=data["dose_mg"], preset=data["preset"], start=data["start"],
                          switch_diazepam=data["switch_diazepam"],
                          step_percent=data["step_percent"],
                          interval_days=data["interval_days"],
                          final_small_step=data["final_small_step"])


class AdjustForm(forms.Form):
    """Hold, repeat or go one step back, with a reason (docs/domain.md#tapering-schedules)."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold this step longer")
        REPEAT = "repeat", _("Repeat this step")
        BACK = "back", _("One step back")

    action = forms.ChoiceField(choices=Action.choices, widget=forms.RadioSelect,
                               label=_("What to do"))
    step = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    days = forms.IntegerField(label=_("Days longer"), required=False, min_value=1,
                              max_value=56, initial=7)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.Action.HOLD and not data.get("days"):
            self.add_error("days", _("How many days longer?"))
        return data


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
