from django.urls import path

from . import dashboard_views, views

app_name = "monitoring"

urlpatterns = [
    path("projects/<uuid:project_uuid>/targets/", views.targets, name="targets"),
    path("projects/<uuid:project_uuid>/targets/add/", views.target_add, name="target-add"),
    path("projects/<uuid:project_uuid>/targets/<uuid:target_uuid>/delete/",
         views.target_delete, name="target-delete"),
    # branch dashboard
    path("projects/<uuid:project_uuid>/dashboard/", dashboard_views.dashboard,
         name="dashboard"),
    # end branch dashboard
]
