"""Forms validate and convert; the services save (docs/architecture.md#house-style)."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.forms import DATE_WIDGET

from .models import CallAttempt, PhoneNote
from .services import booking_problem, not_due_message

A = CallAttempt


class PhoneNoteForm(forms.Form):
    called_at = forms.DateTimeField(
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
    consult_date = forms.DateField(label=_("Consult date"), required=False, widget=DATE_WIDGET)
    consult_time = forms.TimeField(label=_("Time"), required=False,
                                   widget=forms.TimeInput(attrs={"type": "time"},
                                                          format="%H:%M"))
    agreed_on = forms.DateField(label=_("Agreed day to call or ask again"), required=False,
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
