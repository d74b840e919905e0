"""URLs of the report card pages and the background plan exports, mounted at /reports/."""

from django.urls import include, path

from reports import views

urlpatterns = [
    path("", views.report_card_list, name="report-cards"),
    path("generate/", views.report_card_generate, name="report-card-generate"),
    path("<int:pk>/", views.report_card_detail, name="report-card-page"),
    path("<int:pk>/progress", views.report_card_progress, name="report-card-progress"),
    path("<int:pk>/preview", views.report_card_preview, name="report-card-preview"),
    path("<int:pk>/pdf", views.report_card_download, name="report-card-download"),
    path("<int:pk>/regenerate", views.report_card_regenerate, name="report-card-regenerate"),
    path("<int:pk>/final", views.report_card_mark_final, name="report-card-final"),
    path("<int:pk>/narrative", views.report_card_narrative, name="report-card-narrative"),
    path("exports/", include("reports.export_jobs.urls")),
]
