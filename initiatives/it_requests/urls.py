"""Pages for the spend gate (included from planboard/urls.py)."""

from django.urls import path

from initiatives.it_requests import views

urlpatterns = [
    path("plans/<slug:slug>/it-requests/", views.it_request_register, name="it-request-register"),
    path("plans/<slug:slug>/it-requests/new/", views.it_request_new, name="it-request-new"),
    path("it-requests/<int:pk>/", views.it_request_detail, name="it-request-detail"),
    path("it-requests/<int:pk>/<slug:action>/", views.it_request_act, name="it-request-act"),
]
