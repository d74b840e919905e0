"""Pages for the spend gate (included from planboard/urls.py)."""

from django.urls import path

from initiatives import spend_views

urlpatterns = [
    path("plans/<slug:slug>/it-requests/", spend_views.it_request_register, name="it-request-register"),
    path("plans/<slug:slug>/it-requests/new/", spend_views.it_request_new, name="it-request-new"),
    path("it-requests/<int:pk>/", spend_views.it_request_detail, name="it-request-detail"),
    path("it-requests/<int:pk>/<slug:action>/", spend_views.it_request_act, name="it-request-act"),
]
