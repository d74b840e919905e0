"""The roadmap page (included from planboard/urls.py)."""

from django.urls import path

from initiatives.roadmap import views

urlpatterns = [
    path("plans/<slug:slug>/roadmap/", views.roadmap, name="roadmap"),
]
