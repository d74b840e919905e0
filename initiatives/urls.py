from django.urls import path

from initiatives import views

urlpatterns = [
    path("plans/<slug:slug>/initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative-detail"),
    path("initiatives/<int:pk>/update/", views.initiative_post, name="initiative-update"),
]
