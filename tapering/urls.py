from django.urls import path

from .views import (
    address,
    callbacks,
    consultations,
    outcomes,
    questionnaires,
    relapse,
    relatives,
    schedules,
)

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
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/uitkomst/",
         outcomes.outcome_set, name="outcome"),
    # Relatives and hand-outs (docs/domain.md#relatives).
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/naaste/",
         relatives.relative_add, name="relative-add"),
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/naaste/<uuid:relative_uuid>/"
         "verwijderen/", relatives.relative_remove, name="relative-remove"),
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/meegegeven/",
         relatives.hand_out_add, name="hand-out-add"),
    path("tijdlijn/<uuid:project_uuid>/<uuid:participation_uuid>/meegegeven/"
         "<uuid:hand_out_uuid>/verwijderen/", relatives.hand_out_remove, name="hand-out-remove"),
    # Consultations (docs/domain.md, step 7).
    path("consult/<uuid:project_uuid>/<uuid:participation_uuid>/plannen/",
         consultations.consult_plan, name="consult-plan"),
    path("consult/<uuid:project_uuid>/<uuid:participation_uuid>/vastleggen/",
         consultations.consult_record_contact, name="consult-record-contact"),
    path("consult/<uuid:project_uuid>/<uuid:participation_uuid>/<uuid:consult_uuid>/",
         consultations.consult, name="consult"),
    path("consult/<uuid:project_uuid>/<uuid:participation_uuid>/<uuid:consult_uuid>/"
         "niet-gekomen/", consultations.consult_no_show, name="consult-no-show"),
    path("consult/<uuid:project_uuid>/<uuid:participation_uuid>/<uuid:consult_uuid>/"
         "opnieuw-plannen/", consultations.consult_rebook, name="consult-rebook"),
    path("consult/<uuid:project_uuid>/<uuid:participation_uuid>/<uuid:consult_uuid>/"
         "annuleren/", consultations.consult_cancel, name="consult-cancel"),
    # Tapering schedules (docs/domain.md, step 7).
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/",
         schedules.schedule_detail, name="schedule"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/maken/",
         schedules.schedule_new, name="schedule-new"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/voorbeeld/",
         schedules.schedule_preview, name="schedule-preview"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/aanpassen/",
         schedules.schedule_adjust, name="schedule-adjust"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/bevestigen/",
         schedules.schedule_confirm, name="schedule-confirm"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/afdrukken/",
         schedules.schedule_print, name="schedule-print"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/versie/<uuid:version_uuid>/",
         schedules.schedule_version, name="schedule-version"),
    # The relapse-prevention plan (docs/domain.md#relapse-plan).
    path("terugvalpreventie/<uuid:project_uuid>/<uuid:participation_uuid>/",
         relapse.relapse_plan, name="relapse-plan"),
    path("terugvalpreventie/<uuid:project_uuid>/<uuid:participation_uuid>/bewerken/",
         relapse.relapse_plan_edit, name="relapse-plan-edit"),
    path("terugvalpreventie/<uuid:project_uuid>/<uuid:participation_uuid>/besproken/",
         relapse.relapse_plan_review, name="relapse-plan-review"),
    path("terugvalpreventie/<uuid:project_uuid>/<uuid:participation_uuid>/afdrukken/",
         relapse.relapse_plan_print, name="relapse-plan-print"),
    path("terugvalpreventie/<uuid:project_uuid>/<uuid:participation_uuid>/versie/"
         "<uuid:version_uuid>/", relapse.relapse_plan_version, name="relapse-plan-version"),
    # Questionnaires (docs/domain.md#questionnaires).
    path("vragenlijst/<uuid:project_uuid>/<uuid:participation_uuid>/",
         questionnaires.questionnaires, name="questionnaires"),
    path("vragenlijst/<uuid:project_uuid>/<uuid:participation_uuid>/<slug:code>/",
         questionnaires.questionnaire_fill, name="questionnaire-fill"),
    path("vragenlijst/<uuid:project_uuid>/<uuid:participation_uuid>/<slug:code>/leeg/",
         questionnaires.questionnaire_blank, name="questionnaire-blank"),
    path("afbouwschema/<uuid:project_uuid>/<uuid:participation_uuid>/bwsq-besluit/",
         questionnaires.bwsq_hold_decision, name="bwsq-hold-decision"),
]
