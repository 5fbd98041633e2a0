"""Forms validate and convert; the services save (docs/architecture.md#house-style)."""

import re
from datetime import date
from typing import cast

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField

from .differences import DifferenceKind
from .models import (
    WAIT_DAYS_MESSAGE,
    ExclusionReason,
    GroslijstSource,
    Patient,
    PlanStep,
    Practice,
    Project,
    Role,
    ScreeningDecision,
)
from .plan_defaults import default_planned_end
from .selectors import practice_gps, projects_open

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROJECT_MAX_MONTHS = 15  # the plan of approach runs to month 15
# The project's call-back rules (docs/domain.md, step 6); the model's validators give the ranges.
CALLBACK_FIELDS = ("call_attempts_max", "call_retry_workdays", "call_later_months",
                   "callbacks_per_week")


def members(practice: Practice, role: str):
    return (
        get_user_model()
        .objects.filter(memberships__practice=practice, memberships__role=role, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


class UserChoiceMixin:
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class UserChoiceField(UserChoiceMixin, forms.ModelChoiceField):
    pass


class UserMultipleChoiceField(UserChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class ProjectForm(forms.ModelForm):
    lead = UserChoiceField(queryset=None, label=_("Project lead (POH-GGZ)"))
    gps = UserMultipleChoiceField(queryset=None, label=_("GPs"), required=False,
                                  widget=forms.CheckboxSelectMultiple)
    assistants = UserMultipleChoiceField(queryset=None, label=_("Assistants"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Project
        fields = ["name", "lead", "gps", "assistants", "planned_start", "planned_end",
                  "evaluation_months", "wait_days", "letter_target", "reserve_target",
                  "criterion", "groslijst_source", "ddd_threshold", "status",
                  *CALLBACK_FIELDS]
        widgets = {"planned_start": DATE_WIDGET, "planned_end": DATE_WIDGET}
        field_classes = {"planned_start": RangedDateField, "planned_end": RangedDateField}
        help_texts = {
            "groslijst_source": _("Which prescriptions make the groslijst: the HIS's, the "
                                  "pharmacy's, or both combined (a linked patient counts "
                                  "once, and a dispensing of a HIS prescription is not "
                                  "counted again)."),
            "planned_start": _("The guide advises a start in September or January."),
            # patients/plan_defaults.py, FINAL_EVALUATION_MONTHS
            "planned_end": _("The final evaluation falls in project months 9 to 12; by "
                             "default the project ends with month 12."),
            "call_attempts_max": _("How often the patient is called before counting as not "
                                   "reached; 1 to 10."),
            "call_retry_workdays": _("The next attempt is due this many working days later; "
                                     "1 to 20."),
            "call_later_months": _("The day proposed for 'call again later' when no day is "
                                   "agreed; 1 to 12 months."),
            "callbacks_per_week": _("Spreads the call-backs over the weeks: at most this many "
                                    "patients enter the call-back list per week. 0 or empty = "
                                    "no limit."),
            # docs/domain.md#capacity-planning: the target is per batch.
            "letter_target": _("Letters per batch: the mailing list fills up to this number "
                               "each time; letters already sent do not count. The capacity "
                               "planner proposes it."),
        }

    def __init__(self, *args, practice: Practice, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        lead = cast(forms.ModelChoiceField, self.fields["lead"])
        lead.queryset = members(practice, Role.POH_GGZ)
        cast(forms.ModelMultipleChoiceField, self.fields["gps"]).queryset = members(
            practice, Role.HUISARTS)
        cast(forms.ModelMultipleChoiceField, self.fields["assistants"]).queryset = members(
            practice, Role.ASSISTENT)
        self.fields["callbacks_per_week"].required = False
        self.fields["evaluation_months"].required = False  # empty: the default, 12
        # Empty: the project's current source (a new project: both combined).
        self.fields["groslijst_source"].required = False
        # The model's own message, not the generic one (docs/domain.md, step 5).
        self.fields["wait_days"].error_messages["min_value"] = WAIT_DAYS_MESSAGE
        if not self.instance.pk:
            today = timezone.localdate()
            self.initial.setdefault("planned_start", today)
            self.initial.setdefault("planned_end", default_planned_end(today))
            if user is not None and members(practice, Role.POH_GGZ).filter(pk=user.pk).exists():
                self.initial.setdefault("lead", user.pk)

    def clean_evaluation_months(self) -> int:
        return self.cleaned_data["evaluation_months"] or Project.EvaluationMonths.TWELVE

    def clean_groslijst_source(self) -> str:
        return (self.cleaned_data["groslijst_source"] or self.instance.groslijst_source
                or GroslijstSource.COMBINED)

    def clean_callbacks_per_week(self) -> int:
        return self.cleaned_data["callbacks_per_week"] or 0  # empty: no limit

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end:
            if end <= start:
                self.add_error("planned_end", _("The end must come after the start."))
            elif end > start + relativedelta(months=PROJECT_MAX_MONTHS):
                self.add_error("planned_end",
                               _("A project runs at most 15 months (the plan of approach)."))
        return cleaned

    def service_data(self) -> dict:
        """The model fields for the service, without the many-to-many lists."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("gps", "assistants")}


class PlanStepForm(forms.ModelForm):
    class Meta:
        model = PlanStep
        fields = ["month", "what", "how", "who", "milestone"]
        widgets = {"how": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"month": _("Project month 1 to 15; month 1 is the month of the start."),
                      "milestone": _("The app checks the step off on the day this happens. "
                                     "Leave empty for a step the app cannot see done.")}


class GpNameForm(forms.Form):
    """Which of the practice's GP users an export's GP name stands for (empty: none)."""

    gp = UserChoiceField(queryset=None, required=False, label=_("GP"),
                         empty_label=_("none of our GPs (e.g. a locum)"),
                         widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["gp"]).queryset = practice_gps(
            practice=practice)


class PlanStepDoneForm(forms.Form):
    done_on = RangedDateField(label=_("Done on"), widget=DATE_WIDGET)

    def clean_done_on(self) -> date:
        done_on = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(_("A step cannot be done on a date in the future."))
        return done_on


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export file"),
        help_text=_("A CSV export from the GP information system or the pharmacy's list of "
                    "dispensings."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload


class GroslijstForm(forms.Form):
    """The groslijst's reference date, criterion, filters and sorting (all optional)."""

    SORTS = {
        "nummer": "number", "naam": "name", "huisarts": "gp_name", "eenheden": "units_12m",
        "ddd": "ddd_per_day", "laatste": "last_date",
    }

    peildatum = RangedDateField(label=_("Reference date"), required=False, widget=DATE_WIDGET)
    criterium = forms.ChoiceField(label=_("Criterion"), required=False,
                                  choices=Project.Criterion.choices)
    huisarts = forms.CharField(label=_("GP"), required=False)
    zoek = forms.CharField(label=_("Search"), required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("name or number")}))
    complex = forms.BooleanField(label=_("only complex comedication"), required=False)
    hoge_ddd = forms.BooleanField(label=_("only above the DDD limit"), required=False)
    alle = forms.BooleanField(label=_("also users who meet no criterion"), required=False)
    uitgesloten = forms.BooleanField(
        label=_("also patients excluded earlier for a lasting reason"), required=False)
    drempel = forms.ChoiceField(label=_("DDD per day limit"), required=False,
                                choices=[("1", "1"), ("2", "2")])
    bron = forms.ChoiceField(label=_("Prescriptions from"), required=False,
                             choices=GroslijstSource.choices)
    sorteer = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS] +
                                [("-" + k, "-" + k) for k in SORTS])

    def __init__(self, *args, source: str = GroslijstSource.COMBINED, **kwargs):
        super().__init__(*args, **kwargs)
        self.source_default = source  # the active project's, or both combined
        self.fields["bron"].initial = source

    def values(self) -> dict:
        """The cleaned values, with the default for every empty or invalid one.

        A bad value (a date like 31-02) is shown as an error on the form while
        the page still shows the list for the default.
        """
        defaults = {"bron": self.source_default, "peildatum": timezone.localdate(),
                    "criterium": Project.Criterion.RECENT_AND_PAST, "huisarts": "", "zoek": "",
                    "complex": False, "hoge_ddd": False, "alle": False, "uitgesloten": False,
                    "drempel": "1",
                    "sorteer": "nummer"}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or default for name, default in defaults.items()}


class ToScreeningForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("Project"),
                                     empty_label=_("Choose a project"))
    patients = forms.ModelMultipleChoiceField(
        queryset=Patient.objects.none(), to_field_name="uuid", error_messages={
            "required": _("Tick at least one patient on the list.")})
    peildatum = RangedDateField()

    def __init__(self, *args, practice: Practice, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = projects_open(
            practice=practice)
        cast(forms.ModelMultipleChoiceField, self.fields["patients"]).queryset = (
            Patient.objects.filter(practice=practice))


class ScreeningForm(forms.Form):
    """The GP's decision, or the POH-GGZ's proposal, on one patient (docs/domain.md, step 3)."""

    decision = forms.ChoiceField(choices=ScreeningDecision.Decision.choices,
                                 label=_("Decision"))
    reason = forms.ChoiceField(choices=[("", "—"), *ExclusionReason.choices], required=False,
                               label=_("Reason"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"),
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == ScreeningDecision.Decision.EXCLUDE:
            if not data.get("reason"):
                self.add_error("reason", _("Choose a reason for not approaching this patient."))
            elif data["reason"] == ExclusionReason.OTHER and not data.get("note", "").strip():
                self.add_error("note", _("Describe the other reason in the note."))
        else:
            data["reason"] = ""
        return data


POSTCODE = re.compile(r"^([1-9]\d{3})\s*([A-Za-z]{2})$")
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")


class PatientAddressForm(forms.Form):
    """A postal address corrected in the app (the call-back screen); Dutch postcodes
    are written as the import writes them: '1234 AB'."""

    street = forms.CharField(label=_("Street"), max_length=200,
                             error_messages={"required": _("Fill in the street.")})
    house_number = forms.CharField(label=_("House number"), max_length=30,
                                   error_messages={"required": _("Fill in the house number.")})
    postcode = forms.CharField(label=_("Postcode"), max_length=10,
                               error_messages={"required": _("Fill in the postcode.")})
    city = forms.CharField(label=_("City"), max_length=100,
                           error_messages={"required": _("Fill in the city.")})

    def clean_postcode(self) -> str:
        match = POSTCODE.match(self.cleaned_data["postcode"].strip())
        if match is None:
            raise forms.ValidationError(_("Fill in a Dutch postcode: four digits and two "
                                          "letters, e.g. 1234 AB."))
        return f"{match.group(1)} {match.group(2).upper()}"

    def clean(self):
        data = super().clean()
        return {name: " ".join(value.split()) if isinstance(value, str) else value
                for name, value in data.items()}


class DifferencesForm(forms.Form):
    """The filters of the HIS-versus-pharmacy differences (docs/domain.md#his-and-pharmacy);
    all optional. A bad value is shown as an error and the filter left out."""

    soort = forms.ChoiceField(label=_("Kind"), required=False,
                              choices=[("", _("both kinds")), *DifferenceKind.choices])
    huisarts = forms.CharField(label=_("GP"), required=False, max_length=100)
    middel = forms.CharField(label=_("Substance"), required=False, max_length=7)
    van = RangedDateField(label=_("From"), required=False, widget=DATE_WIDGET)
    tot = RangedDateField(label=_("Up to and including"), required=False, widget=DATE_WIDGET)
    zoek = forms.CharField(label=_("Search"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("name or number")}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and start > end:
            self.add_error("tot", _("The end of the period lies before its start."))
        return cleaned

    def values(self) -> dict:
        """The cleaned values; an empty or invalid one is no filter."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or None for name in self.fields}
