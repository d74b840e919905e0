from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from planboard.core.display import percent_shown
from reports.recalculation import plan_recalculate, plans_recalculate


class Command(BaseCommand):
    help = "Recalculate the cached progress figures of one plan or all plans, optionally taking today's snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="SLUG", help="Only this plan (default: every plan).")
        parser.add_argument("--snapshot", action="store_true", help="Also record today's snapshot for trend charts.")
        parser.add_argument("--dirty", action="store_true", help="Only plans marked for recalculation.")

    def handle(self, *args, plan=None, snapshot=False, dirty=False, **options):
        if plan is None:
            done = plans_recalculate(only_dirty=dirty, snapshot=snapshot)
            self.stdout.write(self.style.SUCCESS(f"Recalculated {done} plan(s)."))
            return
        try:
            target = Plan.objects.get(slug=plan)
        except Plan.DoesNotExist:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"--plan: no plan with slug {plan!r} (known plans: {known}).") from None
        figures = plan_recalculate(plan_id=target.pk, snapshot=snapshot)
        self.stdout.write(
            self.style.SUCCESS(
                f"Recalculated {target.slug}: progress {percent_shown(figures.plan.progress, 1, none='none')}, "
                f"pace {percent_shown(figures.plan.pace, 1, none='none')}, "
                f"{len(figures.initiatives)} initiatives, {figures.plan.stale_count} stale."
            )
        )
