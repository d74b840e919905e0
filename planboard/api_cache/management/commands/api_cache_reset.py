"""Make every cached API answer out of date: after a restore, or data changed outside Django."""

from django.core.management.base import BaseCommand

from planboard.api_cache import generation
from planboard.api_cache.responses import CachedTokenAuthentication, local_responses


class Command(BaseCommand):
    help = (
        "Move the data generation on, so that no API answer or token cached before now is served "
        "again. Run it after restoring the database in place, or after changing data with SQL "
        "outside Planboard (psql, another program): Django sees every write it makes itself, not those."
    )

    def handle(self, *args, **options) -> None:
        before = generation.current()
        generation.bump()
        # This process's own copies; other processes' are keyed by the generation, now moved.
        local_responses.clear()
        CachedTokenAuthentication.known.clear()
        after = generation.current()
        if after is None:
            self.stderr.write("The shared cache cannot be reached; its answers expire after API_CACHE_SECONDS.")
            return
        self.stdout.write(f"Cached API answers are out of date (data generation {before} → {after}).")
