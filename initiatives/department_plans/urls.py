"""Pages for reading and keeping a department's IT plan (included from planboard/urls.py)."""

from django.urls import path

from initiatives.department_plans import views

urlpatterns = [
    path("departments/<slug:slug>/", views.department_detail, name="department-detail"),
    path("departments/<slug:slug>/plans/new/", views.department_plan_new, name="department-plan-new"),
    path("plans/<slug:slug>/structure/", views.department_plan_edit, name="department-plan-edit"),
    path("plans/<slug:slug>/structure/goals/new/", views.goal_new, name="department-plan-goal-new"),
    path("plans/<slug:slug>/structure/objectives/new/", views.objective_new, name="department-plan-objective-new"),
    path("plans/<slug:slug>/structure/initiatives/new/", views.initiative_new, name="department-plan-initiative-new"),
    path("plans/<slug:slug>/structure/objectives/<int:pk>/links/", views.objective_links, name="objective-links"),
    path("plans/<slug:slug>/structure/initiatives/<int:pk>/links/", views.initiative_links, name="initiative-links"),
]
