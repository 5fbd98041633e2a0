from django.urls import path

from . import group_views, views

app_name = "monitoring"

urlpatterns = [
    path("projects/<uuid:project_uuid>/targets/", views.targets, name="targets"),
    path("projects/<uuid:project_uuid>/targets/add/", views.target_add, name="target-add"),
    path("projects/<uuid:project_uuid>/targets/<uuid:target_uuid>/delete/",
         views.target_delete, name="target-delete"),
    # --- fto: the FTO group's view for the monitor ---
    path("groep/", group_views.group, name="group"),
    path("groep/export.csv", group_views.group_csv, name="group-csv"),
    path("groep/export.xlsx", group_views.group_xlsx, name="group-xlsx"),
    # --- end fto ---
]
