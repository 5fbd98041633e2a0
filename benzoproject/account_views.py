"""The login steps after the password and the user's own account page
(docs/security.md#two-factors).

Part of the login flow, so not behind ``practice_view``: a beheerder without a practice
logs in here too. :class:`benzoproject.twofactor.TwoFactorMiddleware` lets a session that
passed only the password reach the code and setup steps and the logout, nothing else.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from patients.audit import audit_log
from patients.models import AuditEvent

from . import twofactor
from .account_forms import CodeForm, SetupForm

# The recovery codes just made, until the page that shows them once is opened.
NEW_CODES_KEY = "twofactor_new_codes"
# Below this many recovery codes left the user is told to make new ones.
FEW_CODES = 3


class LoginView(auth_views.LoginView):
    """The password step; then straight on to the code (or setup) step with ``next``."""

    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if twofactor.two_factor_required() and not twofactor.is_verified(self.request):
            return twofactor.pending_step_url(self.request.user, url)
        return url


def _next(request: HttpRequest) -> str:
    return twofactor.safe_next(request)


@never_cache
@login_required
def login_code(request: HttpRequest) -> HttpResponse:
    if twofactor.is_verified(request) or not twofactor.two_factor_required():
        return redirect(_next(request))
    if twofactor.confirmed_device(request.user) is None:
        return redirect(twofactor.pending_step_url(request.user, _next(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.second_factor_check(user=request.user,
                                                   code=form.cleaned_data["code"])
        except twofactor.SecondFactorRefused as refused:
            form.add_error("code", refused.message)
        else:
            twofactor.session_pass(request, device)
            if isinstance(device, StaticDevice):
                _recovery_code_used(request)
            return redirect(_next(request))
    return render(request, "registration/login_code.html",
                  {"form": form, "next": twofactor.safe_next(request, "")})


def _recovery_code_used(request: HttpRequest) -> None:
    left = twofactor.recovery_codes_left(request.user)
    text = ngettext("You logged in with a recovery code; it no longer works. %(count)d "
                    "recovery code is left.",
                    "You logged in with a recovery code; it no longer works. %(count)d "
                    "recovery codes are left.", left) % {"count": left}
    if left < FEW_CODES:
        text += " " + _("Make new recovery codes on your account page.")
    messages.warning(request, text)


@never_cache
@login_required
def login_setup(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is not None:
        if twofactor.is_verified(request) or not twofactor.two_factor_required():
            return redirect(_next(request))
        return redirect(twofactor.pending_step_url(request.user, _next(request)))
    device = twofactor.totp_device_for(request.user, confirmed=False)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.totp_setup_confirm(user=request.user, device=device,
                                                 code=form.cleaned_data["code"])
        except twofactor.SecondFactorRefused as refused:
            form.add_error("code", refused.message)
        else:
            twofactor.session_pass(request, device)
            request.session[NEW_CODES_KEY] = codes
            return redirect(f"{reverse('account-recovery-codes')}?"
                            f"{urlencode({'next': _next(request)})}")
    return render(request, "registration/login_setup.html", {
        "form": form, "next": twofactor.safe_next(request, ""),
        "qr_svg": twofactor.qr_svg(device), "secret": twofactor.secret_for_typing(device)})


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "account/account.html", {
        "device": twofactor.confirmed_device(request.user),
        "codes_left": twofactor.recovery_codes_left(request.user),
        "few_codes": FEW_CODES})


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once (they are not kept readable)."""
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once, right after they are "
                                 "made. Lost them? Make new ones below."))
        return redirect("account")
    return render(request, "account/recovery_codes.html",
                  {"codes": codes, "next": twofactor.safe_next(request, reverse("account"))})


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is None:
        messages.error(request, _("Set up the authenticator app first."))
        return redirect("account")
    request.session[NEW_CODES_KEY] = twofactor.recovery_codes_new(user=request.user)
    return redirect("account-recovery-codes")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change in the app's layout; written to the access log."""

    template_name = "account/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_log(user=self.request.user, action=AuditEvent.Action.CHANGE,
                  obj=self.request.user, object_type="account", detail="password changed")
        messages.success(self.request, _("Your password has been changed."))
        return response
