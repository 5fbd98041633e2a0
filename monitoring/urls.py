from django.urls import path, register_converter

from . import capacity_views, dashboard_views, group_views, report_views, snapshot_views, views

# --- snapdue: monthly snapshots ---
register_converter(snapshot_views.MonthConverter, "yyyymm")
# --- end snapdue ---

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
    # --- branch report: the evaluation page, the exports and the PDF report ---
    path("projects/<uuid:project_uuid>/evaluation/", report_views.evaluation,
         name="evaluation"),
    path("projects/<uuid:project_uuid>/evaluation/report.pdf", report_views.report_download,
         name="report-pdf"),
    path("projects/<uuid:project_uuid>/dashboard/export/<slug:key>/",
         report_views.dashboard_export, name="dashboard-export"),
    path("projects/<uuid:project_uuid>/dashboard/workbook.xlsx",
         report_views.dashboard_workbook, name="dashboard-workbook"),
    # --- end branch report ---
    # --- fto: the FTO group's view for the monitor ---
    path("groep/", group_views.group, name="group"),
    path("groep/export.csv", group_views.group_csv, name="group-csv"),
    path("groep/export.xlsx", group_views.group_xlsx, name="group-xlsx"),
    # --- end fto ---
    # --- snapdue: monthly snapshots (docs/domain.md#snapshots) ---
    path("projects/<uuid:project_uuid>/snapshots/", snapshot_views.snapshots,
         name="snapshots"),
    path("projects/<uuid:project_uuid>/snapshots/recompute/",
         snapshot_views.snapshot_recompute, name="snapshot-recompute"),
    path("projects/<uuid:project_uuid>/snapshots/<yyyymm:month>/recompute/",
         snapshot_views.snapshot_recompute, name="snapshot-recompute"),
    # --- end snapdue ---
    # --- capacity: the capacity planner (docs/domain.md#capacity-planning) ---
    path("projects/<uuid:project_uuid>/capacity/", capacity_views.capacity, name="capacity"),
    path("projects/<uuid:project_uuid>/capacity/choose/", capacity_views.capacity_choose,
         name="capacity-choose"),
    # --- end capacity ---
]
