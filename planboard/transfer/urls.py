from django.urls import path

from planboard.transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.transfer_home, name="home"),
    path("imports/<str:job_id>/", views.job_page, name="job"),
    path("imports/<str:job_id>/status/", views.job_status, name="job-status"),
    path("imports/<str:job_id>/problems.csv", views.job_problems_csv, name="job-problems"),
    path("templates/<str:kind>.<str:fmt>", views.template_download, name="template"),
    path("plans/<slug:slug>/<str:kind>.<str:fmt>", views.export_download, name="export"),
]
