from django.urls import path

from . import address, views

app_name = "tapering"

urlpatterns = [
    path("terugbellen/", views.callbacks, name="callbacks"),
    path("terugbellen/<uuid:project_uuid>/<uuid:participation_uuid>/", views.call,
         name="call"),
    path("terugbellen/<uuid:project_uuid>/<uuid:participation_uuid>/adres/",
         address.address_correct, name="address-correct"),
    path("terugbellen/<uuid:project_uuid>/<uuid:participation_uuid>/reserve/",
         views.reserve_replace, name="reserve-replace"),
    path("telefoon/", views.phone_note_search, name="phone-note-search"),
    path("telefoon/<uuid:project_uuid>/<uuid:participation_uuid>/", views.phone_note,
         name="phone-note"),
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/", views.timeline,
         name="timeline"),
    path("herinnering/<uuid:item_uuid>/klaar/", views.reminder_done, name="reminder-done"),
]
