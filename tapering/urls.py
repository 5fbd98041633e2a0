from django.urls import path

from .views import address, callbacks

app_name = "tapering"

urlpatterns = [
    path("terugbellen/", callbacks.callbacks, name="callbacks"),
    path("terugbellen/<uuid:project_uuid>/<uuid:participation_uuid>/", callbacks.call,
         name="call"),
    path("terugbellen/<uuid:project_uuid>/<uuid:participation_uuid>/adres/",
         address.address_correct, name="address-correct"),
    path("terugbellen/<uuid:project_uuid>/<uuid:participation_uuid>/reserve/",
         callbacks.reserve_replace, name="reserve-replace"),
    path("telefoon/", callbacks.phone_note_search, name="phone-note-search"),
    path("telefoon/<uuid:project_uuid>/<uuid:participation_uuid>/", callbacks.phone_note,
         name="phone-note"),
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/", callbacks.timeline,
         name="timeline"),
    path("herinnering/<uuid:item_uuid>/klaar/", callbacks.reminder_done, name="reminder-done"),
]
