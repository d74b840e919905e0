"""The priority and sensitivity pages (included from planboard/urls.py)."""

from django.urls import path

from initiatives.priority import views

urlpatterns = [
    path("plans/<slug:slug>/priority/", views.priority_ranking, name="priority-ranking"),
    path("plans/<slug:slug>/priority/sensitivity/", views.priority_sensitivity, name="priority-sensitivity"),
]
