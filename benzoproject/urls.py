from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import account_views, views

admin.site.site_header = _("Benzoreductie – management")
admin.site.site_title = _("Benzoreductie")
admin.site.index_title = _("Accounts and practices")

urlpatterns = [
    path("", views.home, name="home"),
    path("praktijk/wisselen/", views.practice_switch, name="practice-switch"),
    # The password, then the second factor (docs/security.md#two-factors).
    path("inloggen/", account_views.LoginView.as_view(), name="login"),
    path("inloggen/code/", account_views.login_code, name="login-code"),
    path("inloggen/instellen/", account_views.login_setup, name="login-setup"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("mijn-account/", account_views.account, name="account"),
    path("mijn-account/wachtwoord/", account_views.PasswordChangeView.as_view(),
         name="account-password"),
    path("mijn-account/herstelcodes/", account_views.recovery_codes,
         name="account-recovery-codes"),
    path("mijn-account/herstelcodes/nieuw/", account_views.recovery_codes_new,
         name="account-recovery-codes-new"),
    path("beheer/", admin.site.urls),
    path("", include("patients.urls")),
    path("brieven/", include("letters.urls")),
    path("afbouw/", include("tapering.urls")),
    path("monitoring/", include("monitoring.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
