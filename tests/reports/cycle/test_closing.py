"""Closing a reporting period: the CIO's page and beat close it and store its snapshot; then its
updates and readings are refused on every path (service, form, API, import, admin), naming the
field, except a CIO correction with a reason, which is audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from goals.models import MetricReading, ReportingPeriod
from goals.services import metric_record_reading
from initiatives.models import Initiative, StatusUpdate
from initiatives.services import initiative_post_update
from planboard.core.exceptions import PeriodClosed
from planboard.core.permissions import Role
from planboard.transfer.imports import import_file
from planboard.transfer.problems import ImportRefused
from reports.cycle.services import period_close, periods_close_due
from reports.models import ProgressSnapshot
from tests.factories import InitiativeFactory, MetricFactory, PlanFactory, UserFactory, user_with_role
from tests.transfer.helpers import READING_HEADER, UPDATE_HEADER, csv_upload

pytestmark = pytest.mark.django_db
D = datetime.date
# Quarterly, July fiscal year, due 15 days after a quarter: Oct-Dec 2024 is FY2025 Q2, due 15 January
# 2025; an update dated 20 November 2024 reports for it.
IN_Q2 = D(2024, 11, 20)


@pytest.fixture
def plan():
    return PlanFactory(slug="stp", start_fiscal_year=2023, end_fiscal_year=2027)


@pytest.fixture
def cio():
    return user_with_role(Role.ADMIN, username="the-cio", is_staff=True)


@pytest.fixture
def owner():
    return UserFactory(username="owner-ann")


@pytest.fixture
def initiative(plan, owner):
    return InitiativeFactory(plan=plan, code="PD-1", owner=owner)


@pytest.fixture
def metric(plan, owner):
    return MetricFactory(objective__goal__plan=plan, objective__code="1.1", name="MFA share", owner=owner)


@pytest.fixture
def q2(plan):
    return plan.period_from_key("FY2025-Q2")


@pytest.fixture
def closed(plan, q2, cio):
    return period_close(plan=plan, period=q2, actor=cio)


def _post(initiative, author, percent=40, **extra):
    initiative.refresh_from_db()
    return initiative_post_update(
        initiative=initiative,
        author=author,
        status="on_track",
        percent_complete=percent,
        version=initiative.version,
        **extra,
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


# --- Closing ------------------------------------------------------------------------------


def test_closing_stores_the_period_snapshot_and_marks_it_closed(plan, q2, cio, initiative, owner):
    _post(initiative, owner, as_of=IN_Q2)  # 40% for Oct-Dec
    _post(initiative, owner, percent=70, as_of=D(2025, 1, 10))  # also for Oct-Dec (due 15 January): counts
    _post(initiative, owner, percent=90, as_of=D(2025, 2, 1))  # for Jan-Mar: not in Oct-Dec's figures
    closed = period_close(plan=plan, period=q2, actor=cio)
    assert (closed.key, closed.ends_on, closed.closed_by, closed.closed_automatically) == (
        "FY2025-Q2",
        D(2024, 12, 31),
        cio,
        False,
    )
    snapshots = ProgressSnapshot.objects.filter(plan=plan, period_ends_on=q2.ends_on)
    # One row per node: the plan and the initiative (no goals or metrics here), taken on the last day.
    assert {(s.node_type, s.taken_on) for s in snapshots} == {("plan", q2.ends_on), ("initiative", q2.ends_on)}
    assert snapshots.get(node_type="initiative").progress == 0.7
    assert closed.history.latest().history_change_reason == "Closed by the CIO: FY2025 Q2 (Oct-Dec 2024)"


def test_closing_twice_changes_nothing(plan, q2, cio):
    first = period_close(plan=plan, period=q2, actor=cio)
    assert period_close(plan=plan, period=q2, actor=cio) == first
    assert ReportingPeriod.objects.count() == 1


def test_only_the_cio_closes_and_only_an_ended_period(plan, q2, owner, cio):
    with pytest.raises(PermissionDenied):
        period_close(plan=plan, period=q2, actor=owner)
    with pytest.raises(ValidationError) as error:
        period_close(plan=plan, period=q2, actor=cio, today=D(2024, 12, 31))
    assert "period" in error.value.message_dict
    assert not ReportingPeriod.objects.exists()


def test_beat_closes_periods_past_due_and_grace_once(plan):
    # On 26 January 2025 Oct-Dec (due 15 January, grace 10 days: closes after the 25th) is closed,
    # with every earlier quarter from the plan's start (July 2022): Q1-Q4 of FY2023, FY2024, Q1-Q2 of FY2025.
    assert periods_close_due(today=D(2025, 1, 25)) == 9  # up to Jul-Sep 2024; Oct-Dec not yet (25 = due + grace)
    assert periods_close_due(today=D(2025, 1, 26)) == 1
    assert periods_close_due(today=D(2025, 1, 26)) == 0
    latest = ReportingPeriod.objects.filter(plan=plan).first()
    assert (latest.key, latest.closed_automatically, latest.closed_by) == ("FY2025-Q2", True, None)


def test_the_close_page_confirms_then_closes_on_post(client, plan, cio, owner):
    url = reverse("period-close", args=[plan.slug, "FY2025-Q2"])
    client.force_login(cio)
    page = client.get(url)
    assert page.status_code == 200 and b"Close FY2025 Q2 (Oct-Dec 2024)" in page.content
    assert not ReportingPeriod.objects.exists()  # a GET never closes
    response = client.post(url, follow=True)
    assert b"is closed" in response.content
    assert ReportingPeriod.objects.get().closed_by == cio
    assert client.get(reverse("period-close", args=[plan.slug, "FY2025-Q9"])).status_code == 404
    client.force_login(owner)
    assert client.post(url).status_code == 403


# --- Read-only on every path ----------------------------------------------------------------


def test_the_service_refuses_an_update_for_a_closed_period(closed, initiative, owner):
    version = Initiative.objects.get().version
    with pytest.raises(PeriodClosed) as error:
        _post(initiative, owner, as_of=IN_Q2)
    assert "as_of" in error.value.message_dict
    assert "FY2025-Q2" in str(error.value)
    with pytest.raises(PeriodClosed) as error:
        _post(initiative, owner, as_of=D(2025, 2, 1), period_ends_on=D(2024, 12, 31))
    assert "period_ends_on" in error.value.message_dict
    assert not StatusUpdate.objects.exists()
    assert Initiative.objects.get().version == version


def test_an_owner_cannot_use_a_correction_reason(closed, initiative, owner):
    with pytest.raises(PeriodClosed):
        _post(initiative, owner, as_of=IN_Q2, correction_reason="I forgot")


def test_a_cio_correction_works_and_its_history_carries_the_reason(closed, initiative, cio):
    update = _post(initiative, cio, as_of=IN_Q2, correction_reason="Owner's figure was wrong")
    assert update.period_ends_on == D(2024, 12, 31)
    record = Initiative.objects.get().history.latest()
    assert record.history_user == cio
    assert record.history_change_reason == (
        "Status update as of 2024-11-20. Correction of closed period FY2025-Q2: Owner's figure was wrong"
    )


def test_the_update_form_refuses_naming_the_date(client, closed, initiative, owner):
    client.force_login(owner)
    data = {"status": "on_track", "percent_complete": 40, "narrative": "", "as_of": "2024-11-20", "version": 1}
    response = client.post(reverse("initiative-update", args=[initiative.pk]), data)
    assert response.status_code == 400
    assert "is closed" in response.context["form"].errors["as_of"][0]
    assert not StatusUpdate.objects.exists()


def test_the_update_form_takes_a_cio_correction(client, closed, initiative, cio):
    client.force_login(cio)
    data = {"status": "on_track", "percent_complete": 40, "as_of": "2024-11-20", "version": 1}
    data["correction_reason"] = "Late figure from the vendor"
    assert client.post(reverse("initiative-update", args=[initiative.pk]), data).status_code == 302
    assert Initiative.objects.get().history.latest().history_change_reason.endswith("Late figure from the vendor")


def test_the_api_refuses_an_update_with_400_naming_the_field(closed, initiative, owner, cio):
    url = f"/api/v1/initiatives/{initiative.pk}/updates/"
    body = {"status": "on_track", "percent_complete": 40, "as_of": "2024-11-20", "version": 1}
    response = _api(owner).post(url, body, format="json")
    assert response.status_code == 400
    assert "is closed" in response.json()["as_of"][0]
    explicit = _api(owner).post(url, {**body, "as_of": "2025-02-01", "period_ends_on": "2024-12-31"}, format="json")
    assert explicit.status_code == 400 and "period_ends_on" in explicit.json()
    corrected = _api(cio).post(url, {**body, "correction_reason": "Audit finding"}, format="json")
    assert corrected.status_code == 201, corrected.json()
    assert corrected.json()["period_ends_on"] == "2024-12-31"


def test_the_api_refuses_a_reading_in_a_closed_period(closed, metric, owner, cio):
    url = f"/api/v1/metrics/{metric.pk}/readings/"
    response = _api(owner).post(url, {"period_end": "2024-12-31", "value": "61"}, format="json")
    assert response.status_code == 400
    assert "is closed" in response.json()["period_end"][0]
    corrected = _api(cio).post(
        url, {"period_end": "2024-12-31", "value": "61", "correction_reason": "Restated"}, format="json"
    )
    assert corrected.status_code == 201
    reading = MetricReading.objects.get()
    assert reading.history.latest().history_change_reason == "Correction of closed period FY2025-Q2: Restated"


def test_a_reading_of_an_open_period_is_still_recorded(closed, metric, owner):
    metric_record_reading(metric=metric, entered_by=owner, period_end=D(2025, 3, 31), value=Decimal("62"))
    assert MetricReading.objects.count() == 1


def test_the_updates_import_refuses_the_row(closed, initiative, owner):
    upload = csv_upload([UPDATE_HEADER, ["stp", "PD-1", "2024-11-20", "on_track", 40, "Fine."]])
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="updates", upload=upload, filename=upload.name, user=owner)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "as_of")
    assert "FY2025-Q2" in problem.rule and "closed" in problem.rule
    assert not StatusUpdate.objects.exists()


def test_the_readings_import_refuses_the_row(closed, metric, owner):
    upload = csv_upload([READING_HEADER, ["stp", "1.1", "MFA share", "2024-11-30", "61", ""]], "readings.csv")
    with pytest.raises(ImportRefused) as caught:
        import_file(kind="readings", upload=upload, filename=upload.name, user=owner)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "period_end")
    assert not MetricReading.objects.exists()


def test_the_admin_refuses_a_reading_naming_the_period(client, closed, metric, cio):
    client.force_login(cio)
    response = client.post(
        reverse("admin:goals_metricreading_add"),
        {"metric": metric.pk, "period_end": "2024-12-31", "value": "61", "note": ""},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "is closed" in " ".join(response.context["adminform"].form.errors["period_end"])
    assert not MetricReading.objects.exists()


def test_the_admin_refuses_a_status_update(client, closed, initiative, cio):
    client.force_login(cio)
    response = client.post(
        reverse("admin:initiatives_statusupdate_add"),
        {"initiative": initiative.pk, "as_of": "2024-11-20", "status": "on_track", "percent_complete": 40},
    )
    assert response.status_code == 200
    assert "is closed" in " ".join(response.context["adminform"].form.errors["as_of"])
    assert not StatusUpdate.objects.exists()


# --- The plan's settings and the readers of the snapshot ----------------------------------------


def test_the_plan_api_edits_the_reporting_settings_and_names_a_bad_one(plan, cio):
    url = f"/api/v1/plans/{plan.pk}/"
    shown = _api(cio).get(url).json()
    assert (shown["reporting_cadence"], shown["reporting_due_days"], shown["reporting_grace_days"]) == (
        "quarterly",
        15,
        10,
    )
    bad = _api(cio).patch(url, {"reporting_cadence": "weekly", "version": plan.version}, format="json")
    assert bad.status_code == 400 and "reporting_cadence" in bad.json()
    good = _api(cio).patch(
        url, {"reporting_cadence": "monthly", "reporting_due_days": 10, "version": plan.version}, format="json"
    )
    assert good.status_code == 200, good.json()
    plan.refresh_from_db()
    assert (plan.reporting_cadence, plan.reporting_due_days) == ("monthly", 10)
    assert plan.reporting_period_owed(D(2026, 12, 5)).key == "2026-11"  # November, due 10 December


def test_the_report_card_reads_the_closed_year_end_period(plan, cio, initiative, owner):
    from reports.plan_tree import plan_tree
    from reports.report_card.figures import Figures

    _post(initiative, owner, percent=30, as_of=D(2024, 5, 1))  # Apr-Jun 2024, FY2024's last quarter
    _post(initiative, owner, percent=80, as_of=D(2024, 8, 1))  # Jul-Sep: after the year
    period_close(plan=plan, period=plan.period_from_key("FY2024-Q4"), actor=cio)
    figures = Figures(plan_tree(plan.pk), D(2024, 6, 30), D(2026, 12, 1))
    assert figures.source == "snapshot"
    assert figures.by_node[("initiative", initiative.pk)]["progress"] == 0.3
