"""reminder_send_now: the CIO tracker's "send a reminder now", rate-limited per recipient through
the ledger, logged, and saying who was reached and who was skipped and why."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from reports.models import ReminderLedgerEntry as Entry
from reports.models import ReminderSetting
from reports.reminders import reminder_send_now
from tests.factories import InitiativeFactory, PlanFactory, StatusUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027, slug="tech-plan")


@pytest.fixture
def period(plan):
    return plan.period_from_key("FY2025-Q3")  # Jan-Mar 2025, due 15 April 2025


def test_reaches_who_owes_and_skips_the_rest_with_reasons(plan, period, admin_user, editor, caplog):
    maria, done, absent = UserFactory(username="maria"), UserFactory(username="done"), UserFactory(username="absent")
    InitiativeFactory(plan=plan, owner=maria, code="W-1", title="Meter upgrade")
    reported = InitiativeFactory(plan=plan, owner=done)
    StatusUpdateFactory(initiative=reported, period_ends_on=period.ends_on)
    no_address = UserFactory(username="nomail", email="")
    InitiativeFactory(plan=plan, owner=no_address)
    # Someone who chose "off except escalations" still gets a reminder the CIO sends by name.
    ReminderSetting.objects.create(user=maria, reminders=ReminderSetting.Choice.ESCALATIONS_ONLY)

    with caplog.at_level(logging.INFO, logger="reports.reminders"):
        result = reminder_send_now(
            actor=admin_user, plan=plan, period=period, user_ids=[maria.pk, done.pk, absent.pk, no_address.pk]
        )

    assert [r.user_id for r in result.reached] == [maria.pk]
    reasons = {r.user_id: why for r, why in result.skipped}
    assert reasons == {
        done.pk: "owes nothing for FY2025 Q3 (Jan-Mar 2025)",
        absent.pk: "owes nothing for FY2025 Q3 (Jan-Mar 2025)",
        no_address.pk: "no e-mail address",
    }
    [message] = mail.outbox
    assert message.to == ["maria@city.example"] and "W-1 Meter upgrade" in message.body
    assert "asked Planboard to remind you" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    [row] = Entry.objects.all()
    assert (row.kind, row.sent_by, row.state, row.plan) == (Entry.Kind.MANUAL, admin_user, Entry.State.SENT, plan)
    assert f"Reminder sent now by user {admin_user.pk} for tech-plan FY2025-Q3: reached [{maria.pk}]" in caplog.text


def test_once_an_hour_per_recipient_whoever_asks(plan, period, admin_user):
    maria = UserFactory(username="maria")
    InitiativeFactory(plan=plan, owner=maria)
    other_cio = UserFactory(username="cio2", is_superuser=True)

    reminder_send_now(actor=admin_user, plan=plan, period=period, user_ids=[maria.pk])
    second = reminder_send_now(actor=other_cio, plan=plan, period=period, user_ids=[maria.pk])

    assert second.reached == []
    [(_, why)] = second.skipped
    assert why.startswith("already reminded at ") and why.endswith("less than an hour ago")
    assert len(mail.outbox) == 1


def test_a_send_an_hour_later_goes_out(plan, period, admin_user, monkeypatch):
    import datetime

    from django.utils import timezone

    maria = UserFactory(username="maria")
    InitiativeFactory(plan=plan, owner=maria)
    reminder_send_now(actor=admin_user, plan=plan, period=period, user_ids=[maria.pk])
    later = timezone.now() + datetime.timedelta(minutes=61)
    monkeypatch.setattr(timezone, "now", lambda: later)

    again = reminder_send_now(actor=admin_user, plan=plan, period=period, user_ids=[maria.pk])

    assert [r.user_id for r in again.reached] == [maria.pk] and len(mail.outbox) == 2


def test_only_those_who_track_the_plan_may_send_now(plan, period, editor, viewer):
    maria = UserFactory(username="maria")
    InitiativeFactory(plan=plan, owner=maria)
    with pytest.raises(PermissionDenied):
        reminder_send_now(actor=viewer, plan=plan, period=period, user_ids=[maria.pk])
    assert mail.outbox == [] and not Entry.objects.exists()
    # The plan's editor may, as on the tracker.
    assert [
        r.user_id for r in reminder_send_now(actor=editor, plan=plan, period=period, user_ids=[maria.pk]).reached
    ] == [maria.pk]
