from django.contrib import admin
from django.urls import include, path

from reports.cycle.views import period_close_page

admin.site.site_header = "Planboard administration"
admin.site.site_title = "Planboard"
admin.site.index_title = "Strategic technology plan"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("planboard.api")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("planboard.dashboard.urls")),
    path("reports/", include("reports.urls")),
    path("plans/<slug:slug>/periods/<str:key>/close/", period_close_page, name="period-close"),
    path("transfer/", include("planboard.transfer.urls")),
    path("", include("goals.urls")),
    path("", include("initiatives.urls")),
    path("", include("initiatives.alignment.urls")),
    path("", include("initiatives.it_requests.urls")),
    path("", include("initiatives.priority.urls")),
    path("", include("initiatives.roadmap.urls")),
    path("", include("initiatives.department_plans.urls")),
]
