"""manage.py generate_city: build the synthetic "big city" plan for load and benchmark work."""

import math
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug

from planboard.citygen import MAX_SCALE, city_counts, city_generate

# Department slugs are "<plan slug>-dept-NNNN" and must fit the 60 characters of Department.slug.
MAX_PLAN_SLUG_LENGTH = 40
LABELS = {
    "departments": "departments",
    "goals": "goals",
    "objectives": "objectives",
    "initiatives": "initiatives",
    "supports": "initiative → objective links",
    "metrics": "metrics",
    "readings": "metric readings",
    "updates": "status updates",
    "history": "initiative audit entries",
}


class Command(BaseCommand):
    help = (
        "Build a synthetic 'big city' enterprise plan (FY2023-FY2027, July fiscal start) for load and benchmark "
        "work: at --scale 1, 40 departments, 12 goals, 80 objectives, 3,000 initiatives, 2,500 metrics, "
        "300,000 monthly metric readings and 720,000 status updates; other scales multiply every count. "
        "The same --seed on the same day gives the same data. A plan with the same --plan-slug made by this "
        "command is replaced; any other plan with that slug is left alone and the command stops. "
        "Generated data is synthetic and has NO AUDIT TRAIL: it is written with bulk inserts that bypass the "
        "change history. The plan is recalculated, with the day's snapshot, at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=f"Multiplier of every count, more than 0 and at most {MAX_SCALE} (default 1).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the random generator (default 2026).")
        parser.add_argument(
            "--plan-slug",
            default="big-city",
            help=f"Slug of the generated plan, at most {MAX_PLAN_SLUG_LENGTH} characters (default big-city).",
        )

    def handle(self, *args, scale: float, seed: int, plan_slug: str, **options) -> None:
        if not math.isfinite(scale) or scale <= 0 or scale > MAX_SCALE:
            raise CommandError(f"--scale must be more than 0 and at most {MAX_SCALE}, not {scale:g}.")
        if seed < 0:
            raise CommandError(f"--seed must be zero or a positive whole number, not {seed}.")
        try:
            validate_slug(plan_slug)
        except ValidationError:
            raise CommandError(
                f"--plan-slug must use only letters, digits, hyphens and underscores, not {plan_slug!r}."
            ) from None
        if len(plan_slug) > MAX_PLAN_SLUG_LENGTH:
            raise CommandError(f"--plan-slug must be at most {MAX_PLAN_SLUG_LENGTH} characters, not {len(plan_slug)}.")

        expected = city_counts(scale)
        self.stdout.write(
            f"Generating plan {plan_slug!r} at scale {scale:g} (seed {seed}): {expected['initiatives']:,} initiatives, "
            f"{expected['readings']:,} readings, {expected['updates']:,} status updates…"
        )
        started = time.perf_counter()
        try:
            result = city_generate(scale=scale, seed=seed, plan_slug=plan_slug)
        except ValueError as exc:
            raise CommandError(f"--plan-slug: {exc}") from None
        total = time.perf_counter() - started

        self.stdout.write(f"Plan {plan_slug!r} (id {result.plan_id}) generated; synthetic data.")
        for kind, label in LABELS.items():
            self.stdout.write(f"  {label:<30} {result.counts[kind]:>12,}")
        for step, seconds in result.timings.items():
            self.stdout.write(f"  {step:<30} {seconds:>11.2f} s")
        self.stdout.write(self.style.SUCCESS(f"  {'total':<30} {total:>11.2f} s"))
