from django.urls import path

from reports.cycle.tracker import views

# Included under the "cycle" namespace by planboard/urls.py.
urlpatterns = [
    path("plans/<slug:slug>/reporting/", views.tracker, name="tracker"),
    path("plans/<slug:slug>/reporting/remind/", views.tracker_remind_now, name="tracker_remind"),
]
