"""The pages that bring the apps together: home, plan dashboard, My work, explanations."""

from django.urls import path

from planboard.dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("my/", views.my_work, name="my-work"),
    path("plans/<slug:slug>/", views.plan_dashboard, name="plan-dashboard"),
    path("explain/<str:kind>/<int:pk>/", views.explain, name="explain"),
]
