"""The plan's rules, each checked twice.

(a) Validation — the path every service, form, serializer and import takes (`save_audited` runs
    `full_clean()`) — refuses bad input with a message under the field at fault, and stores nothing.
(b) The database itself refuses a row that skips validation (`bulk_create`), so a bug in some
    future write path still cannot store it.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from goals.models import Goal, MetricReading, Plan
from planboard.core.audit import save_audited
from tests.factories import (
    DepartmentFactory,
    DepartmentPlanFactory,
    DriverFactory,
    GoalFactory,
    MembershipFactory,
    MetricFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
    ReadingFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(instance, field: str, fragment: str) -> None:
    """Saving `instance` through validation fails with `fragment` under `field`; no row is added."""
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(ValidationError) as error:
        save_audited(instance)
    messages = error.value.message_dict
    assert field in messages, messages
    assert any(fragment in message for message in messages[field]), messages[field]
    assert model.objects.count() == before


def assert_database_refuses(instance, *names: str) -> None:
    """The database rejects `instance` stored without validation, citing one of `names`.

    PostgreSQL names the constraint; SQLite names a check constraint but lists the columns of a
    unique one, so unique rules pass both spellings.
    """
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        model.objects.bulk_create([instance])
    assert any(name in str(error.value) for name in names), str(error.value)
    assert model.objects.count() == before


# --- Builders: each returns one unsaved row that breaks exactly one rule. ------------------


def duplicate_goal() -> Goal:
    existing = GoalFactory(number=2)
    return GoalFactory.build(plan=existing.plan, number=2)


def duplicate_objective():
    existing = ObjectiveFactory(code="2.3")
    return ObjectiveFactory.build(goal=existing.goal, code="2.3")


def duplicate_reading() -> MetricReading:
    existing = ReadingFactory(period_end=datetime.date(2023, 6, 30))
    return ReadingFactory.build(metric=existing.metric, period_end=datetime.date(2023, 6, 30), value=Decimal("70"))


def duplicate_name(factory):
    def build():
        existing = factory(name="One IT")
        return factory.build(plan=existing.plan, name="One IT")

    return build


def duplicate_membership():
    existing = MembershipFactory()
    return MembershipFactory.build(department=existing.department, user=existing.user)


def metric(**fields):
    return lambda: MetricFactory.build(objective=ObjectiveFactory(), **fields)


def department_plan(parent_factory):
    return lambda: DepartmentPlanFactory.build(department=DepartmentFactory(), parent=parent_factory())


def weighted(factory, parent: str, weight: str):
    parents = {"plan": PlanFactory, "goal": GoalFactory}
    return lambda: factory.build(**{parent: parents[parent]()}, weight=Decimal(weight))


VALIDATION_RULES = [
    # Weights feed weighted means; a negative weight would pull a roll-up the wrong way.
    pytest.param(weighted(PillarFactory, "plan", "-1"), "weight", "zero or more", id="pillar weight >= 0"),
    pytest.param(weighted(DriverFactory, "plan", "-0.01"), "weight", "zero or more", id="driver weight >= 0"),
    pytest.param(weighted(GoalFactory, "plan", "-1"), "weight", "zero or more", id="goal weight >= 0"),
    pytest.param(weighted(ObjectiveFactory, "goal", "-1"), "weight", "zero or more", id="objective weight >= 0"),
    pytest.param(
        lambda: GoalFactory.build(plan=PlanFactory(), number=0), "number", "start at 1", id="goal number >= 1"
    ),
    pytest.param(duplicate_goal, "number", "already has a goal numbered 2", id="goal number unique per plan"),
    pytest.param(
        lambda: ObjectiveFactory.build(goal=GoalFactory(), code="2.3 draft"),
        "code",
        "letters, digits",
        id="objective code has no spaces",
    ),
    pytest.param(
        lambda: ObjectiveFactory.build(goal=GoalFactory(), code=".3"),
        "code",
        "letters, digits",
        id="objective code starts with a letter or digit",
    ),
    pytest.param(
        duplicate_objective, "code", "already has an objective coded 2.3", id="objective code unique per goal"
    ),
    pytest.param(
        metric(baseline=Decimal("50"), target=Decimal("50")),
        "target",
        "differ from the baseline",
        id="metric target differs from baseline",
    ),
    pytest.param(
        metric(direction="up", baseline=Decimal("50"), target=Decimal("40")),
        "target",
        "above the baseline",
        id="higher is better: target above baseline",
    ),
    pytest.param(
        metric(direction="down", baseline=Decimal("50"), target=Decimal("60")),
        "target",
        "below the baseline",
        id="lower is better: target below baseline",
    ),
    pytest.param(
        metric(baseline_date=datetime.date(2024, 6, 30), target_date=datetime.date(2024, 6, 30)),
        "target_date",
        "after the baseline date",
        id="metric target date after baseline date (same day)",
    ),
    pytest.param(
        metric(baseline_date=datetime.date(2024, 6, 30), target_date=datetime.date(2023, 6, 30)),
        "target_date",
        "after the baseline date",
        id="metric target date after baseline date (earlier)",
    ),
    pytest.param(
        duplicate_reading,
        "period_end",
        "already has a reading for the period ending 2023-06-30",
        id="one reading per metric and period",
    ),
    pytest.param(
        lambda: PlanFactory.build(start_fiscal_year=2024, end_fiscal_year=2023),
        "end_fiscal_year",
        "cannot come before the first",
        id="plan fiscal years in order",
    ),
    pytest.param(
        lambda: PlanFactory.build(start_fiscal_year=1999),
        "start_fiscal_year",
        "2000 or later",
        id="plan first fiscal year from 2000",
    ),
    pytest.param(
        lambda: PlanFactory.build(end_fiscal_year=2101),
        "end_fiscal_year",
        "2100 or earlier",
        id="plan last fiscal year up to 2100",
    ),
    pytest.param(
        lambda: PlanFactory.build(fiscal_year_start_month=0),
        "fiscal_year_start_month",
        "1 to 12",
        id="fiscal month >= 1",
    ),
    pytest.param(
        lambda: PlanFactory.build(fiscal_year_start_month=13),
        "fiscal_year_start_month",
        "1 to 12",
        id="fiscal month <= 12",
    ),
    pytest.param(
        lambda: PlanFactory.build(metric_share=Decimal("-0.10")),
        "metric_share",
        "between 0 and 1",
        id="metric share >= 0",
    ),
    pytest.param(
        lambda: PlanFactory.build(metric_share=Decimal("1.01")),
        "metric_share",
        "between 0 and 1",
        id="metric share <= 1",
    ),
    pytest.param(
        lambda: PlanFactory.build(update_cadence_days=0),
        "update_cadence_days",
        "at least one day",
        id="update cadence at least a day",
    ),
    pytest.param(
        lambda: PlanFactory.build(scope=Plan.Scope.DEPARTMENT),
        "department",
        "needs a department",
        id="department plan needs a department",
    ),
    pytest.param(
        lambda: PlanFactory.build(department=DepartmentFactory()),
        "department",
        "no single department",
        id="enterprise plan has no department",
    ),
    pytest.param(
        lambda: PlanFactory.build(parent=PlanFactory()),
        "parent",
        "Only a department plan",
        id="enterprise plan has no parent",
    ),
    pytest.param(
        department_plan(DepartmentPlanFactory),
        "parent",
        "must be an enterprise plan",
        id="parent must be the enterprise plan",
    ),
    pytest.param(
        lambda: DriverFactory.build(plan=PlanFactory(), pillar=PillarFactory()),
        "pillar",
        "same plan",
        id="driver's pillar from the same plan",
    ),
    pytest.param(duplicate_name(PillarFactory), "name", "already has a pillar named", id="pillar name unique per plan"),
    pytest.param(
        duplicate_name(DriverFactory), "name", "already has a business driver named", id="driver name unique per plan"
    ),
    pytest.param(duplicate_name(ThemeFactory), "name", "already has a theme named", id="theme name unique per plan"),
    pytest.param(duplicate_membership, "user", "already a member", id="one membership per person and department"),
]


# Imports hand raw text to the model. clean() runs even when a field could not read its value,
# so each rule must leave an unreadable value to its field's own message instead of crashing.
UNREADABLE_VALUES = [
    pytest.param(
        lambda: GoalFactory.build(plan=PlanFactory(), number="two"), "number", "must be an integer", id="goal number"
    ),
    pytest.param(
        lambda: ReadingFactory.build(metric=MetricFactory(), period_end="June"),
        "period_end",
        "invalid date format",
        id="reading period",
    ),
    pytest.param(metric(baseline="fifty"), "baseline", "must be a decimal number", id="metric baseline"),
    pytest.param(metric(target="ninety"), "target", "must be a decimal number", id="metric target"),
    pytest.param(metric(baseline_date="last June"), "baseline_date", "invalid date format", id="metric baseline date"),
    pytest.param(
        lambda: PlanFactory.build(start_fiscal_year="FY22"),
        "start_fiscal_year",
        "must be an integer",
        id="plan first fiscal year",
    ),
    # Django's own wording for a missing row; see the report for the clearer message it needs.
    pytest.param(
        lambda: DepartmentPlanFactory.build(department=DepartmentFactory(), parent_id=999_999),
        "parent",
        "not a valid choice",
        id="plan parent that does not exist",
    ),
    pytest.param(
        lambda: DriverFactory.build(plan=PlanFactory(), pillar_id=999_999),
        "pillar",
        "not a valid choice",
        id="driver pillar that does not exist",
    ),
]


@pytest.mark.parametrize("build, field, fragment", VALIDATION_RULES + UNREADABLE_VALUES)
def test_validation_names_the_field_and_stores_nothing(build, field, fragment):
    assert_refused(build(), field, fragment)


DATABASE_RULES = [
    pytest.param(weighted(PillarFactory, "plan", "-1"), ("pillar_weight_non_negative",), id="pillar weight >= 0"),
    pytest.param(weighted(DriverFactory, "plan", "-1"), ("driver_weight_non_negative",), id="driver weight >= 0"),
    pytest.param(weighted(GoalFactory, "plan", "-1"), ("goal_weight_non_negative",), id="goal weight >= 0"),
    pytest.param(
        weighted(ObjectiveFactory, "goal", "-1"), ("objective_weight_non_negative",), id="objective weight >= 0"
    ),
    pytest.param(
        lambda: GoalFactory.build(plan=PlanFactory(), number=0), ("goal_number_positive",), id="goal number >= 1"
    ),
    pytest.param(
        duplicate_goal,
        ("goal_unique_number", "goals_goal.plan_id, goals_goal.number"),
        id="goal number unique per plan",
    ),
    pytest.param(
        duplicate_objective,
        ("objective_unique_code", "goals_objective.goal_id, goals_objective.code"),
        id="objective code unique per goal",
    ),
    # Equal figures break two rules at once (and lie in neither direction); either may be cited.
    pytest.param(
        metric(baseline=Decimal("50"), target=Decimal("50")),
        ("metric_target_differs_from_baseline", "metric_direction_matches_target"),
        id="metric target differs from baseline",
    ),
    pytest.param(
        metric(direction="up", baseline=Decimal("50"), target=Decimal("40")),
        ("metric_direction_matches_target",),
        id="higher is better: target above baseline",
    ),
    pytest.param(
        metric(direction="down", baseline=Decimal("50"), target=Decimal("60")),
        ("metric_direction_matches_target",),
        id="lower is better: target below baseline",
    ),
    pytest.param(
        metric(baseline_date=datetime.date(2024, 6, 30), target_date=datetime.date(2024, 6, 30)),
        ("metric_target_after_baseline",),
        id="metric target date after baseline date",
    ),
    pytest.param(
        duplicate_reading,
        ("reading_unique_period", "goals_metricreading.metric_id, goals_metricreading.period_end"),
        id="one reading per metric and period",
    ),
    pytest.param(
        lambda: PlanFactory.build(start_fiscal_year=2024, end_fiscal_year=2023),
        ("plan_fiscal_years_in_order",),
        id="plan fiscal years in order",
    ),
    pytest.param(
        lambda: PlanFactory.build(fiscal_year_start_month=0), ("plan_fiscal_month_valid",), id="fiscal month >= 1"
    ),
    pytest.param(
        lambda: PlanFactory.build(fiscal_year_start_month=13), ("plan_fiscal_month_valid",), id="fiscal month <= 12"
    ),
    pytest.param(
        lambda: PlanFactory.build(metric_share=Decimal("-0.5")), ("plan_metric_share_0_1",), id="metric share >= 0"
    ),
    pytest.param(
        lambda: PlanFactory.build(metric_share=Decimal("1.5")), ("plan_metric_share_0_1",), id="metric share <= 1"
    ),
    pytest.param(
        lambda: PlanFactory.build(scope=Plan.Scope.DEPARTMENT),
        ("plan_scope_matches_department",),
        id="department plan needs a department",
    ),
    pytest.param(
        lambda: PlanFactory.build(department=DepartmentFactory()),
        ("plan_scope_matches_department",),
        id="enterprise plan has no department",
    ),
    pytest.param(
        lambda: PlanFactory.build(parent=PlanFactory()),
        ("plan_scope_matches_department",),
        id="enterprise plan has no parent",
    ),
    pytest.param(
        duplicate_name(PillarFactory),
        ("pillar_unique_name", "goals_pillar.plan_id, goals_pillar.name"),
        id="pillar name unique per plan",
    ),
    pytest.param(
        duplicate_name(DriverFactory),
        ("driver_unique_name", "goals_businessdriver.plan_id, goals_businessdriver.name"),
        id="driver name unique per plan",
    ),
    pytest.param(
        duplicate_name(ThemeFactory),
        ("theme_unique_name", "goals_theme.plan_id, goals_theme.name"),
        id="theme name unique per plan",
    ),
    pytest.param(
        duplicate_membership,
        ("membership_unique_user", "goals_departmentmembership.department_id, goals_departmentmembership.user_id"),
        id="one membership per person and department",
    ),
]


@pytest.mark.parametrize("build, names", DATABASE_RULES)
def test_database_refuses_a_row_that_skips_validation(build, names):
    assert_database_refuses(build(), *names)


VALID_ROWS = [
    pytest.param(lambda: PlanFactory.build(), id="enterprise plan"),
    pytest.param(department_plan(PlanFactory), id="department plan aligned to the enterprise plan"),
    pytest.param(
        lambda: PlanFactory.build(metric_share=Decimal("0"), fiscal_year_start_month=1), id="plan edges 0 and 1"
    ),
    pytest.param(
        lambda: PlanFactory.build(metric_share=Decimal("1"), fiscal_year_start_month=12), id="plan edges 1 and 12"
    ),
    pytest.param(weighted(PillarFactory, "plan", "0"), id="zero weight"),
    pytest.param(lambda: GoalFactory.build(plan=PlanFactory(), number=1), id="goal 1"),
    pytest.param(lambda: ObjectiveFactory.build(goal=GoalFactory(), code="PD-1.2a"), id="objective code PD-1.2a"),
    pytest.param(metric(direction="down", baseline=Decimal("48"), target=Decimal("24")), id="lower is better"),
    pytest.param(
        lambda: ReadingFactory.build(metric=ReadingFactory().metric, period_end=datetime.date(2023, 9, 30)),
        id="a second period's reading",
    ),
    pytest.param(
        lambda: GoalFactory.build(plan=PlanFactory(), number=GoalFactory(number=2).number), id="goal 2 in another plan"
    ),
]


@pytest.mark.parametrize("build", VALID_ROWS)
def test_a_row_on_the_edge_of_each_rule_is_accepted(build):
    # The counterpart of the refusals above: the rules refuse only what they say they refuse.
    row = build()
    save_audited(row)
    assert type(row).objects.filter(pk=row.pk).exists()


# --- Version: the guard against lost updates. -----------------------------------------------


def test_a_new_row_starts_at_version_1_and_every_save_bumps_it():
    goal = GoalFactory()
    assert goal.version == 1
    goal.title = "Modernize the city's technology"
    goal.save()
    goal.save()
    goal.refresh_from_db()
    assert goal.version == 3


def test_a_save_of_some_fields_still_bumps_the_stored_version_and_change_time():
    plan = PlanFactory()
    first_change = plan.updated_at
    plan.title = "Strategic Technology Plan 2022-2026"
    plan.save(update_fields=["title"])
    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.title, stored.version) == ("Strategic Technology Plan 2022-2026", 2)
    assert stored.updated_at > first_change


def test_a_save_of_some_fields_writes_only_those_and_the_version():
    goal = GoalFactory(title="Before")
    Goal.objects.filter(pk=goal.pk).update(description="Written by someone else")
    goal.title = "After"
    goal.save(update_fields=["title"])
    stored = Goal.objects.get(pk=goal.pk)
    # The stale in-memory description was not written back over the other change.
    assert (stored.title, stored.description, stored.version) == ("After", "Written by someone else", 2)


def test_membership_and_department_are_what_the_roles_build_on():
    # A liaison membership is valid on its own; the role choice is what permissions read.
    membership = MembershipFactory.build(department=DepartmentFactory(), user=UserFactory(), role="liaison")
    save_audited(membership)
    assert membership.get_role_display() == "Department liaison"
