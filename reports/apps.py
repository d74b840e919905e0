from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Progress and report cards"

    def ready(self) -> None:
        # Registers the tasks that services below reports queue by name (planboard.core.tasks).
        from reports import tasks  # noqa: F401
