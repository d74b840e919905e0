from django.apps import AppConfig


class PlanboardConfig(AppConfig):
    name = "planboard"
    verbose_name = "Planboard"

    def ready(self) -> None:
        from django.db import connections

        from planboard import generation

        generation.install()
        for connection in connections.all(initialized_only=True):  # opened before this app was ready
            generation.install_on(connection)
