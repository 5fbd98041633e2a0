from django.urls import path, register_converter

from . import snapshot_views, views

# --- snapdue: monthly snapshots ---
register_converter(snapshot_views.MonthConverter, "yyyymm")
# --- end snapdue ---

app_name = "monitoring"

urlpatterns = [
    path("projects/<uuid:project_uuid>/targets/", views.targets, name="targets"),
    path("projects/<uuid:project_uuid>/targets/add/", views.target_add, name="target-add"),
    path("projects/<uuid:project_uuid>/targets/<uuid:target_uuid>/delete/",
         views.target_delete, name="target-delete"),
    # --- snapdue: monthly snapshots (docs/domain.md#snapshots) ---
    path("projects/<uuid:project_uuid>/snapshots/", snapshot_views.snapshots,
         name="snapshots"),
    path("projects/<uuid:project_uuid>/snapshots/recompute/",
         snapshot_views.snapshot_recompute, name="snapshot-recompute"),
    path("projects/<uuid:project_uuid>/snapshots/<yyyymm:month>/recompute/",
         snapshot_views.snapshot_recompute, name="snapshot-recompute"),
    # --- end snapdue ---
]
