from django.urls import path

from .views import groslijst, imports, projects

app_name = "patients"

urlpatterns = [
    path("import/", imports.import_upload, name="import-upload"),
    path("import/geschiedenis/", imports.import_list, name="import-list"),
    path("import/<uuid:import_uuid>/", imports.import_detail, name="import-detail"),
    path("import/<uuid:import_uuid>/voorbeeld/", imports.import_preview, name="import-preview"),
    path("import/<uuid:import_uuid>/starten/", imports.import_start, name="import-start"),
    path("import/<uuid:import_uuid>/annuleren/", imports.import_discard,
         name="import-discard"),
    path("import/<uuid:import_uuid>/voortgang/", imports.import_progress,
         name="import-progress"),
    path("import/<uuid:import_uuid>/geweigerd.csv", imports.import_rejections_csv,
         name="import-rejections-csv"),
    path("middelen/", imports.substance_list, name="substance-list"),
    path("groslijst/", groslijst.groslijst, name="groslijst"),
    path("groslijst/naar-screening/", groslijst.to_screening, name="to-screening"),
    path("projecten/", projects.project_list, name="project-list"),
    path("projecten/nieuw/", projects.project_create, name="project-create"),
    path("projecten/<uuid:project_uuid>/", projects.project_detail, name="project-detail"),
    path("projecten/<uuid:project_uuid>/bewerken/", projects.project_edit, name="project-edit"),
    path("projecten/<uuid:project_uuid>/plan/nieuw/", projects.plan_step_add, name="plan-step-add"),
    path("projecten/<uuid:project_uuid>/plan/<int:step_id>/bewerken/", projects.plan_step_edit,
         name="plan-step-edit"),
    path("projecten/<uuid:project_uuid>/plan/<int:step_id>/afvinken/", projects.plan_step_done,
         name="plan-step-done"),
    path("projecten/<uuid:project_uuid>/plan/<int:step_id>/heropenen/", projects.plan_step_reopen,
         name="plan-step-reopen"),
    path("projecten/<uuid:project_uuid>/plan/<int:step_id>/verwijderen/",
         projects.plan_step_delete, name="plan-step-delete"),
]
