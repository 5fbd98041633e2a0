"""The admin's side of two factors (docs/security.md#two-factors).

The beheerder resets a user's second factor from the user list (a lost phone): the user
sets the app up again at the next login. django-otp's own device pages are taken out of
the admin: they would show the secret keys. The admin's login page sends to the app's
own login, so the admin is reached only through both factors.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import two_factor_reset

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_staff",
                    "two_factor_set_up")
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_totp=Exists(
            TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))

    @admin.display(description=_("Two-step verification"), boolean=True)
    def two_factor_set_up(self, user) -> bool:
        return bool(user.has_totp)

    @admin.action(description=_("Reset two-step verification (set up again at next login)"),
                  permissions=["change"])
    def reset_two_factor(self, request, queryset) -> None:
        users = list(queryset)
        for user in users:
            two_factor_reset(user=user, by=request.user)
        self.message_user(request, ngettext(
            "Two-step verification was reset for %(count)d user: at the next login they set "
            "up the app again.",
            "Two-step verification was reset for %(count)d users: at the next login they set "
            "up the app again.", len(users)) % {"count": len(users)})
