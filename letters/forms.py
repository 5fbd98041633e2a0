"""Forms validate and convert; the services save (docs/architecture.md#house-style)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benzoproject.validation import RangedDateField
from patients.models import Participation

from . import text
from .images import (
    LOGO_MAX_BYTES,
    SIGNATURE_MAX_BYTES,
    CheckedImage,
    ImageKind,
    ImageRefused,
    image_check,
    too_large,
)
from .models import LetterKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RUN_KINDS = [(LetterKind.STOP, _("stop letters")), (LetterKind.INVITATION, _("invitations")),
             (LetterKind.RESEND, _("letters to send again"))]


class RunCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=RUN_KINDS, initial=LetterKind.STOP)


class MarkMailedForm(forms.Form):
    mailed_on = RangedDateField(label=_("Mailed on"), widget=DATE_WIDGET,
                                error_messages={"required": _("Fill in the date of mailing."),
                                                "invalid": _("Fill in a valid date.")})
    minutes = forms.IntegerField(
        label=_("Minutes spent"), required=False, min_value=0, max_value=1000,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric",
                                        "style": "max-width: 7rem"}),
        error_messages={"invalid": _("Fill in the minutes as a whole number."),
                        "min_value": _("The minutes cannot be below 0."),
                        "max_value": _("At most %(limit_value)s minutes.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["mailed_on"].widget.attrs["max"] = today.isoformat()
        self.initial.setdefault("mailed_on", today)


class ResendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. never received the letter")}),
        error_messages={"required": _("Give a reason, e.g. “never received the letter”.")})


class LetterTextForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"}))
    preview_for = forms.ModelChoiceField(
        label=_("Preview for"), queryset=Participation.objects.none(), required=False,
        empty_label=_("an example patient (made up)"),
        widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, participations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if participations is not None:
            self.fields["preview_for"].queryset = participations
        self.fields["preview_for"].label_from_instance = (
            lambda p: f"{p.patient.display_name} – {p.project.name}")

    def clean_subject(self):
        return self._check(self.cleaned_data["subject"])

    def clean_body(self):
        return self._check(self.cleaned_data["body"].replace("\r\n", "\n"))

    @staticmethod
    def _check(value: str) -> str:
        try:
            text.check_placeholders(value)
        except text.UnknownPlaceholders as unknown:
            raise forms.ValidationError(unknown.message) from unknown
        return value


class ImageForm(forms.Form):
    """An uploaded logo or signature, checked (``cleaned_data['image']`` is a CheckedImage)."""

    kind: ImageKind
    max_bytes = 0
    image = forms.FileField(label=_("Image file (PNG, JPEG or SVG)"),
                            error_messages={"required": _("Choose a file."),
                                            "empty": _("The file is empty.")})

    def clean_image(self) -> CheckedImage:
        upload = self.cleaned_data["image"]
        if upload.size > self.max_bytes:  # refused before it is read into memory
            raise forms.ValidationError(too_large(upload.size, kind=self.kind,
                                                  max_bytes=self.max_bytes))
        data = upload.read()
        try:
            return image_check(data, kind=self.kind, max_bytes=self.max_bytes)
        except ImageRefused as refused:
            raise forms.ValidationError(refused.message) from refused


class LogoForm(ImageForm):
    kind = "logo"
    max_bytes = LOGO_MAX_BYTES


class SignatureForm(ImageForm):
    kind = "signature"
    max_bytes = SIGNATURE_MAX_BYTES
