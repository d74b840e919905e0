from django.urls import path

from goals import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("metrics/<int:pk>/", views.metric_detail, name="metric-detail"),
]
