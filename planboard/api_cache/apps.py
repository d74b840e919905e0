from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiCacheConfig(AppConfig):
    name = "planboard.api_cache"
    label = "api_cache"
    verbose_name = "API response cache"

    def ready(self) -> None:
        from django.db import connections

        from planboard.api_cache import generation

        generation.install()
        for connection in connections.all(initialized_only=True):  # opened before this app was ready
            generation.install_on(connection)
        # Deployments run `migrate` as the new code starts (docker-compose.yml): answers cached by
        # the old code must not outlive it, even when there is no migration to apply. (Sent once
        # per app with models; a few extra bumps cost nothing.)
        post_migrate.connect(moved_by_migrate, dispatch_uid="planboard-generation-migrate")


def moved_by_migrate(**_kwargs) -> None:
    from planboard.api_cache import generation

    generation.bump()
