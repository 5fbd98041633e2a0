from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Benzoreductie – management")
admin.site.site_title = _("Benzoreductie")
admin.site.index_title = _("Accounts and practices")

urlpatterns = [
    path("", views.home, name="home"),
    path("praktijk/wisselen/", views.practice_switch, name="practice-switch"),
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("beheer/", admin.site.urls),
    path("", include("patients.urls")),
    path("brieven/", include("letters.urls")),
    path("afbouw/", include("tapering.urls")),
    path("monitoring/", include("monitoring.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
