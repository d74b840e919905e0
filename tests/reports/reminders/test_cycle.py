"""The reporting cycle's reminders: due soon, late, escalation with its fallback, the settings.

The plan reports quarterly (July fiscal year), due 15 days after a quarter ends. Each initiative
has reported through 31 December 2024, so it owes Jan-Mar 2025 (FY2025 Q3), due 15 April 2025.
With the defaults, "due soon" starts 7 days before (8 April) and escalation 7 days after (22 April).
"""

import datetime
import logging

import pytest
from django.core import mail

from initiatives.models import Initiative
from planboard.core.permissions import Role
from reports.models import ReminderLedgerEntry as Entry
from reports.models import ReminderSetting
from reports.reminders.services import due_reminders_send
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date
DUE_ON = D(2025, 4, 15)


@pytest.fixture
def plan():
    return PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027, title="Technology Plan")


@pytest.fixture
def department():
    return DepartmentFactory(name="Water")


@pytest.fixture
def maria():
    return UserFactory(username="maria", first_name="Maria", last_name="Lopez")


def owed(plan, owner, department, code="W-1"):
    initiative = InitiativeFactory(plan=plan, owner=owner, department=department, code=code, title="Meter upgrade")
    Initiative.objects.filter(pk=initiative.pk).update(reported_through=D(2024, 12, 31))
    return initiative


def addressees() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_nothing_is_sent_before_the_due_soon_window(plan, maria, department):
    owed(plan, maria, department)
    assert due_reminders_send(today=D(2025, 4, 7)).sent == []  # 8 days before the due date
    assert mail.outbox == []


def test_due_soon_then_late_each_once(plan, maria, department):
    initiative = owed(plan, maria, department)

    due_reminders_send(today=D(2025, 4, 8))
    due_reminders_send(today=D(2025, 4, 9))
    [due] = mail.outbox
    assert due.to == ["maria@city.example"]
    assert due.subject == "Planboard: 1 report due soon"
    assert "W-1 Meter upgrade" in due.body and "due 15 Apr 2025" in due.body
    assert "FY2025 Q3" in due.body

    due_reminders_send(today=D(2025, 4, 16))
    due_reminders_send(today=D(2025, 4, 17))
    assert len(mail.outbox) == 2
    assert "LATE REPORTS" in mail.outbox[1].body and mail.outbox[1].subject == "Planboard: 1 late report"
    kinds = sorted(Entry.objects.filter(initiative=initiative).values_list("kind", "period_key", "recipient__username"))
    assert kinds == [("due", "FY2025-Q3", "maria"), ("late", "FY2025-Q3", "maria")]


def test_an_item_late_for_a_week_is_escalated_to_the_departments_liaisons(plan, maria, department):
    liaison = UserFactory(username="lee")
    MembershipFactory(user=liaison, department=department, role="liaison")
    user_with_role(Role.EDITOR, username="ed")
    owed(plan, maria, department)

    due_reminders_send(today=D(2025, 4, 22))

    assert addressees() == ["lee@city.example", "maria@city.example"]
    [escalation] = Entry.objects.filter(kind=Entry.Kind.ESCALATION)
    assert (escalation.recipient, escalation.audience) == (liaison, Entry.Audience.LIAISON)
    [to_lee] = [m for m in mail.outbox if m.to == ["lee@city.example"]]
    assert "Owner: Maria Lopez" in to_lee.body and "You receive this as: Department liaison" in to_lee.body
    assert to_lee.subject == "Planboard: 1 late report escalated to you"


def test_with_no_liaison_the_escalation_reaches_the_plans_editors(plan, maria, department, admin_user):
    editor = user_with_role(Role.EDITOR, username="ed")
    owed(plan, maria, department)

    due_reminders_send(today=D(2025, 4, 22))

    assert addressees() == ["ed@city.example", "maria@city.example"]  # not the CIO
    [escalation] = Entry.objects.filter(kind=Entry.Kind.ESCALATION)
    assert (escalation.recipient, escalation.audience) == (editor, Entry.Audience.EDITOR)


def test_with_no_liaison_and_no_editor_the_escalation_reaches_the_cio(plan, maria, department, admin_user, caplog):
    # A liaison without an e-mail address cannot be reached, so does not count.
    MembershipFactory(user=UserFactory(username="mute", email=""), department=department, role="liaison")
    owed(plan, maria, department)

    with caplog.at_level(logging.INFO, logger="reports.reminders"):
        due_reminders_send(today=D(2025, 4, 22))

    assert addressees() == ["cio@city.example", "maria@city.example"]
    [escalation] = Entry.objects.filter(kind=Entry.Kind.ESCALATION)
    assert (escalation.recipient, escalation.audience) == (admin_user, Entry.Audience.ADMIN)
    assert "sent 2 e-mail(s) reaching 2 recipient(s)" in caplog.text


def test_an_escalation_nobody_can_receive_is_logged_not_counted(plan, maria, department, caplog):
    owed(plan, maria, department)
    with caplog.at_level(logging.INFO, logger="reports.reminders"):
        result = due_reminders_send(today=D(2025, 4, 22))
    assert [r.user_id for r in result.reached] == [maria.pk]
    assert "reaches nobody" in caplog.text
    assert "reaching 1 recipient(s)" in caplog.text


def test_an_item_without_an_owner_is_escalated_at_once(plan, department, admin_user):
    owed(plan, None, department)
    due_reminders_send(today=D(2025, 4, 9))  # due soon, nobody to remind: the CIO hears of it
    assert addressees() == ["cio@city.example"]
    assert "Owner: no owner who can be reached" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("choice", "gets"),
    [
        (ReminderSetting.Choice.WEEKLY, True),
        (ReminderSetting.Choice.DUE_ONLY, True),
        (ReminderSetting.Choice.ESCALATIONS_ONLY, False),
    ],
)
def test_due_and_late_reminders_follow_the_owners_setting(plan, maria, department, choice, gets):
    ReminderSetting.objects.create(user=maria, reminders=choice)
    owed(plan, maria, department)
    due_reminders_send(today=D(2025, 4, 16))
    assert addressees() == (["maria@city.example"] if gets else [])


def test_escalations_are_sent_whatever_the_setting(plan, maria, department):
    liaison = UserFactory(username="lee")
    MembershipFactory(user=liaison, department=department, role="liaison")
    ReminderSetting.objects.create(user=liaison, reminders=ReminderSetting.Choice.ESCALATIONS_ONLY)
    owed(plan, maria, department)
    due_reminders_send(today=D(2025, 4, 22))
    assert "lee@city.example" in addressees()


def test_plan_option_limits_the_run(plan, maria, department):
    owed(plan, maria, department)
    other = PlanFactory(start_fiscal_year=2023, end_fiscal_year=2027)
    owed(other, UserFactory(username="otto"), department, code="O-1")
    due_reminders_send(today=D(2025, 4, 16), plan_slug=other.slug)
    assert addressees() == ["otto@city.example"]


def test_an_item_without_an_owner_is_not_escalated_before_it_is_due_soon(plan, department, admin_user):
    owed(plan, None, department)
    assert due_reminders_send(today=D(2025, 4, 1)).sent == []
