from django.apps import AppConfig


class PlanboardConfig(AppConfig):
    name = "planboard"
    verbose_name = "Planboard"
