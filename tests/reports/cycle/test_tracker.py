"""The CIO's reporting tracker: who has reported for a period, by department and owner, a period
picker, "send a reminder now" (POST, through the reminders ledger), the permission, and a query
count that does not grow with the plan."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.services import initiative_post_update
from reports.models import ReminderLedgerEntry
from tests.factories import UserFactory
from tests.reports.cycle.conftest import owed_plan

pytestmark = pytest.mark.django_db


def _url(plan, **query):
    url = reverse("cycle:tracker", args=[plan.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def reported_one(five_owed):
    """Of the owner's three initiatives, one has reported for the period the tracker shows first."""
    plan, owner = five_owed
    first = Initiative.objects.get(code="I-001")
    period = plan.reporting_period_owed(timezone.localdate())
    initiative_post_update(
        initiative=first,
        author=owner,
        status="on_track",
        percent_complete=40,
        narrative="Done for the period.",
        version=first.version,
        period_ends_on=period.ends_on,
    )
    return plan, owner, period


def test_the_cio_sees_who_has_reported_by_department_and_owner(client, admin_user, reported_one):
    plan, owner, period = reported_one
    client.force_login(admin_user)
    response = client.get(_url(plan))
    assert response.status_code == 200
    page = response.context["page"]
    assert response.context["period"] == period
    # 3 initiatives owed, 1 reported (on time: its due date is ahead), 2 not reported yet.
    assert (page.total.owed, page.total.reported, page.total.on_time, page.total.missing) == (3, 1, 1, 2)
    [department] = page.departments
    [person] = page.owners
    assert (department.label, person.label) == ("Information Technology stp", "Ana Diaz")
    assert person.remind_ids == [owner.pk] and department.remind_ids == [owner.pk]
    html = response.content.decode()
    assert "Send a reminder now" in html and "at most one such reminder every 60 minutes" in html
    assert "33%" in html  # 1 of 3 on time


def test_the_period_picker_shows_past_periods(client, admin_user, reported_one):
    plan, owner, period = reported_one
    client.force_login(admin_user)
    earlier = plan.reporting_calendar.before(period)
    response = client.get(_url(plan, period=earlier.key))
    assert response.context["period"] == earlier
    assert f'<option value="{earlier.key}" selected>' in response.content.decode()
    assert client.get(_url(plan, period="FY1900-Q9")).status_code == 404


@pytest.mark.parametrize("role, status", [("editor", 200), ("viewer", 403), ("owner", 403)])
def test_editors_see_the_tracker_and_others_do_not(client, five_owed, role, status, request):
    plan, owner = five_owed
    client.force_login(owner if role == "owner" else request.getfixturevalue(role))
    assert client.get(_url(plan)).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client, five_owed):
    plan, _ = five_owed
    assert client.get(_url(plan)).status_code == 302


def test_send_a_reminder_now_e_mails_the_owner_once_an_hour_and_logs_it(client, admin_user, reported_one):
    plan, owner, period = reported_one
    client.force_login(admin_user)
    remind = reverse("cycle:tracker_remind", args=[plan.slug])
    data = {"period": period.key, "who": f"owner:{owner.pk}"}
    assert client.get(remind).status_code == 405  # POST only
    response = client.post(remind, data, follow=True)
    assert "Reminder sent to Ana Diaz." in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [owner.email]
    again = client.post(remind, {"period": period.key, "who": "department:Information Technology stp"}, follow=True)
    assert "Not sent to Ana Diaz: already reminded at" in again.content.decode()
    assert len(mail.outbox) == 1
    [entry] = ReminderLedgerEntry.objects.filter(kind=ReminderLedgerEntry.Kind.MANUAL)
    assert entry.sent_by == admin_user


def test_a_viewer_cannot_send_reminders(client, reported_one, viewer):
    plan, owner, period = reported_one
    client.force_login(viewer)
    remind = reverse("cycle:tracker_remind", args=[plan.slug])
    assert client.post(remind, {"period": period.key, "who": f"owner:{owner.pk}"}).status_code == 403
    assert not mail.outbox


def test_the_tracker_runs_as_many_queries_for_500_items_as_for_10(client, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, _ = owed_plan(initiatives=10, metrics=0, owner=UserFactory(username="small"), slug="small")
    large, _ = owed_plan(initiatives=500, metrics=0, owner=UserFactory(username="large"), slug="large")
    client.force_login(admin_user)
    counts = []
    for plan in (small, large):
        client.get(_url(plan))  # the session and the user's roles, read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(plan)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
