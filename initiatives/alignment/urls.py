"""The alignment page (included from planboard/urls.py)."""

from django.urls import path

from initiatives.alignment import views

urlpatterns = [
    path("plans/<slug:slug>/alignment/", views.alignment_matrix, name="alignment-matrix"),
]
