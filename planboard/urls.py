from django.contrib import admin
from django.urls import include, path

from planboard import views

admin.site.site_header = "Planboard administration"
admin.site.site_title = "Planboard"
admin.site.index_title = "Strategic technology plan"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("planboard.api")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", views.home, name="home"),
    path("my/", views.my_work, name="my-work"),
    path("plans/<slug:slug>/", views.plan_dashboard, name="plan-dashboard"),
    path("explain/<str:kind>/<int:pk>/", views.explain, name="explain"),
    path("reports/", include("reports.urls")),
    path("transfer/", include("planboard.transfer.urls")),
    path("", include("goals.urls")),
    path("", include("initiatives.urls")),
    path("", include("initiatives.planning_urls")),
    path("", include("initiatives.department_plan_urls")),
]
