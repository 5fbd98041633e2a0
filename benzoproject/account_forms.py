"""The forms of the login steps after the password (docs/security.md#two-factors)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The code step: six digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"), max_length=40, strip=True,
        help_text=_("The six digits your authenticator app shows now, or one of your "
                    "recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}))


class SetupForm(forms.Form):
    """The setup step: the first code the app shows, to confirm it was set up right."""

    code = forms.CharField(
        label=_("Code from the app"), max_length=10, strip=True,
        help_text=_("The six digits the app shows for Benzoreductie."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}))
