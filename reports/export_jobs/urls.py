"""URLs of the background plan export pages, mounted at /reports/exports/."""

from django.urls import path

from reports.export_jobs import views

urlpatterns = [
    path("plans/<slug:slug>/", views.plan_export_start, name="plan-export-start"),
    path("<int:pk>/", views.plan_export_progress, name="plan-export-progress"),
    path("<int:pk>/download", views.plan_export_download, name="plan-export-download"),
]
