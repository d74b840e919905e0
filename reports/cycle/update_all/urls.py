from django.urls import path

from reports.cycle.update_all import views

# Included under the "cycle" namespace by planboard/urls.py: reverse("cycle:update_all").
urlpatterns = [
    path("my/update/", views.update_all, name="update_all"),
]
