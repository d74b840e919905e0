"""The weekly reminder digest: who is told about which stale initiative or due metric reading.

Every test runs on TODAY = Friday 1 March 2024 (2024 is a leap year: February has 29 days).
The plans use the default update cadence of 30 days unless a test says otherwise.
"""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core import mail

from goals.models import Department, DepartmentMembership, Plan
from reports.models import ReminderLedgerEntry
from reports.reminders.services import reminders_send as run_digest
from reports.tasks import send_stale_reminders
from tests.factories import (
    DepartmentFactory,
    InitiativeFactory,
    MembershipFactory,
    MetricFactory,
    PlanFactory,
    ReadingFactory,
    UserFactory,
)
from tests.reports.reminders.conftest import SITE_URL

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 1)


def reminders_send(**kwargs) -> int:
    """The number of e-mails the digest run sent."""
    return len(run_digest(**kwargs).sent)


def days_before(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@pytest.fixture
def owner():
    return UserFactory(username="maria", first_name="Maria", last_name="Lopez", email="maria@city.example")


@pytest.fixture
def plan():
    return PlanFactory(title="Strategic Technology Plan 2022-2026")


def test_owner_gets_one_email_listing_only_the_stale_initiative_with_its_link(owner, plan):
    # Last update 45 days ago: 45 > 30, stale. 10 days ago: fresh.
    stale = InitiativeFactory(plan=plan, owner=owner, code="CX-1", title="311 portal", last_update_on=days_before(45))
    InitiativeFactory(plan=plan, owner=owner, code="CX-2", title="Open data hub", last_update_on=days_before(10))

    assert reminders_send(today=TODAY) == 1

    [message] = mail.outbox
    assert message.to == ["maria@city.example"]
    assert message.subject == "Planboard: 1 initiative needs an update"
    for body in (message.body, html_of(message)):
        assert "CX-1 311 portal" in body
        assert "Strategic Technology Plan 2022-2026" in body
        assert "45 days ago" in body
        assert "every 30 days" in body
        assert f"{SITE_URL}/initiatives/{stale.pk}/" in body
        assert "CX-2" not in body and "Open data hub" not in body
    assert f'href="{SITE_URL}/initiatives/{stale.pk}/"' in html_of(message)


@pytest.mark.parametrize("status", ["completed", "cancelled", "on_hold"])
def test_completed_cancelled_and_on_hold_initiatives_are_never_listed(owner, plan, status):
    # Last updated a year ago, so any other status would be stale and even escalated.
    InitiativeFactory(
        plan=plan,
        owner=owner,
        status=status,
        percent_complete=100 if status == "completed" else 40,
        last_update_on=days_before(365),
    )

    assert reminders_send(today=TODAY) == 0
    assert mail.outbox == []


@pytest.mark.parametrize("plan_status", [Plan.Status.DRAFT, Plan.Status.ARCHIVED])
def test_initiatives_and_metrics_of_plans_that_are_not_active_are_left_out(owner, plan_status):
    plan = PlanFactory(status=plan_status)
    InitiativeFactory(plan=plan, owner=owner, last_update_on=days_before(100))
    MetricFactory(objective__goal__plan=plan, owner=owner)  # never read since 2021: due long ago

    assert reminders_send(today=TODAY) == 0


def test_metric_whose_reading_is_due_is_listed_and_one_read_recently_is_not(owner, plan):
    # Quarterly, last period ended 30 Sep 2023: next period ends 30 Dec 2023, + 30 days grace
    # = 29 Jan 2024, before 1 Mar 2024, so due.
    due = MetricFactory(objective__goal__plan=plan, owner=owner, name="Customer satisfaction", frequency="quarterly")
    ReadingFactory(metric=due, period_end=datetime.date(2023, 9, 30))
    # Quarterly, last period ended 31 Dec 2023: next ends 31 Mar 2024, + 30 days = 30 Apr 2024, not yet due.
    read = MetricFactory(objective__goal__plan=plan, owner=owner, name="Network uptime", frequency="quarterly")
    ReadingFactory(metric=read, period_end=datetime.date(2023, 9, 30), value=Decimal("55"))
    ReadingFactory(metric=read, period_end=datetime.date(2023, 12, 31))

    assert reminders_send(today=TODAY) == 1

    [message] = mail.outbox
    assert message.subject == "Planboard: 1 metric needs an update"
    for body in (message.body, html_of(message)):
        assert "Customer satisfaction" in body
        assert "period ending 30 Sep 2023" in body
        assert "due 29 Jan 2024" in body
        assert f"{SITE_URL}/metrics/{due.pk}/" in body
        assert "Network uptime" not in body


def test_metric_due_exactly_today_is_listed(owner, plan):
    # Monthly, last period ended 31 Dec 2023: next ends 31 Jan 2024, + 30 days = 1 Mar 2024 = today.
    metric = MetricFactory(objective__goal__plan=plan, owner=owner, frequency="monthly")
    ReadingFactory(metric=metric, period_end=datetime.date(2023, 12, 31))

    assert reminders_send(today=TODAY) == 1
    assert "due 1 Mar 2024" in mail.outbox[0].body


def test_never_updated_initiative_is_stale_once_its_start_is_older_than_the_cadence(owner, plan):
    # Started 1 Jan 2024: 31 (January) + 29 (February) = 60 days by 1 Mar 2024 > 30: stale.
    started = InitiativeFactory(plan=plan, owner=owner, code="NEW-1", start_date=datetime.date(2024, 1, 1))
    # Starts 1 Apr 2024, next month: not started yet, so not stale.
    InitiativeFactory(
        plan=plan,
        owner=owner,
        code="NEXT-1",
        start_date=datetime.date(2024, 4, 1),
        target_date=datetime.date(2025, 6, 30),
    )

    assert reminders_send(today=TODAY) == 1

    [message] = mail.outbox
    assert f"{started.code} " in message.body
    assert "Never updated; started 1 Jan 2024, 60 days ago" in message.body
    assert "NEXT-1" not in message.body


def test_initiative_cadence_overrides_the_plans(owner):
    plan = PlanFactory(update_cadence_days=90)
    # 45 days since the last update: within the plan's 90 days, but over this initiative's 14.
    InitiativeFactory(plan=plan, owner=owner, code="SEC-1", update_cadence_days=14, last_update_on=days_before(45))
    InitiativeFactory(plan=plan, owner=owner, code="SEC-2", last_update_on=days_before(45))

    assert reminders_send(today=TODAY) == 1
    body = mail.outbox[0].body
    assert "SEC-1" in body and "every 14 days" in body
    assert "SEC-2" not in body


@pytest.fixture
def department():
    return DepartmentFactory(name="Water Services")


@pytest.fixture
def liaison(department):
    user = UserFactory(username="sam", first_name="Sam", last_name="Okafor", email="sam@city.example")
    MembershipFactory(department=department, user=user, role=DepartmentMembership.Role.LIAISON)
    return user


def test_escalation_after_more_than_twice_the_cadence_reaches_the_department_liaison(owner, plan, department, liaison):
    # Cadence 30, so escalation needs more than 2 × 30 = 60 days without an update.
    # 31 Dec 2023 → 1 Mar 2024 is 1 (rest of December) + 31 + 29 = 61 days: escalated.
    # 1 Jan 2024 → 1 Mar 2024 is 31 + 29 = 60 days, exactly twice: stale but not escalated.
    MembershipFactory(department=department, user=UserFactory(username="member"))  # a plain member: not told
    escalated = InitiativeFactory(
        plan=plan,
        owner=owner,
        department=department,
        code="W-1",
        title="Meter reading app",
        last_update_on=datetime.date(2023, 12, 31),
    )
    InitiativeFactory(
        plan=plan,
        owner=owner,
        department=department,
        code="W-2",
        title="SCADA refresh",
        last_update_on=datetime.date(2024, 1, 1),
    )

    assert reminders_send(today=TODAY) == 2

    [owner_message] = to("maria@city.example")
    assert owner_message.subject == "Planboard: 2 initiatives need an update"
    assert "W-1 Meter reading app [ESCALATED]" in owner_message.body
    assert "W-2 SCADA refresh\n" in owner_message.body
    assert "61 days ago" in owner_message.body and "60 days ago" in owner_message.body
    assert '<strong style="color: #b50909;">Escalated</strong>' in html_of(owner_message)

    [liaison_message] = to("sam@city.example")
    assert liaison_message.subject == "Planboard: 1 escalated initiative in your department needs an update"
    for body in (liaison_message.body, html_of(liaison_message)):
        assert "Water Services" in body
        assert "W-1 Meter reading app" in body
        assert "Owner: Maria Lopez" in body
        assert f"{SITE_URL}/initiatives/{escalated.pk}/" in body
        assert "W-2" not in body
    assert to("member@city.example") == []


def test_nothing_is_escalated_at_exactly_twice_the_cadence(owner, plan, department, liaison):
    # 60 days since 1 Jan 2024 (31 + 29), cadence 30: 60 > 30 is stale, 60 > 60 is not escalated.
    InitiativeFactory(plan=plan, owner=owner, department=department, last_update_on=datetime.date(2024, 1, 1))

    assert reminders_send(today=TODAY) == 1
    assert to("sam@city.example") == []
    assert "[ESCALATED]" not in mail.outbox[0].body


def test_liaison_of_two_departments_gets_one_digest_with_a_section_per_department(owner, plan, department, liaison):
    parks = DepartmentFactory(name="Parks and Recreation")
    MembershipFactory(department=parks, user=liaison, role=DepartmentMembership.Role.LIAISON)
    # Codes sort the other way round from the department names (A-8 in Water, P-2 in Parks).
    InitiativeFactory(plan=plan, owner=owner, department=department, code="A-8", last_update_on=days_before(90))
    InitiativeFactory(plan=plan, owner=owner, department=parks, code="P-2", last_update_on=days_before(90))

    assert reminders_send(today=TODAY) == 2

    [message] = to("sam@city.example")
    assert message.subject == "Planboard: 2 escalated initiatives in your departments need an update"
    # Departments in alphabetical order, each with its own items.
    text = message.body
    assert text.index("Parks and Recreation") < text.index("P-2") < text.index("Water Services") < text.index("A-8")


def test_escalated_initiative_without_an_active_owner_still_reaches_the_liaison(plan, department, liaison):
    gone = UserFactory(username="retired", is_active=False)
    InitiativeFactory(plan=plan, owner=gone, department=department, code="W-9", last_update_on=days_before(100))
    InitiativeFactory(plan=plan, owner=None, department=department, code="W-10", last_update_on=days_before(100))

    assert reminders_send(today=TODAY) == 1

    [message] = mail.outbox
    assert message.to == ["sam@city.example"]
    assert "W-9" in message.body and "W-10" in message.body
    assert message.body.count("Owner: no active owner") == 2


def test_liaison_who_also_owns_items_gets_one_combined_message(owner, plan, department, liaison):
    # The liaison's own stale metric and initiative, plus another owner's escalated initiative.
    InitiativeFactory(plan=plan, owner=liaison, department=department, code="W-3", last_update_on=days_before(40))
    MetricFactory(objective__goal__plan=plan, owner=liaison, name="Leak response time")
    InitiativeFactory(plan=plan, owner=owner, department=department, code="W-4", last_update_on=days_before(90))

    # Maria (her own W-4) and Sam (his W-3 and metric, and Maria's W-4 as liaison): two e-mails.
    assert reminders_send(today=TODAY) == 2

    [message] = to("sam@city.example")
    assert message.subject == (
        "Planboard: 1 initiative, 1 metric and 1 escalated initiative in your department need an update"
    )
    text = message.body
    own_initiative, own_metric = text.index("W-3"), text.index("Leak response time")
    assert own_initiative < own_metric < text.index("ESCALATED IN YOUR DEPARTMENTS") < text.index("W-4")


def test_liaisons_own_escalated_initiative_is_listed_once(plan, department, liaison):
    InitiativeFactory(plan=plan, owner=liaison, department=department, code="W-5", last_update_on=days_before(90))

    assert reminders_send(today=TODAY) == 1

    [message] = mail.outbox
    assert message.body.count("W-5") == 1
    assert "W-5 Initiative" in message.body and "[ESCALATED]" in message.body
    assert "ESCALATED IN YOUR DEPARTMENTS" not in message.body


def test_inactive_department_has_no_escalation_but_its_owner_is_still_reminded(owner, plan, department, liaison):
    Department.objects.filter(pk=department.pk).update(is_active=False)
    InitiativeFactory(plan=plan, owner=owner, department=department, code="W-6", last_update_on=days_before(90))

    assert reminders_send(today=TODAY) == 1
    assert mail.outbox[0].to == ["maria@city.example"]


def test_inactive_users_are_never_e_mailed(plan, department):
    inactive_owner = UserFactory(username="left", is_active=False)
    inactive_liaison = UserFactory(username="moved", is_active=False)
    MembershipFactory(department=department, user=inactive_liaison, role=DepartmentMembership.Role.LIAISON)
    InitiativeFactory(plan=plan, owner=inactive_owner, department=department, last_update_on=days_before(90))
    MetricFactory(objective__goal__plan=plan, owner=inactive_owner)

    assert reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_users_without_an_email_address_are_skipped_and_counted_in_the_log(owner, plan, caplog):
    no_address = UserFactory(username="noaddress", email="")
    InitiativeFactory(plan=plan, owner=no_address, last_update_on=days_before(40))
    InitiativeFactory(plan=plan, owner=owner, last_update_on=days_before(40))

    with caplog.at_level(logging.INFO, logger="reports.reminders"):
        assert reminders_send(today=TODAY) == 1

    assert [m.to for m in mail.outbox] == [["maria@city.example"]]
    assert f"skipped 1 user(s) without an e-mail address (user ids {no_address.pk})" in caplog.text


def test_no_email_at_all_when_nothing_is_stale_or_due(owner, plan, department, liaison):
    InitiativeFactory(plan=plan, owner=owner, department=department, last_update_on=days_before(5))
    metric = MetricFactory(objective__goal__plan=plan, owner=owner)
    ReadingFactory(metric=metric, period_end=datetime.date(2023, 12, 31))  # due 30 Apr 2024

    assert reminders_send(today=TODAY) == 0
    assert mail.outbox == []


def test_text_body_is_not_html_escaped_and_html_body_is(owner, plan):
    InitiativeFactory(plan=plan, owner=owner, title="Permits & <licensing> portal", last_update_on=days_before(40))

    reminders_send(today=TODAY)

    [message] = mail.outbox
    assert "Permits & <licensing> portal" in message.body
    assert "Permits &amp; &lt;licensing&gt; portal" in html_of(message)


def test_weekly_task_sends_for_today_by_default(owner, plan):
    # Started 1 Jul 2022 with no update since: stale on any date this test will run.
    InitiativeFactory(plan=plan, owner=owner)

    assert send_stale_reminders() == 1
    assert len(mail.outbox) == 1


# Gathering: initiatives, metrics, the escalation roster (liaisons, plans, editors, administrators),
# reminder settings: a fixed number. Then per e-mail the ledger's claim (savepoint, insert, failed
# rows, claimed rows, release) and the record of its outcome: one e-mail at a time, so a run that
# dies leaves at most one message unaccounted for (reports/reminders/ledger.py).
FIXED_QUERIES = 8
PER_EMAIL = 6


def add_owners(count: int, plan, department) -> None:
    """`count` owners, each with a stale, an escalated and a fresh initiative and a due metric."""
    for _ in range(count):
        person = UserFactory()
        InitiativeFactory(plan=plan, owner=person, department=department, last_update_on=days_before(40))
        InitiativeFactory(plan=plan, owner=person, department=department, last_update_on=days_before(90))
        InitiativeFactory(plan=plan, owner=person, department=department, last_update_on=days_before(5))
        metric = MetricFactory(objective__goal__plan=plan, owner=person)
        ReadingFactory(metric=metric, period_end=datetime.date(2023, 6, 30))


def test_query_count_is_the_same_for_2_owners_as_for_20(plan, department, liaison, django_assert_max_num_queries):
    add_owners(2, plan, department)
    with django_assert_max_num_queries(FIXED_QUERIES + 3 * PER_EMAIL):
        # 2 owners + the liaison.
        assert reminders_send(today=TODAY) == 3

    mail.outbox.clear()
    ReminderLedgerEntry.objects.all().delete()  # as if a week had passed: everyone is told again
    add_owners(18, plan, department)
    with django_assert_max_num_queries(FIXED_QUERIES + 21 * PER_EMAIL):
        # 20 owners + the liaison.
        assert reminders_send(today=TODAY) == 21
    [liaison_message] = to("sam@city.example")
    assert liaison_message.subject == "Planboard: 20 escalated initiatives in your department need an update"
