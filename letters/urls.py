from django.urls import path

from .views import mailing, records, texts

app_name = "letters"

urlpatterns = [
    path("", mailing.index, name="index"),
    path("verzending/<uuid:project_uuid>/", mailing.mailing, name="mailing"),
    path("verzending/<uuid:project_uuid>/printrun/", mailing.run_create, name="run-create"),
    path("printruns/<uuid:run_uuid>/", mailing.run_detail, name="run-detail"),
    path("printruns/<uuid:run_uuid>/voortgang/", mailing.run_progress, name="run-progress"),
    path("printruns/<uuid:run_uuid>/brieven.pdf", mailing.run_pdf, name="run-pdf"),
    path("printruns/<uuid:run_uuid>/etiketten.pdf", mailing.run_labels, name="run-labels"),
    path("printruns/<uuid:run_uuid>/verstuurd/", mailing.run_mark_mailed,
         name="run-mark-mailed"),
    path("printruns/<uuid:run_uuid>/annuleren/", mailing.run_cancel, name="run-cancel"),
    path("printruns/<uuid:run_uuid>/opnieuw-starten/", mailing.run_restart,
         name="run-restart"),
    path("brief/<uuid:letter_uuid>.pdf", records.letter_pdf, name="letter-pdf"),
    path("patienten/<uuid:patient_uuid>/", records.patient_letters, name="patient-letters"),
    path("verzending/<uuid:project_uuid>/<uuid:participation_uuid>/opnieuw-versturen/",
         records.letter_resend, name="letter-resend"),
    path("teksten/", texts.template_list, name="template-list"),
    path("teksten/bewerken/", texts.template_edit, name="template-edit"),
    path("teksten/bewerken/voorbeeld/", texts.template_preview, name="template-preview"),
    path("teksten/bewerken/voorbeeld.pdf", texts.template_preview_pdf,
         name="template-preview-pdf"),
    path("teksten/bewerken/opslaan/", texts.template_save, name="template-save"),
    path("teksten/bewerken/standaardtekst/", texts.template_reset, name="template-reset"),
    path("logo/", texts.logo, name="logo"),
    path("handtekening/", texts.signature, name="signature"),
]
