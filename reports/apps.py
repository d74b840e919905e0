from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Progress and report cards"

    def ready(self) -> None:
        from reports import signals  # noqa: F401  (connects the recalculation receiver)
