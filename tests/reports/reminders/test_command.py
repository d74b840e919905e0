"""manage.py send_reminders: a dry run prints who would get what and sends and records nothing."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from initiatives.models import Initiative
from reports.models import ReminderLedgerEntry
from tests.factories import InitiativeFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    plan = PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027, slug="tech-plan")
    maria = UserFactory(username="maria", first_name="Maria", last_name="Lopez")
    # Stale for the digest on 16 April 2025 (last update 45 days before), and late for Jan-Mar 2025.
    initiative = InitiativeFactory(plan=plan, owner=maria, code="W-1", last_update_on=datetime.date(2025, 3, 2))
    Initiative.objects.filter(pk=initiative.pk).update(reported_through=datetime.date(2024, 12, 31))
    return plan


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_who_would_get_what_and_sends_and_records_nothing(plan):
    out = run("--dry-run", "--today", "2025-04-16")

    assert "Weekly digest (dry run: nothing sent or recorded):" in out
    assert "would send to Maria Lopez <maria@city.example>: weekly digest own items (2025-W16)" in out
    assert "would send to Maria Lopez <maria@city.example>: late initiative:" in out
    assert "(FY2025-Q3)" in out
    assert mail.outbox == []
    assert not ReminderLedgerEntry.objects.exists()


def test_the_command_sends_then_sends_nothing_more(plan):
    out = run("--today", "2025-04-16")
    assert "1 e-mail(s) sent" in out and len(mail.outbox) == 2  # the digest and the late reminder
    again = run("--today", "2025-04-16")
    assert "skipped Maria Lopez" in again and "already sent" in again
    assert len(mail.outbox) == 2
    # A dry run after the real one says nothing is left to send.
    assert "would send to" not in run("--dry-run", "--today", "2025-04-16")


def test_only_and_plan_options(plan):
    out = run("--only", "due", "--plan", "tech-plan", "--today", "2025-04-16")
    assert "Weekly digest" not in out and len(mail.outbox) == 1
    assert run("--only", "due", "--plan", PlanFactory().slug, "--today", "2025-04-16").count("would send to") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "16/04/2025"], "--today: '16/04/2025' is not a date in the form YYYY-MM-DD."),
        (["--plan", "nope"], "--plan: no plan with slug 'nope'"),
    ],
)
def test_bad_options_name_the_option(plan, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run(*args)
    assert mail.outbox == []


def test_release_stuck_sends_a_claim_left_by_a_dead_run_again(plan):
    import datetime as dt

    from django.utils import timezone

    run("--only", "digest", "--today", "2025-04-16")
    # As if the run had died between the SMTP server accepting the message and the ledger recording it.
    ReminderLedgerEntry.objects.update(state="sending", claimed_at=timezone.now() - dt.timedelta(hours=2))
    mail.outbox.clear()

    out = run("--only", "digest", "--today", "2025-04-16")
    assert "1 reminder(s) were claimed over an hour ago" in out and mail.outbox == []

    out = run("--only", "digest", "--today", "2025-04-16", "--release-stuck")
    assert "Released 1 stuck reminder claim(s)" in out and len(mail.outbox) == 1
    assert ReminderLedgerEntry.objects.get().attempts == 2


def test_beat_runs_the_weekly_digest_and_the_daily_due_run(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"reports.tasks.send_stale_reminders", "reports.tasks.send_due_reminders"} <= tasks
