import datetime

from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from reports.models import ReminderLedgerEntry
from reports.reminders.ledger import stuck_claims, stuck_claims_release
from reports.reminders.services import due_reminders_send, reminders_send

RUNS = {"digest": ("Weekly digest", reminders_send), "due": ("Due and late reminders", due_reminders_send)}


class Command(BaseCommand):
    help = (
        "Send the reminder e-mails: the weekly digest and the due-soon/late reminders with their escalations. "
        "Each message part is sent once (the reminder ledger), so running it again sends only what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send and record nothing.")
        parser.add_argument("--plan", metavar="SLUG", help="Only this plan (default: every active plan).")
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="Run as on this day (default: the city's today).")
        parser.add_argument("--only", choices=sorted(RUNS), help="Only the weekly digest or only due/late reminders.")
        parser.add_argument(
            "--release-stuck",
            action="store_true",
            help="First mark reminders claimed over an hour ago and never recorded as failed, so this run sends "
            "them (only once the mail server's log shows they did not go out).",
        )

    def handle(self, *args, dry_run=False, plan=None, today=None, only=None, release_stuck=False, **options):
        if today is not None:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today: {today!r} is not a date in the form YYYY-MM-DD.") from None
        if plan is not None and not Plan.objects.filter(slug=plan).exists():
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"--plan: no plan with slug {plan!r} (known plans: {known}).")
        if release_stuck and not dry_run:
            self.stdout.write(f"Released {stuck_claims_release()} stuck reminder claim(s): they are sent again now.")
        verb = "would send" if dry_run else "sent"
        for name in [only] if only else list(RUNS):
            title, run = RUNS[name]
            result = run(today=today, plan_slug=plan, dry_run=dry_run)
            self.stdout.write(f"{title}{' (dry run: nothing sent or recorded)' if dry_run else ''}:")
            for recipient, parts in result.sent:
                listed = "; ".join(_describe(part) for part in parts)
                self.stdout.write(f"  {verb} to {recipient.name} <{recipient.email}>: {listed}")
            for recipient, why in result.failed:
                self.stdout.write(self.style.ERROR(f"  FAILED {recipient.name} <{recipient.email}>: {why}"))
            for recipient, why in result.skipped:
                self.stdout.write(f"  skipped {recipient.name} (user {recipient.user_id}): {why}")
            self.stdout.write(
                f"  {len(result.sent)} e-mail(s) {'would be sent' if dry_run else 'sent'}, "
                f"{len(result.failed)} failed, {len(result.skipped)} skipped."
            )
        stuck = stuck_claims().count()
        if stuck:
            self.stdout.write(
                self.style.WARNING(
                    f"{stuck} reminder(s) were claimed over an hour ago and never recorded as sent (a run died "
                    "mid-send). They are not sent again unless you run with --release-stuck, once the mail server's "
                    "log shows they did not go out."
                )
            )


def _describe(part) -> str:
    kind = ReminderLedgerEntry.Kind(part.kind).label.lower()
    about = part.item_key or "own items"
    audience = "" if part.audience == ReminderLedgerEntry.Audience.OWNER else f" as {part.audience}"
    return f"{kind} {about} ({part.period_key}){audience}"
