"""metric_record_reading: one reading per period, corrections audited, only those who may edit the metric."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from goals.models import MetricReading, Plan, PlanChange
from goals.services import metric_record_reading
from planboard.core.audit import history_diff
from planboard.core.permissions import Role
from tests.factories import (
    DepartmentPlanFactory,
    MembershipFactory,
    MetricFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

JUNE_30 = datetime.date(2023, 6, 30)


@pytest.fixture
def metric():
    """A metric of the enterprise plan, owned by an ITS staff member with no role of their own."""
    return MetricFactory(owner=UserFactory(username="metric-owner"))


def plan_needs_recalculation(metric) -> bool:
    return Plan.objects.get(pk=metric.objective.goal.plan_id).needs_recalculation


def test_a_reading_is_recorded_audited_and_the_plan_marked_for_recalculation(
    metric, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        reading = metric_record_reading(
            metric=metric,
            entered_by=metric.owner,
            period_end=JUNE_30,
            value=Decimal("62.5"),
            note="From the 311 system",
        )
    stored = MetricReading.objects.get()
    assert (stored.pk, stored.value, stored.note, stored.entered_by) == (
        reading.pk,
        Decimal("62.5"),
        "From the 311 system",
        metric.owner,
    )
    assert stored.history.get().history_user == metric.owner
    assert plan_needs_recalculation(metric) is True
    assert len(queued) == 1  # the recalculation is announced once, after the commit


def test_a_second_reading_for_the_same_period_is_refused_naming_period_end(metric):
    first = metric_record_reading(metric=metric, entered_by=metric.owner, period_end=JUNE_30, value=Decimal("60"))
    PlanChange.objects.all().delete()  # as after the recalculation that followed
    with pytest.raises(ValidationError) as error:
        metric_record_reading(metric=metric, entered_by=metric.owner, period_end=JUNE_30, value=Decimal("75"))
    message = " ".join(error.value.message_dict["period_end"])
    assert "already has a reading for the period ending 2023-06-30" in message
    assert "(60.0000)" in message and "correct it" in message  # names the figure already there, and the way out
    stored = MetricReading.objects.get()
    assert (stored.value, stored.version, stored.history.count()) == (Decimal("60"), first.version, 1)
    assert plan_needs_recalculation(metric) is False


def test_a_correction_replaces_the_value_and_history_keeps_the_old_one(metric, editor):
    metric_record_reading(metric=metric, entered_by=metric.owner, period_end=JUNE_30, value=Decimal("60"))
    corrected = metric_record_reading(
        metric=metric,
        entered_by=editor,
        period_end=JUNE_30,
        value=Decimal("55"),
        note="Double-counted June",
        correct=True,
    )
    assert MetricReading.objects.count() == 1
    corrected.refresh_from_db()
    assert (corrected.value, corrected.entered_by, corrected.version) == (Decimal("55"), editor, 2)
    newest, original = history_diff(corrected)
    assert (newest["who"], newest["reason"]) == (editor, "Reading corrected")
    value = next(change for change in newest["changes"] if change["field"] == "value")
    assert (value["before"], value["after"]) == (Decimal("60"), Decimal("55"))
    assert original["who"] == metric.owner


def test_correct_with_nothing_to_correct_records_a_first_reading(metric):
    reading = metric_record_reading(
        metric=metric, entered_by=metric.owner, period_end=JUNE_30, value=Decimal("58"), correct=True
    )
    assert reading.history.get().history_change_reason in ("", None)  # a first reading, not a correction
    assert MetricReading.objects.get().value == Decimal("58")


def test_readings_for_different_periods_sit_side_by_side(metric):
    for period_end, value in [(JUNE_30, "60"), (datetime.date(2023, 9, 30), "64")]:
        metric_record_reading(metric=metric, entered_by=metric.owner, period_end=period_end, value=Decimal(value))
    assert list(metric.readings.values_list("value", flat=True)) == [Decimal("60"), Decimal("64")]


def other_department_liaison(metric):
    return MembershipFactory(role="liaison").user


def inactive_owner(metric):
    metric.owner.is_active = False
    metric.owner.save()
    return metric.owner


REFUSED = [
    pytest.param(lambda metric: AnonymousUser(), id="anonymous"),
    pytest.param(lambda metric: UserFactory(), id="signed in, no role"),
    pytest.param(lambda metric: user_with_role(Role.VIEWER), id="viewer"),
    pytest.param(other_department_liaison, id="a department liaison (enterprise metric)"),
    pytest.param(lambda metric: MetricFactory(owner=UserFactory()).owner, id="owner of another metric"),
    pytest.param(inactive_owner, id="the owner, account deactivated"),
]


@pytest.mark.parametrize("who", REFUSED)
def test_who_may_not_edit_the_metric_is_refused_and_nothing_is_stored(metric, who):
    with pytest.raises(PermissionDenied):
        metric_record_reading(metric=metric, entered_by=who(metric), period_end=JUNE_30, value=Decimal("60"))
    assert MetricReading.objects.count() == 0
    assert plan_needs_recalculation(metric) is False


def test_a_liaison_records_readings_for_their_department_plan():
    metric = MetricFactory(objective__goal__plan=DepartmentPlanFactory())
    liaison = MembershipFactory(department=metric.objective.goal.plan.department, role="liaison").user
    metric_record_reading(metric=metric, entered_by=liaison, period_end=JUNE_30, value=Decimal("70"))
    assert MetricReading.objects.get().entered_by == liaison


def test_an_unstorable_value_is_refused_naming_the_field_and_nothing_changes(metric):
    # value holds 16 digits, 4 after the point: 12 before it at most, and this has 13.
    with pytest.raises(ValidationError) as error:
        metric_record_reading(
            metric=metric, entered_by=metric.owner, period_end=JUNE_30, value=Decimal("1234567890123")
        )
    assert "value" in error.value.message_dict
    assert MetricReading.objects.count() == 0
    assert plan_needs_recalculation(metric) is False
