"""Reminder pages, mounted at /reminders/."""

from django.urls import path

from reports.reminders import views

urlpatterns = [
    path("settings/", views.reminder_settings, name="reminder-settings"),
    path("open/<str:token>/", views.reminder_open, name="reminder-open"),
    path("unsubscribe/<str:token>/", views.reminder_unsubscribe, name="reminder-unsubscribe"),
]
