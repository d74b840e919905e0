from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Planboard administration"
admin.site.site_title = "Planboard"
admin.site.index_title = "Strategic technology plan"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("planboard.api")),
    # Until the dashboards exist, the front door is the administration site.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
